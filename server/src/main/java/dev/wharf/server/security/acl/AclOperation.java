package dev.wharf.server.security.acl;

import java.util.EnumSet;
import java.util.Set;

/**
 * What a principal may do to a resource, with Kafka's wire codes (also the bit numbers of the
 * authorized-operations bitfields in Metadata and DescribeGroups/DescribeCluster) and the names
 * its ZooKeeper mode writes. {@link #ANY} exists only in filters; {@link #ALL} in an ACL covers
 * every operation. Immutable.
 */
public enum AclOperation {
    ANY(1, "Any"),
    ALL(2, "All"),
    READ(3, "Read"),
    WRITE(4, "Write"),
    CREATE(5, "Create"),
    DELETE(6, "Delete"),
    ALTER(7, "Alter"),
    DESCRIBE(8, "Describe"),
    CLUSTER_ACTION(9, "ClusterAction"),
    DESCRIBE_CONFIGS(10, "DescribeConfigs"),
    ALTER_CONFIGS(11, "AlterConfigs"),
    IDEMPOTENT_WRITE(12, "IdempotentWrite"),
    CREATE_TOKENS(13, "CreateTokens"),
    DESCRIBE_TOKENS(14, "DescribeTokens");

    public final byte code;
    public final String zkName;

    AclOperation(int code, String zkName) {
        this.code = (byte) code;
        this.zkName = zkName;
    }

    /** The operation with this wire code, or null for UNKNOWN (0) and codes Kafka does not define. */
    public static AclOperation forCode(byte code) {
        for (AclOperation o : values()) {
            if (o.code == code) {
                return o;
            }
        }
        return null;
    }

    /** The operation with this ZooKeeper name, or null. */
    public static AclOperation forZkName(String name) {
        for (AclOperation o : values()) {
            if (o != ANY && o.zkName.equals(name)) {
                return o;
            }
        }
        return null;
    }

    /**
     * Whether an ALLOW of this operation allows {@code asked}: ALL allows everything, READ, WRITE,
     * DELETE and ALTER allow DESCRIBE too, ALTER_CONFIGS allows DESCRIBE_CONFIGS (Kafka's implied
     * operations; a DENY implies nothing beyond itself and ALL).
     */
    public boolean allowImplies(AclOperation asked) {
        if (this == ALL || this == asked) {
            return true;
        }
        return switch (asked) {
            case DESCRIBE -> this == READ || this == WRITE || this == DELETE || this == ALTER;
            case DESCRIBE_CONFIGS -> this == ALTER_CONFIGS;
            default -> false;
        };
    }

    /** The operations Kafka reports in the authorized-operations bitfield of a resource of this type. */
    public static Set<AclOperation> reportedFor(ResourceType type) {
        return switch (type) {
            case TOPIC -> EnumSet.of(READ, WRITE, CREATE, DELETE, ALTER, DESCRIBE, DESCRIBE_CONFIGS, ALTER_CONFIGS);
            case GROUP -> EnumSet.of(READ, DESCRIBE, DELETE, DESCRIBE_CONFIGS, ALTER_CONFIGS);
            case CLUSTER -> EnumSet.of(CREATE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE,
                    ALTER, DESCRIBE);
            case TRANSACTIONAL_ID -> EnumSet.of(DESCRIBE, WRITE);
            case DELEGATION_TOKEN -> EnumSet.of(DESCRIBE);
            case USER -> EnumSet.of(CREATE_TOKENS, DESCRIBE_TOKENS);
            case ANY -> EnumSet.noneOf(AclOperation.class);
        };
    }
}

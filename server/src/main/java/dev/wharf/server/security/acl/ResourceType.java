package dev.wharf.server.security.acl;

/**
 * What an ACL protects, with Kafka's wire codes and the names its ZooKeeper mode writes in znode
 * paths ({@code /kafka-acl/Topic/...}). {@link #ANY} exists only in filters. Immutable.
 */
public enum ResourceType {
    ANY(1, "Any"),
    TOPIC(2, "Topic"),
    GROUP(3, "Group"),
    CLUSTER(4, "Cluster"),
    TRANSACTIONAL_ID(5, "TransactionalId"),
    DELEGATION_TOKEN(6, "DelegationToken"),
    USER(7, "User");

    /** The one name a CLUSTER resource has. */
    public static final String CLUSTER_NAME = "kafka-cluster";

    public final byte code;
    /** The name in ZooKeeper paths. */
    public final String zkName;

    ResourceType(int code, String zkName) {
        this.code = (byte) code;
        this.zkName = zkName;
    }

    /** The type with this wire code, or null for UNKNOWN (0) and codes Kafka does not define. */
    public static ResourceType forCode(byte code) {
        for (ResourceType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** The type with this ZooKeeper name, or null. */
    public static ResourceType forZkName(String name) {
        for (ResourceType t : values()) {
            if (t != ANY && t.zkName.equals(name)) {
                return t;
            }
        }
        return null;
    }
}

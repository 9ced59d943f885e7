package dev.wharf.server.security.acl;

/** Whether an ACL allows or denies, with Kafka's wire codes and ZooKeeper names; ANY only in filters. Immutable. */
public enum AclPermission {
    ANY(1, "Any"),
    DENY(2, "Deny"),
    ALLOW(3, "Allow");

    public final byte code;
    public final String zkName;

    AclPermission(int code, String zkName) {
        this.code = (byte) code;
        this.zkName = zkName;
    }

    /** The permission with this wire code, or null for UNKNOWN (0) and codes Kafka does not define. */
    public static AclPermission forCode(byte code) {
        for (AclPermission p : values()) {
            if (p.code == code) {
                return p;
            }
        }
        return null;
    }

    /** The permission with this ZooKeeper name, or null. */
    public static AclPermission forZkName(String name) {
        for (AclPermission p : values()) {
            if (p != ANY && p.zkName.equals(name)) {
                return p;
            }
        }
        return null;
    }
}

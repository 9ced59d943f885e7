package dev.wharf.server.security.acl;

/**
 * How an ACL's resource name is matched (KIP-290), with Kafka's wire codes: {@link #LITERAL} the
 * name itself (or every name for {@code "*"}), {@link #PREFIXED} every name starting with it.
 * {@link #ANY} and {@link #MATCH} exist only in filters: ANY takes either pattern type with the
 * filter's exact name, MATCH every ACL that would apply to a resource of that name. Immutable.
 */
public enum PatternType {
    ANY(1),
    MATCH(2),
    LITERAL(3),
    PREFIXED(4);

    public final byte code;

    PatternType(int code) {
        this.code = (byte) code;
    }

    /** The pattern type with this wire code, or null for UNKNOWN (0) and codes Kafka does not define. */
    public static PatternType forCode(byte code) {
        for (PatternType t : values()) {
            if (t.code == code) {
                return t;
            }
        }
        return null;
    }

    /** Whether stored ACLs can have this type (the others are filters only). */
    public boolean isSpecific() {
        return this == LITERAL || this == PREFIXED;
    }
}

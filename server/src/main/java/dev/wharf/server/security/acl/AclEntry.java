package dev.wharf.server.security.acl;

/**
 * Who an ACL is about and what it says: a principal ({@code User:alice}, or {@value #ANY_PRINCIPAL}
 * for everyone), a host (a client IP, or {@value #ANY_HOST}), an operation and ALLOW or DENY. Immutable.
 */
public record AclEntry(String principal, String host, AclOperation operation, AclPermission permission) {
    public static final String ANY_PRINCIPAL = "User:*";
    public static final String ANY_HOST = "*";

    /** Whether this entry speaks of {@code who} connecting from {@code from}. */
    public boolean appliesTo(String who, String from) {
        return (principal.equals(who) || principal.equals(ANY_PRINCIPAL)) && (host.equals(from) || host.equals(ANY_HOST));
    }

    @Override
    public String toString() {
        return principal + " from " + host + " " + permission + " " + operation;
    }
}

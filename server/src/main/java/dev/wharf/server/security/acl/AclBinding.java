package dev.wharf.server.security.acl;

/** One ACL: an entry bound to a resource pattern, as CreateAcls creates and DescribeAcls lists them. Immutable. */
public record AclBinding(ResourcePattern pattern, AclEntry entry) {
    @Override
    public String toString() {
        return pattern + " " + entry;
    }
}

package dev.wharf.server.security.acl;

/**
 * Which ACLs a DescribeAcls or DeleteAcls filter selects, with Kafka's meaning: a null name,
 * principal or host matches any; ANY for a type, operation or permission matches any. The pattern
 * type ANY takes both stored pattern types with exactly the filter's name; MATCH takes every ACL
 * that applies to a resource of that name (its literal, the wildcard and prefixes of it). Immutable.
 */
public record AclFilter(ResourceType type, String name, PatternType patternType, String principal, String host,
        AclOperation operation, AclPermission permission) {

    public boolean matches(AclBinding acl) {
        return matches(acl.pattern()) && matches(acl.entry());
    }

    public boolean matches(ResourcePattern p) {
        if (type != ResourceType.ANY && type != p.type()) {
            return false;
        }
        if (patternType.isSpecific() && patternType != p.patternType()) {
            return false;
        }
        if (name == null) {
            return true;
        }
        if (patternType != PatternType.MATCH) {
            return name.equals(p.name());
        }
        return p.patternType() == PatternType.PREFIXED ? name.startsWith(p.name())
                : name.equals(p.name()) || p.name().equals(ResourcePattern.WILDCARD);
    }

    public boolean matches(AclEntry e) {
        return (principal == null || principal.equals(e.principal())) && (host == null || host.equals(e.host()))
                && (operation == AclOperation.ANY || operation == e.operation())
                && (permission == AclPermission.ANY || permission == e.permission());
    }
}

package dev.wharf.server.api;

import dev.wharf.server.security.acl.AclBinding;
import dev.wharf.server.security.acl.AclEntry;
import dev.wharf.server.security.acl.AclFilter;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.AclPermission;
import dev.wharf.server.security.acl.PatternType;
import dev.wharf.server.security.acl.ResourcePattern;
import dev.wharf.server.security.acl.ResourceType;

/**
 * Reads the ACLs and filters of CreateAcls, DescribeAcls and DeleteAcls requests, refusing what
 * Kafka refuses with INVALID_REQUEST: unknown codes, ANY/MATCH where an ACL needs a specific value,
 * an empty name, a CLUSTER not named {@value ResourceType#CLUSTER_NAME}, a principal without a type.
 * Stateless.
 */
final class AclRequests {
    /** An ACL to create, or why it is invalid. */
    record Creation(AclBinding acl, String invalid) {}

    private AclRequests() {}

    static Creation creation(byte resourceType, String resourceName, byte patternType, String principal, String host,
            byte operation, byte permission) {
        ResourceType type = ResourceType.forCode(resourceType);
        PatternType pattern = PatternType.forCode(patternType);
        AclOperation op = AclOperation.forCode(operation);
        AclPermission perm = AclPermission.forCode(permission);
        String invalid = null;
        if (type == null || type == ResourceType.ANY) {
            invalid = "Invalid resource type " + resourceType;
        } else if (pattern == null || !pattern.isSpecific()) {
            invalid = "Invalid resource pattern type " + patternType + ": an ACL is LITERAL or PREFIXED";
        } else if (op == null || op == AclOperation.ANY) {
            invalid = "Invalid operation " + operation;
        } else if (perm == null || perm == AclPermission.ANY) {
            invalid = "Invalid permission type " + permission;
        } else if (resourceName == null || resourceName.isEmpty()) {
            invalid = "Resource name must not be empty";
        } else if (type == ResourceType.CLUSTER && !resourceName.equals(ResourceType.CLUSTER_NAME)) {
            invalid = "The only valid name for the CLUSTER resource is " + ResourceType.CLUSTER_NAME;
        } else if (!validPrincipal(principal)) {
            invalid = "Invalid principal " + principal + ": expected <type>:<name>";
        } else if (host == null || host.isEmpty()) {
            invalid = "Invalid host: expected * or an IP address";
        }
        return invalid != null ? new Creation(null, invalid) : new Creation(new AclBinding(
                new ResourcePattern(type, resourceName, pattern), new AclEntry(principal, host, op, perm)), null);
    }

    /** The filter, or null when a code is unknown (INVALID_REQUEST). */
    static AclFilter filter(byte resourceType, String resourceName, byte patternType, String principal, String host,
            byte operation, byte permission) {
        ResourceType type = ResourceType.forCode(resourceType);
        PatternType pattern = PatternType.forCode(patternType);
        AclOperation op = AclOperation.forCode(operation);
        AclPermission perm = AclPermission.forCode(permission);
        if (type == null || pattern == null || op == null || perm == null) {
            return null; // a principal or host filter is only compared, as in Kafka: one no ACL has matches nothing
        }
        return new AclFilter(type, resourceName, pattern, principal, host, op, perm);
    }

    private static boolean validPrincipal(String principal) {
        int colon = principal == null ? -1 : principal.indexOf(':');
        return colon > 0 && colon < principal.length() - 1;
    }
}

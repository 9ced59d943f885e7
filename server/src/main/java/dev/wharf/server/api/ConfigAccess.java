package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;

/**
 * Who may describe or alter a config resource, as Kafka decides: a topic's configs need
 * DESCRIBE_CONFIGS / ALTER_CONFIGS on the topic (else TOPIC_AUTHORIZATION_FAILED), a broker's or
 * broker logger's on the cluster (else CLUSTER_AUTHORIZATION_FAILED). Stateless.
 */
final class ConfigAccess {
    /** Kafka's BROKER_LOGGER config resource type. */
    private static final byte BROKER_LOGGER = 8;

    private ConfigAccess() {}

    /** NONE when allowed, else the error the resource's result gets; unknown resource types are left to the handler. */
    static ErrorCode check(Authorization authz, RequestContext context, byte resourceType, String name, boolean alter) {
        AclOperation op = alter ? AclOperation.ALTER_CONFIGS : AclOperation.DESCRIBE_CONFIGS;
        if (resourceType == ConfigResources.TOPIC) {
            return authz.allowed(context, op, ResourceType.TOPIC, name) ? ErrorCode.NONE : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
        }
        if (resourceType == ConfigResources.BROKER || resourceType == BROKER_LOGGER) {
            return authz.allowedOnCluster(context, op) ? ErrorCode.NONE : ErrorCode.CLUSTER_AUTHORIZATION_FAILED;
        }
        if (resourceType == GroupConfigResources.GROUP) {
            return authz.allowed(context, op, ResourceType.GROUP, name) ? ErrorCode.NONE : ErrorCode.GROUP_AUTHORIZATION_FAILED;
        }
        return ErrorCode.NONE;
    }
}

package dev.wharf.server.security.acl;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.api.RequestContext;
import dev.wharf.server.config.BrokerKeys;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a handler asks whether the request's principal may do something, one line per check:
 * {@code authz.allowed(ctx, AclOperation.WRITE, ResourceType.TOPIC, topic)}. The principal is read
 * from the connection on every call (it changes once the connection authenticates), the host is the
 * client's IP. {@link #NONE} (no {@code authorizer.class.name}) allows everything at the cost of one
 * null check, and reports every operation in the authorized-operations bitfields, as Kafka does
 * without an authorizer. Immutable; any thread.
 */
public final class Authorization {
    private static final Logger log = LoggerFactory.getLogger(Authorization.class);

    /** No authorizer: everything is allowed. */
    public static final Authorization NONE = new Authorization(null);

    private final AclAuthorizer authorizer;

    private Authorization(AclAuthorizer authorizer) {
        this.authorizer = authorizer;
    }

    public static Authorization by(AclAuthorizer authorizer) {
        return new Authorization(authorizer);
    }

    /**
     * What {@code authorizer.class.name} asks for: {@link #NONE} when empty, else an
     * {@link AclAuthorizer} with {@code super.users} and {@code allow.everyone.if.no.acl.found},
     * following the ACLs in ZooKeeper (all of them loaded when this returns).
     */
    public static Authorization start(BrokerConfig config, ZkMetadataStore metadata) throws Exception {
        String className = config.get(BrokerKeys.AUTHORIZER_CLASS_NAME);
        if (className == null || className.isBlank()) {
            return NONE;
        }
        Set<String> superUsers = new HashSet<>();
        for (String user : String.valueOf(config.get(BrokerKeys.SUPER_USERS)).split(";")) {
            if (!user.isBlank() && !user.equals("null")) {
                superUsers.add(user.trim());
            }
        }
        AclAuthorizer authorizer = new AclAuthorizer(superUsers, config.get(BrokerKeys.ALLOW_EVERYONE_IF_NO_ACL_FOUND));
        metadata.subscribeAcls(authorizer);
        log.info("authorizer={} on: super.users={} allow.everyone.if.no.acl.found={}", className, superUsers,
                config.get(BrokerKeys.ALLOW_EVERYONE_IF_NO_ACL_FOUND));
        return by(authorizer);
    }

    /** The authorizer, empty without one (the ACL APIs then answer SECURITY_DISABLED). */
    public Optional<AclAuthorizer> authorizer() {
        return Optional.ofNullable(authorizer);
    }

    public boolean allowed(RequestContext ctx, AclOperation operation, ResourceType type, String name) {
        return authorizer == null
                || authorizer.authorize(ctx.connection().principal(), hostOf(ctx), operation, type, name);
    }

    /** {@code operation} on the cluster resource ({@value ResourceType#CLUSTER_NAME}). */
    public boolean allowedOnCluster(RequestContext ctx, AclOperation operation) {
        return allowed(ctx, operation, ResourceType.CLUSTER, ResourceType.CLUSTER_NAME);
    }

    /**
     * Whether the principal may do {@code operation} to at least one resource of {@code type}
     * (KIP-679's check, used for idempotent producers' WRITE on any topic).
     */
    public boolean allowedOnAny(RequestContext ctx, AclOperation operation, ResourceType type) {
        return authorizer == null
                || authorizer.authorizeAny(ctx.connection().principal(), hostOf(ctx), operation, type);
    }

    /** The items whose resource ({@code nameOf}) the principal may do {@code operation} to, in order. */
    public <T> List<T> filter(RequestContext ctx, AclOperation operation, ResourceType type, Collection<T> items,
            Function<T, String> nameOf) {
        if (authorizer == null) {
            return items instanceof List<T> list ? list : new ArrayList<>(items);
        }
        List<T> out = new ArrayList<>(items.size());
        for (T item : items) {
            if (allowed(ctx, operation, type, nameOf.apply(item))) {
                out.add(item);
            }
        }
        return out;
    }

    /** The authorized-operations bitfield of a resource (bit {@code op.code} per operation allowed), as Metadata and Describe* report it. */
    public int authorizedOperations(RequestContext ctx, ResourceType type, String name) {
        int bits = 0;
        for (AclOperation op : AclOperation.reportedFor(type)) {
            if (allowed(ctx, op, type, name)) {
                bits |= 1 << op.code;
            }
        }
        return bits;
    }

    private static String hostOf(RequestContext ctx) {
        return ctx.connection().clientAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : "";
    }
}

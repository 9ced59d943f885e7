package dev.wharf.server.security.acl;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.wharf.controller.AclListener;
import dev.wharf.controller.AclResource;
import dev.wharf.controller.StoredAcl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka's authorization decision over the ACLs in memory: a super user may do everything; else a
 * DENY that applies (the principal or {@code User:*}, the host or {@code *}, the operation or
 * ALL) refuses; else an ALLOW that applies, counting implied operations
 * ({@link AclOperation#allowImplies}), allows; and when no ACL at all covers the resource,
 * {@code allow.everyone.if.no.acl.found} decides.
 *
 * <p>Decisions are cached per (principal, host, operation, resource), since every Produce and
 * Fetch asks; each change of the ACLs publishes a new index with a new, empty cache, so a decision
 * is never served from ACLs older than the index it was made with.
 *
 * <p>Threads: {@link #authorize} and {@link #acls} from any thread, reading one volatile
 * snapshot; changes arrive on {@code wharf-zk-events} ({@link #aclsChanged}), serialised here.
 */
public final class AclAuthorizer implements AclListener {
    private static final Logger log = LoggerFactory.getLogger(AclAuthorizer.class);
    private static final int CACHED_DECISIONS = 100_000;

    private record Question(String principal, String host, AclOperation operation, ResourceType type, String name) {}

    private record Snapshot(AclIndex index, Cache<Question, Boolean> decisions) {}

    private final Set<String> superUsers;
    private final boolean allowIfNoAclFound;
    private volatile Snapshot snapshot = new Snapshot(AclIndex.EMPTY, newCache());

    public AclAuthorizer(Set<String> superUsers, boolean allowIfNoAclFound) {
        this.superUsers = Set.copyOf(superUsers);
        this.allowIfNoAclFound = allowIfNoAclFound;
    }

    /** Whether {@code principal} connecting from {@code host} (an IP) may do {@code operation} to the resource. */
    public boolean authorize(String principal, String host, AclOperation operation, ResourceType type, String name) {
        if (superUsers.contains(principal)) {
            return true;
        }
        Snapshot s = snapshot;
        return s.decisions().get(new Question(principal, host, operation, type, name), q -> decide(s.index(), q));
    }

    private boolean decide(AclIndex index, Question q) {
        boolean allowed = decideUncached(index, q);
        if (!allowed && log.isDebugEnabled()) { // once per cached decision, not per request
            log.debug("denied principal={} host={} operation={} resource={}:{}", q.principal(), q.host(), q.operation(),
                    q.type(), q.name());
        }
        return allowed;
    }

    private boolean decideUncached(AclIndex index, Question q) {
        List<List<AclEntry>> applying = index.applying(q.type(), q.name());
        if (applying.isEmpty()) {
            return allowIfNoAclFound;
        }
        boolean allowed = false;
        for (List<AclEntry> entries : applying) {
            for (AclEntry e : entries) {
                if (!e.appliesTo(q.principal(), q.host())) {
                    continue;
                }
                if (e.permission() == AclPermission.DENY) {
                    if (e.operation() == q.operation() || e.operation() == AclOperation.ALL) {
                        return false; // a DENY wins over any ALLOW
                    }
                } else if (e.operation().allowImplies(q.operation())) {
                    allowed = true;
                }
            }
        }
        return allowed;
    }

    /**
     * Whether {@code principal} may do {@code operation} to some resource of {@code type} (KIP-679's
     * authorizeByResourceType): an ALLOW on some literal name or prefix that no DENY for the same
     * principal, host and operation covers (a wildcard DENY covers every name, a prefixed DENY the
     * names starting with it). A principal allowed on an arbitrary name (a super user, or no ACLs
     * there with {@code allow.everyone.if.no.acl.found}) is allowed too.
     */
    public boolean authorizeAny(String principal, String host, AclOperation operation, ResourceType type) {
        if (authorize(principal, host, operation, type, "hardcode")) {
            return true;
        }
        List<String> deniedLiterals = new ArrayList<>();
        List<String> deniedPrefixes = new ArrayList<>();
        List<ResourcePattern> allowed = new ArrayList<>();
        snapshot.index().all().forEach((pattern, entries) -> {
            if (pattern.type() != type) {
                return;
            }
            for (AclEntry e : entries) {
                if (!e.appliesTo(principal, host)) {
                    continue;
                }
                if (e.permission() == AclPermission.DENY
                        && (e.operation() == operation || e.operation() == AclOperation.ALL)) {
                    (pattern.patternType() == PatternType.PREFIXED ? deniedPrefixes : deniedLiterals).add(pattern.name());
                } else if (e.permission() == AclPermission.ALLOW && e.operation().allowImplies(operation)) {
                    allowed.add(pattern);
                }
            }
        });
        if (deniedLiterals.contains(ResourcePattern.WILDCARD)) {
            return false;
        }
        for (ResourcePattern p : allowed) {
            boolean denied = deniedPrefixes.stream().anyMatch(p.name()::startsWith)
                    || (p.patternType() == PatternType.LITERAL && deniedLiterals.contains(p.name()));
            if (!denied) {
                return true;
            }
        }
        return false;
    }

    /** Every pattern that has ACLs now. */
    public Set<ResourcePattern> patterns() {
        return snapshot.index().all().keySet();
    }

    /** Every ACL the filter selects. */
    public List<AclBinding> acls(AclFilter filter) {
        List<AclBinding> out = new ArrayList<>();
        snapshot.index().all().forEach((pattern, entries) -> {
            if (filter.matches(pattern)) {
                for (AclEntry e : entries) {
                    if (filter.matches(e)) {
                        out.add(new AclBinding(pattern, e));
                    }
                }
            }
        });
        return out;
    }

    /** Replaces the entries of each pattern in {@code changes} (an empty list: the pattern has none now). */
    public synchronized void update(Map<ResourcePattern, List<AclEntry>> changes) {
        snapshot = new Snapshot(snapshot.index().with(changes), newCache());
    }

    @Override
    public void aclsChanged(Map<AclResource, List<StoredAcl>> changes) {
        Map<ResourcePattern, List<AclEntry>> converted = new HashMap<>();
        changes.forEach((resource, stored) -> {
            ResourcePattern pattern = StoredAcls.pattern(resource);
            if (pattern != null) {
                converted.put(pattern, StoredAcls.entries(resource, stored));
            }
        });
        update(converted);
    }

    private static Cache<Question, Boolean> newCache() {
        // maintenance on the calling thread: no pool thread per cache on a broker's few cores
        return Caffeine.newBuilder().maximumSize(CACHED_DECISIONS).executor(Runnable::run).build();
    }
}

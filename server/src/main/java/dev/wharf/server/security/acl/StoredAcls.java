package dev.wharf.server.security.acl;

import dev.wharf.controller.AclResource;
import dev.wharf.controller.StoredAcl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Converts between the model and the ZooKeeper records of {@link dev.wharf.controller.AclStore}'s names. Stateless. */
final class StoredAcls {
    private static final Logger log = LoggerFactory.getLogger(StoredAcls.class);

    private StoredAcls() {}

    static AclResource resource(ResourcePattern p) {
        return new AclResource(p.patternType() == PatternType.PREFIXED, p.type().zkName, p.name());
    }

    /** The pattern of a stored resource, or null for a resource type Wharf does not know. */
    static ResourcePattern pattern(AclResource r) {
        ResourceType type = ResourceType.forZkName(r.resourceType());
        return type == null ? null : new ResourcePattern(type, r.name(), r.prefixed() ? PatternType.PREFIXED : PatternType.LITERAL);
    }

    static StoredAcl stored(AclEntry e) {
        return new StoredAcl(e.principal(), e.permission().zkName, e.operation().zkName, e.host());
    }

    /** Each stored entry that reads as an entry, with it. */
    static Map<StoredAcl, AclEntry> readable(List<StoredAcl> stored) {
        Map<StoredAcl, AclEntry> out = new HashMap<>();
        for (StoredAcl s : stored) {
            AclOperation op = AclOperation.forZkName(s.operation());
            AclPermission permission = AclPermission.forZkName(s.permissionType());
            if (op != null && permission != null) {
                out.put(s, new AclEntry(s.principal(), s.host(), op, permission));
            }
        }
        return out;
    }

    /** The entries read; one naming an unknown operation or permission is skipped (and logged): it can match nothing. */
    static List<AclEntry> entries(AclResource r, List<StoredAcl> stored) {
        List<AclEntry> out = new ArrayList<>(stored.size());
        for (StoredAcl s : stored) {
            AclOperation op = AclOperation.forZkName(s.operation());
            AclPermission permission = AclPermission.forZkName(s.permissionType());
            if (op == null || permission == null) {
                log.warn("skipping unreadable ACL of resource={}: {}", r, s);
            } else {
                out.add(new AclEntry(s.principal(), s.host(), op, permission));
            }
        }
        return out;
    }
}

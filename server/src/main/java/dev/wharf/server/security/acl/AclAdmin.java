package dev.wharf.server.security.acl;

import dev.wharf.controller.StoredAcl;
import dev.wharf.controller.ZkMetadataStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Changes the ACLs for CreateAcls and DeleteAcls: each through ZooKeeper, so every broker's
 * {@link AclAuthorizer} follows (this one's before the call returns). Stateless besides its
 * collaborators; called from the I/O pool (writes block on ZooKeeper).
 */
public final class AclAdmin {
    private final ZkMetadataStore metadata;
    private final AclAuthorizer authorizer;

    public AclAdmin(ZkMetadataStore metadata, AclAuthorizer authorizer) {
        this.metadata = metadata;
        this.authorizer = authorizer;
    }

    public AclAuthorizer authorizer() {
        return authorizer;
    }

    /** Adds entries to one pattern; an entry it has already is kept once. */
    public void create(ResourcePattern pattern, List<AclEntry> entries) throws Exception {
        metadata.updateAcls(StoredAcls.resource(pattern), stored -> {
            for (AclEntry e : entries) {
                StoredAcl s = StoredAcls.stored(e);
                if (!stored.contains(s)) {
                    stored.add(s);
                }
            }
            return stored;
        });
    }

    /** Removes every ACL the filter selects, and returns them. */
    public List<AclBinding> delete(AclFilter filter) throws Exception {
        List<AclBinding> deleted = new ArrayList<>();
        for (ResourcePattern pattern : authorizer.patterns()) {
            if (!filter.matches(pattern)) {
                continue;
            }
            // the last run of the change is the one written: what it removed is what was deleted
            AtomicReference<List<AclBinding>> removed = new AtomicReference<>(List.of());
            metadata.updateAcls(StoredAcls.resource(pattern), stored -> {
                List<AclBinding> gone = new ArrayList<>();
                List<StoredAcl> kept = new ArrayList<>();
                Map<StoredAcl, AclEntry> readable = StoredAcls.readable(stored);
                for (StoredAcl s : stored) {
                    AclEntry e = readable.get(s);
                    if (e != null && filter.matches(e)) {
                        gone.add(new AclBinding(pattern, e));
                    } else {
                        kept.add(s);
                    }
                }
                removed.set(gone);
                return kept;
            });
            deleted.addAll(removed.get());
        }
        return deleted;
    }
}

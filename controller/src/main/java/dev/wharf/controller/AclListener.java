package dev.wharf.controller;

import java.util.List;
import java.util.Map;

/** Told of changes to the stored ACLs, on {@code wharf-zk-events}. */
@FunctionalInterface
public interface AclListener {
    /** The new ACLs of each resource that changed; an empty list: the resource has none now. */
    void aclsChanged(Map<AclResource, List<StoredAcl>> changes);
}

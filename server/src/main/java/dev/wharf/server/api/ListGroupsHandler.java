package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.GroupCoordinator;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ListGroupsRequest;
import dev.wharf.wire.message.ListGroupsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * ListGroups: the groups this broker coordinates, of every type.
 *
 * <p>v1: throttle time. v3: flexible. v4: state filter (KIP-518). v5: type filter (KIP-848).
 */
public final class ListGroupsHandler implements ApiHandler {
    private final Authorization authz;
    private final GroupCoordinator coordinator;

    public ListGroupsHandler(Authorization authz, GroupCoordinator coordinator) {
        this.authz = authz;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey api() {
        return ApiKey.LIST_GROUPS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        ListGroupsRequest req = (ListGroupsRequest) context.body();
        short version = context.version();
        Set<String> states = lower(req.statesFilter());
        Set<String> types = lower(req.typesFilter());
        List<ListGroupsResponse.ListedGroup> out = new ArrayList<>();
        // DESCRIBE on the cluster lists every group, else those the principal may DESCRIBE
        boolean all = authz.allowedOnCluster(context, AclOperation.DESCRIBE);
        for (GroupCoordinator.GroupSummary g : coordinator.list()) {
            if (!all && !authz.allowed(context, AclOperation.DESCRIBE, ResourceType.GROUP, g.groupId())) {
                continue;
            }
            if (!types.isEmpty() && !types.contains(g.type().displayName)) {
                continue;
            }
            if (!states.isEmpty() && !states.contains(g.state().toLowerCase(Locale.ROOT))) {
                continue;
            }
            ListGroupsResponse.ListedGroup listed = new ListGroupsResponse.ListedGroup().setGroupId(g.groupId())
                    .setProtocolType(g.protocolType());
            if (version >= 4) {
                listed.setGroupState(g.state());
            }
            if (version >= 5) {
                listed.setGroupType(g.type().displayName);
            }
            out.add(listed);
        }
        return new ListGroupsResponse().setErrorCode(ErrorCode.NONE.code).setGroups(out);
    }

    private static Set<String> lower(List<String> values) {
        return values == null ? Set.of() : values.stream().map(v -> v.toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
    }
}

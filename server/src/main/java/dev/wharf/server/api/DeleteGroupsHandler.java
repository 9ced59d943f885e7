package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.GroupCoordinator;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DeleteGroupsRequest;
import dev.wharf.wire.message.DeleteGroupsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * DeleteGroups: removes empty groups and their offsets (NON_EMPTY_GROUP while members remain).
 *
 * <p>v1: no change. v2: flexible. v3: error message.
 */
public final class DeleteGroupsHandler implements ApiHandler {
    private final Authorization authz;
    private final GroupCoordinator coordinator;

    public DeleteGroupsHandler(Authorization authz, GroupCoordinator coordinator) {
        this.authz = authz;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey api() {
        return ApiKey.DELETE_GROUPS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        DeleteGroupsRequest req = (DeleteGroupsRequest) context.body();
        List<CompletableFuture<ErrorCode>> deleted = new ArrayList<>();
        for (String groupId : req.groupsNames()) {
            deleted.add(authz.allowed(context, AclOperation.DELETE, ResourceType.GROUP, groupId)
                    ? coordinator.deleteGroup(groupId) : CompletableFuture.completedFuture(ErrorCode.GROUP_AUTHORIZATION_FAILED));
        }
        return CompletableFuture.allOf(deleted.toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    List<DeleteGroupsResponse.DeletableGroupResult> out = new ArrayList<>();
                    for (int i = 0; i < deleted.size(); i++) {
                        out.add(new DeleteGroupsResponse.DeletableGroupResult().setGroupId(req.groupsNames().get(i))
                                .setErrorCode(deleted.get(i).join().code));
                    }
                    return new DeleteGroupsResponse().setResults(out);
                });
    }
}

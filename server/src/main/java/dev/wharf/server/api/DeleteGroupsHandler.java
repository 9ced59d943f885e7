package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.GroupCoordinator;
import dev.wharf.wire.frame.Request;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DeleteGroupsRequest;
import dev.wharf.wire.message.DeleteGroupsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * DeleteGroups: removes empty groups and their offsets (NON_EMPTY_GROUP while members remain).
 *
 * <p>v1: no change. v2: flexible. v3: error message.
 */
public final class DeleteGroupsHandler implements ApiHandler {
    private final GroupCoordinator coordinator;
    private final Executor io;

    public DeleteGroupsHandler(GroupCoordinator coordinator, Executor io) {
        this.coordinator = coordinator;
        this.io = io;
    }

    @Override
    public ApiKey api() {
        return ApiKey.DELETE_GROUPS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(Request request) {
        DeleteGroupsRequest req = (DeleteGroupsRequest) request.body();
        return CompletableFuture.supplyAsync(() -> {
            List<CompletableFuture<ErrorCode>> deleted = new ArrayList<>();
            for (String groupId : req.groupsNames()) {
                deleted.add(coordinator.deleteGroup(groupId));
            }
            return deleted;
        }, io).thenCompose(deleted -> CompletableFuture.allOf(deleted.toArray(CompletableFuture[]::new))
                .thenApply(done -> {
                    List<DeleteGroupsResponse.DeletableGroupResult> out = new ArrayList<>();
                    for (int i = 0; i < deleted.size(); i++) {
                        out.add(new DeleteGroupsResponse.DeletableGroupResult().setGroupId(req.groupsNames().get(i))
                                .setErrorCode(deleted.get(i).join().code));
                    }
                    return new DeleteGroupsResponse().setResults(out);
                }));
    }
}

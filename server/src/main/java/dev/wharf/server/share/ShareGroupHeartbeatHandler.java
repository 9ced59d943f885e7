package dev.wharf.server.share;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.api.ApiHandler;
import dev.wharf.server.api.RequestContext;
import dev.wharf.server.group.ShareCoordinator;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ShareGroupHeartbeatRequest;
import dev.wharf.wire.message.ShareGroupHeartbeatResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * ShareGroupHeartbeat (KIP-932): a share consumer joins (epoch 0, with its own member id and its
 * subscription), stays in (its epoch) or leaves (-1); the answer carries its assignment whenever
 * it does not know the latest. Only v1 exists (v0 was Kafka's early-access version).
 *
 * <p>Runs on the io pool.
 */
final class ShareGroupHeartbeatHandler implements ApiHandler {
    private final Authorization authz;
    private final ShareCoordinator coordinator;

    ShareGroupHeartbeatHandler(Authorization authz, ShareCoordinator coordinator) {
        this.authz = authz;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey api() {
        return ApiKey.SHARE_GROUP_HEARTBEAT;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        ShareGroupHeartbeatRequest req = (ShareGroupHeartbeatRequest) context.body();
        if (!authz.allowed(context, AclOperation.READ, ResourceType.GROUP, req.groupId())) {
            return new ShareGroupHeartbeatResponse().setErrorCode(ErrorCode.GROUP_AUTHORIZATION_FAILED.code);
        }
        List<String> topics = req.subscribedTopicNames();
        if (topics != null) {
            for (String t : topics) {
                if (!authz.allowed(context, AclOperation.DESCRIBE, ResourceType.TOPIC, t)) {
                    return new ShareGroupHeartbeatResponse().setErrorCode(ErrorCode.TOPIC_AUTHORIZATION_FAILED.code);
                }
            }
        }
        ShareCoordinator.HeartbeatResult r = coordinator.heartbeat(req.groupId(), req.memberId(), req.memberEpoch(),
                req.rackId(), topics, context.clientId(), context.connection().clientHost());
        ShareGroupHeartbeatResponse resp = new ShareGroupHeartbeatResponse().setErrorCode(r.error())
                .setErrorMessage(r.message()).setMemberId(r.memberId()).setMemberEpoch(r.memberEpoch())
                .setHeartbeatIntervalMs(r.intervalMs());
        if (r.assignment() != null) {
            List<ShareGroupHeartbeatResponse.TopicPartitions> tps = new ArrayList<>();
            r.assignment().forEach((UUID id, List<Integer> partitions) -> tps.add(
                    new ShareGroupHeartbeatResponse.TopicPartitions().setTopicId(id).setPartitions(new ArrayList<>(partitions))));
            resp.setAssignment(new ShareGroupHeartbeatResponse.Assignment().setTopicPartitions(tps));
        }
        return resp;
    }
}

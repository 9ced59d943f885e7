package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.wire.message.ConsumerGroupDescribeRequest;
import dev.wharf.wire.message.ConsumerGroupDescribeResponse;
import dev.wharf.wire.message.ConsumerGroupHeartbeatResponse;
import dev.wharf.wire.message.ShareAcknowledgeResponse;
import dev.wharf.wire.message.ShareFetchResponse;
import dev.wharf.wire.message.ShareGroupDescribeRequest;
import dev.wharf.wire.message.ShareGroupDescribeResponse;
import dev.wharf.wire.message.ShareGroupHeartbeatResponse;
import dev.wharf.wire.message.StreamsGroupDescribeRequest;
import dev.wharf.wire.message.StreamsGroupDescribeResponse;
import dev.wharf.wire.message.StreamsGroupHeartbeatResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.concurrent.CompletableFuture;

/**
 * An API whose feature is finalized at level 0 (group.version, streams.version, share.version):
 * Kafka 4.4 still advertises it and answers its requests with UNSUPPORTED_VERSION, which the Java
 * consumer reports as "the cluster does not support the new protocol". The heartbeats and
 * describes (and share fetches and acknowledgements) are answered so; the other gated APIs, whose
 * answer in that state was not observed, go to their own handler.
 */
final class FeatureDisabledHandler extends WrappingApiHandler {
    private static final short UNSUPPORTED = ErrorCode.UNSUPPORTED_VERSION.code;

    FeatureDisabledHandler(ApiHandler handler) {
        super(handler);
    }

    @Override
    public Execution execution() {
        return refusal(null) == null ? handler.execution() : Execution.EVENT_LOOP;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        ApiMessage refused = refusal(context.body());
        return refused == null ? handler.handle(context) : CompletableFuture.completedFuture(refused);
    }

    /** The UNSUPPORTED_VERSION answer to {@code request} (null: only asks whether there is one), or null to serve it. */
    private ApiMessage refusal(ApiMessage request) {
        return switch (handler.api()) {
            case CONSUMER_GROUP_HEARTBEAT -> new ConsumerGroupHeartbeatResponse().setErrorCode(UNSUPPORTED);
            case STREAMS_GROUP_HEARTBEAT -> new StreamsGroupHeartbeatResponse().setErrorCode(UNSUPPORTED);
            case SHARE_GROUP_HEARTBEAT -> new ShareGroupHeartbeatResponse().setErrorCode(UNSUPPORTED);
            case SHARE_FETCH -> new ShareFetchResponse().setErrorCode(UNSUPPORTED);
            case SHARE_ACKNOWLEDGE -> new ShareAcknowledgeResponse().setErrorCode(UNSUPPORTED);
            case CONSUMER_GROUP_DESCRIBE -> new ConsumerGroupDescribeResponse().setGroups(request == null ? java.util.List.of()
                    : ((ConsumerGroupDescribeRequest) request).groupIds().stream().map(g -> new ConsumerGroupDescribeResponse
                            .DescribedGroup().setGroupId(g).setErrorCode(UNSUPPORTED)).toList());
            case STREAMS_GROUP_DESCRIBE -> new StreamsGroupDescribeResponse().setGroups(request == null ? java.util.List.of()
                    : ((StreamsGroupDescribeRequest) request).groupIds().stream().map(g -> new StreamsGroupDescribeResponse
                            .DescribedGroup().setGroupId(g).setErrorCode(UNSUPPORTED)).toList());
            case SHARE_GROUP_DESCRIBE -> new ShareGroupDescribeResponse().setGroups(request == null ? java.util.List.of()
                    : ((ShareGroupDescribeRequest) request).groupIds().stream().map(g -> new ShareGroupDescribeResponse
                            .DescribedGroup().setGroupId(g).setErrorCode(UNSUPPORTED)).toList());
            default -> null;
        };
    }
}

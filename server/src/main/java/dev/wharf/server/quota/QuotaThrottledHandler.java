package dev.wharf.server.quota;

import dev.wharf.server.api.ApiHandler;
import dev.wharf.server.api.RequestContext;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.FetchRequest;
import dev.wharf.wire.message.FetchResponse;
import dev.wharf.wire.message.ProduceRequest;
import dev.wharf.wire.protocol.ApiMessage;
import dev.wharf.wire.protocol.ThrottledResponse;
import dev.wharf.wire.records.Records;
import java.util.concurrent.CompletableFuture;

/**
 * Wraps a handler to enforce client quotas on its requests: the time it takes (request_percentage),
 * and for Produce the record bytes appended (producer_byte_rate), for a consumer's Fetch the record
 * bytes answered (consumer_byte_rate). The response carries the largest throttle time earned, and
 * the dispatcher then stops reading the connection that long (KIP-219). As in Kafka, a throttled
 * request is still served in full; followers' fetches (replication) are not client quota'd.
 *
 * <p>Threads: wherever the wrapped handler runs; with no quota configured it adds two clock reads.
 */
public final class QuotaThrottledHandler implements ApiHandler {
    private final ApiHandler handler;
    private final ClientQuotas quotas;

    private QuotaThrottledHandler(ApiHandler handler, ClientQuotas quotas) {
        this.handler = handler;
        this.quotas = quotas;
    }

    /** {@code handler} with quotas enforced on its requests. */
    public static ApiHandler wrap(ApiHandler handler, ClientQuotas quotas) {
        return handler instanceof QuotaThrottledHandler ? handler : new QuotaThrottledHandler(handler, quotas);
    }

    @Override
    public ApiKey api() {
        return handler.api();
    }

    @Override
    public short lowestVersion() {
        return handler.lowestVersion();
    }

    @Override
    public short highestVersion() {
        return handler.highestVersion();
    }

    @Override
    public Execution execution() {
        return handler.execution();
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        if (!quotas.any()) {
            return handler.handle(context);
        }
        boolean follower = handler.api() == ApiKey.FETCH && fromFollower((FetchRequest) context.body());
        long start = System.nanoTime();
        CompletableFuture<ApiMessage> response = handler.handle(context);
        long nanos = System.nanoTime() - start;
        if (follower) {
            return response;
        }
        String principal = context.connection().principal();
        String clientId = context.clientId();
        int requestThrottle = quotas.requestThrottleMs(principal, clientId, nanos);
        int produceThrottle = handler.api() == ApiKey.PRODUCE
                ? quotas.produceThrottleMs(principal, clientId, recordBytes((ProduceRequest) context.body())) : 0;
        return response.thenApply(body -> {
            int throttle = Math.max(requestThrottle, produceThrottle);
            if (body instanceof FetchResponse fetch) {
                throttle = Math.max(throttle, quotas.fetchThrottleMs(principal, clientId, recordBytes(fetch)));
            }
            if (throttle > 0 && body instanceof ThrottledResponse throttled) {
                throttled.setThrottleTimeMs(Math.max(throttle, throttled.throttleTimeMs()));
            }
            return body;
        });
    }

    private static boolean fromFollower(FetchRequest req) {
        return req.replicaId() >= 0 || (req.replicaState() != null && req.replicaState().replicaId() >= 0);
    }

    private static long recordBytes(ProduceRequest req) {
        long bytes = 0;
        for (ProduceRequest.TopicProduceData t : req.topicData()) {
            for (ProduceRequest.PartitionProduceData p : t.partitionData()) {
                bytes += size(p.records());
            }
        }
        return bytes;
    }

    private static long recordBytes(FetchResponse resp) {
        long bytes = 0;
        for (FetchResponse.FetchableTopicResponse t : resp.responses()) {
            for (FetchResponse.PartitionData p : t.partitions()) {
                bytes += size(p.records());
            }
        }
        return bytes;
    }

    private static int size(Records records) {
        return records == null ? 0 : records.sizeInBytes();
    }
}

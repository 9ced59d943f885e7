package dev.wharf.server.quota;

import dev.wharf.server.api.ApiHandler;
import dev.wharf.server.api.RequestContext;
import dev.wharf.server.api.WrappingApiHandler;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.FetchRequest;
import dev.wharf.wire.message.FetchResponse;
import dev.wharf.wire.protocol.ApiMessage;
import dev.wharf.wire.protocol.ThrottledResponse;
import dev.wharf.wire.records.Records;
import java.util.concurrent.CompletableFuture;

/**
 * Wraps a handler to enforce client quotas on its requests: the time it takes (request_percentage),
 * and for Produce the request's size, header and body, as Kafka counts it (producer_byte_rate), for
 * a consumer's Fetch the record bytes answered (consumer_byte_rate). The response carries the largest throttle time earned, and
 * the dispatcher then stops reading the connection that long (KIP-219); a Produce with acks=0,
 * which gets no response, is muted all the same. As in Kafka, a throttled
 * request is still served in full, except a consumer's Fetch: that is answered empty and its bytes
 * are not counted (they were not sent), and a quota'd consumer's fetch is capped at what its quota
 * allows over the windows measured. Followers' fetches (replication) and transaction markers are
 * brokers' traffic, not client quota'd.
 *
 * <p>Threads: wherever the wrapped handler runs; with no quota configured it adds two clock reads.
 */
public final class QuotaThrottledHandler extends WrappingApiHandler {
    private final ClientQuotas quotas;

    private QuotaThrottledHandler(ApiHandler handler, ClientQuotas quotas) {
        super(handler);
        this.quotas = quotas;
    }

    /** {@code handler} with quotas enforced on its requests. */
    public static ApiHandler wrap(ApiHandler handler, ClientQuotas quotas) {
        return handler instanceof QuotaThrottledHandler ? handler : new QuotaThrottledHandler(handler, quotas);
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        if (!quotas.any()) {
            return handler.handle(context);
        }
        // brokers' own traffic is not client traffic: replication, and transaction markers (a cluster action in Kafka)
        boolean interBroker = handler.api() == ApiKey.WRITE_TXN_MARKERS
                || handler.api() == ApiKey.FETCH && fromFollower((FetchRequest) context.body());
        if (interBroker) {
            return handler.handle(context);
        }
        String principal = context.connection().principal();
        String clientId = context.clientId();
        if (handler.api() == ApiKey.FETCH) {
            FetchRequest req = (FetchRequest) context.body();
            req.setMaxBytes(Math.min(req.maxBytes(), quotas.fetchBytesCap(principal, clientId)));
        }
        long start = System.nanoTime();
        CompletableFuture<ApiMessage> response = handler.handle(context);
        long nanos = System.nanoTime() - start;
        int requestThrottle = quotas.requestThrottleMs(principal, clientId, nanos);
        int produceThrottle = handler.api() == ApiKey.PRODUCE
                ? quotas.produceThrottleMs(principal, clientId, context.sizeInBytes()) : 0;
        int earned = Math.max(requestThrottle, produceThrottle);
        if (response.isDone() && !response.isCompletedExceptionally()) { // answered at once: no stage to allocate
            ApiMessage body = response.join();
            ApiMessage finished = finish(context, body, principal, clientId, earned);
            return finished == body ? response : CompletableFuture.completedFuture(finished);
        }
        return response.thenApply(body -> finish(context, body, principal, clientId, earned));
    }

    /**
     * The response with the throttle time it earned; a throttled consumer fetch's is empty. A
     * request with no response (acks=0) leaves its throttle with the connection, muted instead.
     */
    private ApiMessage finish(RequestContext context, ApiMessage body, String principal, String clientId, int earned) {
        if (body == null) {
            if (earned > 0) {
                context.connection().throttleUnanswered(earned);
            }
            return null;
        }
        int throttle = earned;
        if (body instanceof FetchResponse fetch) {
            long bytes = recordBytes(fetch);
            throttle = Math.max(throttle, quotas.fetchThrottleMs(principal, clientId, bytes));
            if (throttle > 0) {
                quotas.unrecordFetch(principal, clientId, bytes);
                return emptied(fetch, throttle);
            }
        }
        if (throttle > 0 && body instanceof ThrottledResponse throttled) {
            throttled.setThrottleTimeMs(Math.max(throttle, throttled.throttleTimeMs()));
        }
        return body;
    }

    /** The answer to a throttled fetch (Kafka's): no partitions, the session kept, the records let go. */
    private static FetchResponse emptied(FetchResponse fetch, int throttleMs) {
        for (FetchResponse.FetchableTopicResponse t : fetch.responses()) {
            for (FetchResponse.PartitionData p : t.partitions()) {
                if (p.records() instanceof dev.wharf.wire.records.FileRecords f) {
                    f.release(); // never encoded: nobody else lets it go
                }
            }
        }
        return new FetchResponse().setThrottleTimeMs(throttleMs).setErrorCode(fetch.errorCode())
                .setSessionId(fetch.sessionId());
    }

    private static boolean fromFollower(FetchRequest req) {
        return req.replicaId() >= 0 || (req.replicaState() != null && req.replicaState().replicaId() >= 0);
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

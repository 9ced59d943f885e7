package dev.wharf.server.metrics;

import dev.wharf.wire.message.ApiKey;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The request metrics of every API, in an array indexed by API key (and Kafka's two extra names
 * for fetches, {@code FetchConsumer} and {@code FetchFollower}), each made at its first request.
 * Looking one up allocates nothing. Also Kafka's {@code RequestChannel ResponseQueueSize}: answers
 * ready but not yet taken by their connection's event loop (Wharf's network threads, which write
 * them). Thread-safe. {@link #NONE}: a listener without a broker's metrics (tests).
 */
public final class RequestMetrics {
    public static final RequestMetrics NONE = new RequestMetrics(null);
    private static final int FETCH_CONSUMER = maxApiId() + 1;
    private static final int FETCH_FOLLOWER = FETCH_CONSUMER + 1;

    private final MetricsRegistry registry;
    private final AtomicReferenceArray<ApiRequestMetrics> byApi = new AtomicReferenceArray<>(FETCH_FOLLOWER + 1);
    private final LongAdder responsesQueued = new LongAdder();

    public RequestMetrics(MetricsRegistry registry) {
        this.registry = registry;
        if (registry != null) {
            registry.gauge(MetricName.of("kafka.network", "RequestChannel", "ResponseQueueSize"), responsesQueued::sum);
        }
    }

    /** An answer is ready for its event loop to send. */
    public void responseQueued() {
        if (MetricsRegistry.RECORDING) {
            responsesQueued.increment();
        }
    }

    /** The event loop took an answer {@link #responseQueued} counted. */
    public void responseTaken() {
        if (MetricsRegistry.RECORDING) {
            responsesQueued.decrement();
        }
    }

    private static int maxApiId() {
        int max = 0;
        for (ApiKey api : ApiKey.values()) {
            max = Math.max(max, api.id);
        }
        return max;
    }

    /** The metrics of {@code api}; null when there are none (NONE). */
    public ApiRequestMetrics of(ApiKey api) {
        return get(api.id, api.displayName, api.highestVersion);
    }

    /** Kafka's {@code FetchConsumer} or {@code FetchFollower} metrics, kept beside {@code Fetch}'s. */
    public ApiRequestMetrics fetchBy(boolean follower) {
        return follower ? get(FETCH_FOLLOWER, "FetchFollower", ApiKey.FETCH.highestVersion)
                : get(FETCH_CONSUMER, "FetchConsumer", ApiKey.FETCH.highestVersion);
    }

    private ApiRequestMetrics get(int index, String request, short highestVersion) {
        if (registry == null) {
            return null;
        }
        ApiRequestMetrics m = byApi.get(index);
        if (m == null) {
            synchronized (this) {
                m = byApi.get(index);
                if (m == null) {
                    m = new ApiRequestMetrics(registry, request, highestVersion);
                    byApi.set(index, m);
                }
            }
        }
        return m;
    }
}

package dev.wharf.server.metrics;

import dev.wharf.wire.message.ApiKey;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * The request metrics of every API, in an array indexed by API key (and Kafka's two extra names
 * for fetches, {@code FetchConsumer} and {@code FetchFollower}), each made at its first request.
 * Looking one up allocates nothing. Also Kafka's {@code RequestChannel ResponseQueueSize}: answers
 * ready but not yet taken by their connection's event loop (Wharf's network threads, which write
 * them), in all and per {@code processor} (each event loop thread numbered as it first reads a
 * request, as Kafka numbers its network threads). Thread-safe. {@link #NONE}: a listener without a broker's metrics (tests).
 */
public final class RequestMetrics {
    public static final RequestMetrics NONE = new RequestMetrics(null);
    private static final int FETCH_CONSUMER = maxApiId() + 1;
    private static final int FETCH_FOLLOWER = FETCH_CONSUMER + 1;

    private final MetricsRegistry registry;
    private final AtomicReferenceArray<ApiRequestMetrics> byApi = new AtomicReferenceArray<>(FETCH_FOLLOWER + 1);
    private final LongAdder responsesQueued = new LongAdder();
    /** Kafka numbers at most a few network threads; more than this are counted in the total only. */
    private static final int MAX_PROCESSORS = 256;
    private final java.util.Map<Thread, Integer> processors = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicReferenceArray<LongAdder> queuedByProcessor = new AtomicReferenceArray<>(MAX_PROCESSORS);

    public RequestMetrics(MetricsRegistry registry) {
        this.registry = registry;
        if (registry != null) {
            registry.gauge(MetricName.of("kafka.network", "RequestChannel", "ResponseQueueSize"), responsesQueued::sum);
        }
    }

    /**
     * The number of the event loop {@code thread} (Kafka's {@code processor}), numbered as each first
     * asks; -1 past {@link #MAX_PROCESSORS}. Asked once per connection.
     */
    public int processor(Thread thread) {
        if (registry == null) {
            return -1; // NONE: nothing shown, nothing kept
        }
        Integer known = processors.get(thread);
        if (known != null) {
            return known;
        }
        synchronized (this) {
            known = processors.get(thread);
            if (known == null) {
                known = processors.size() < MAX_PROCESSORS ? processors.size() : -1;
                processors.put(thread, known);
                if (known >= 0) {
                    LongAdder queued = new LongAdder();
                    queuedByProcessor.set(known, queued);
                    registry.gauge(MetricName.of("kafka.network", "RequestChannel", "ResponseQueueSize", "processor",
                            known.toString()), queued::sum);
                }
            }
            return known;
        }
    }

    /** An answer is ready for the event loop {@code processor} to send. */
    public void responseQueued(int processor) {
        if (MetricsRegistry.RECORDING) {
            responsesQueued.increment();
            if (processor >= 0) {
                queuedByProcessor.get(processor).increment();
            }
        }
    }

    /** The event loop {@code processor} took an answer {@link #responseQueued} counted. */
    public void responseTaken(int processor) {
        if (MetricsRegistry.RECORDING) {
            responsesQueued.decrement();
            if (processor >= 0) {
                queuedByProcessor.get(processor).decrement();
            }
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

package dev.wharf.server.metrics;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Kafka's {@code kafka.network:type=RequestMetrics} metrics of one request name ({@code Produce},
 * {@code Fetch}, and Kafka's {@code FetchConsumer}/{@code FetchFollower}): RequestsPerSec per
 * version, and histograms of the request's times (ms) and sizes (bytes). Made when the first
 * request of the kind completes; recording allocates nothing (a version's meter is made once, at
 * its first request). Thread-safe.
 */
public final class ApiRequestMetrics {
    private final MetricsRegistry registry;
    private final String request;
    /** Indexed by version, up to the highest the wire layer decodes. */
    private final AtomicReferenceArray<KafkaMeter> requestsByVersion;
    final KafkaHistogram totalTimeMs;
    final KafkaHistogram requestQueueTimeMs;
    final KafkaHistogram localTimeMs;
    final KafkaHistogram remoteTimeMs;
    final KafkaHistogram responseQueueTimeMs;
    final KafkaHistogram responseSendTimeMs;
    final KafkaHistogram throttleTimeMs;
    final KafkaHistogram requestBytes;
    final KafkaHistogram responseBytes;

    ApiRequestMetrics(MetricsRegistry registry, String request, short highestVersion) {
        this.registry = registry;
        this.request = request;
        this.requestsByVersion = new AtomicReferenceArray<>(highestVersion + 1);
        totalTimeMs = histogram("TotalTimeMs");
        requestQueueTimeMs = histogram("RequestQueueTimeMs");
        localTimeMs = histogram("LocalTimeMs");
        remoteTimeMs = histogram("RemoteTimeMs");
        responseQueueTimeMs = histogram("ResponseQueueTimeMs");
        responseSendTimeMs = histogram("ResponseSendTimeMs");
        throttleTimeMs = histogram("ThrottleTimeMs");
        requestBytes = histogram("RequestBytes");
        responseBytes = histogram("ResponseBytes");
    }

    private KafkaHistogram histogram(String name) {
        return registry.histogram(MetricName.of("kafka.network", "RequestMetrics", name, "request", request));
    }

    private KafkaMeter requests(short version) {
        KafkaMeter m = requestsByVersion.get(version);
        if (m == null) {
            m = registry.meter(MetricName.of("kafka.network", "RequestMetrics", "RequestsPerSec", "request", request,
                    "version", Short.toString(version)), "requests");
            requestsByVersion.set(version, m);
        }
        return m;
    }

    /**
     * One request completed: its version, its phases in nanoseconds (the dispatcher's
     * {@code RequestCompletions} says where each starts and ends), the quota throttle its response
     * told the client, and its sizes.
     */
    public void completed(short version, long queueNanos, long localNanos, long remoteNanos, long responseQueueNanos,
            long sendNanos, long totalNanos, int throttleMs, int requestSize, long responseSize) {
        if (!MetricsRegistry.RECORDING) {
            return;
        }
        requests(version).mark();
        requestQueueTimeMs.update(TimeUnit.NANOSECONDS.toMillis(queueNanos));
        localTimeMs.update(TimeUnit.NANOSECONDS.toMillis(localNanos));
        remoteTimeMs.update(TimeUnit.NANOSECONDS.toMillis(remoteNanos));
        responseQueueTimeMs.update(TimeUnit.NANOSECONDS.toMillis(responseQueueNanos));
        responseSendTimeMs.update(TimeUnit.NANOSECONDS.toMillis(sendNanos));
        totalTimeMs.update(TimeUnit.NANOSECONDS.toMillis(totalNanos));
        throttleTimeMs.update(throttleMs);
        requestBytes.update(requestSize);
        responseBytes.update(responseSize);
    }
}

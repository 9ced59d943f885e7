package dev.wharf.server.metrics;

import dev.wharf.server.ErrorCode;
import dev.wharf.wire.protocol.ApiMessage;
import dev.wharf.wire.protocol.ErrorCodeSink;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Kafka's {@code kafka.network:type=RequestMetrics} metrics of one request name ({@code Produce},
 * {@code Fetch}, and Kafka's {@code FetchConsumer}/{@code FetchFollower}): RequestsPerSec per
 * version, ErrorsPerSec per error code of its responses (NONE included: one per error field the
 * response's version carries, as Kafka's {@code errorCounts}), and histograms of the request's
 * times (ms) and sizes (bytes); for Produce and Fetch also Kafka's MessageConversionsTimeMs and
 * TemporaryMemoryBytes, 0 for every request (Wharf never converts: magic v2 only, as Kafka 4). Made when the first request of
 * the kind completes; recording allocates nothing (a version's or an error's meter is made once,
 * at its first use). Thread-safe.
 */
public final class ApiRequestMetrics implements ErrorCodeSink {
    /** Error codes are -1 (UNKNOWN_SERVER_ERROR) and 0 up; Kafka 4.4 has about 135. */
    private static final int ERROR_SLOTS = 256;

    private final MetricsRegistry registry;
    private final String request;
    /** Indexed by version, up to the highest the wire layer decodes. */
    private final AtomicReferenceArray<KafkaMeter> requestsByVersion;
    /** Indexed by error code + 1. */
    private final AtomicReferenceArray<KafkaMeter> errorsByCode = new AtomicReferenceArray<>(ERROR_SLOTS);
    /** Produce and Fetch only, as Kafka; null for the others. */
    private final KafkaHistogram messageConversionsTimeMs;
    private final KafkaHistogram temporaryMemoryBytes;
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
        boolean converts = request.equals("Produce") || request.equals("Fetch");
        messageConversionsTimeMs = converts ? histogram("MessageConversionsTimeMs") : null;
        temporaryMemoryBytes = converts ? histogram("TemporaryMemoryBytes") : null;
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

    private KafkaMeter errors(short code) {
        int index = code + 1 >= 0 && code + 1 < ERROR_SLOTS ? code + 1 : 0; // out of range: as Kafka, UNKNOWN_SERVER_ERROR
        KafkaMeter m = errorsByCode.get(index);
        if (m == null) {
            // Kafka's name for the code (Errors.forCode): an unnamed code counts as UNKNOWN_SERVER_ERROR
            String error = ErrorCode.forCode((short) (index - 1)).name();
            m = registry.meter(MetricName.of("kafka.network", "RequestMetrics", "ErrorsPerSec", "request", request,
                    "error", error), "requests");
            errorsByCode.set(index, m);
        }
        return m;
    }

    /** One error field of a response (see {@link #answered}). */
    @Override
    public void errorCode(short code) {
        errors(code).mark();
    }

    /**
     * A response of {@code version} went out: each of its error codes that version carries counted (Kafka
     * counts nothing for a request with no response).
     */
    public void answered(ApiMessage response, short version) {
        if (MetricsRegistry.RECORDING && response != null) {
            response.forEachErrorCode(version, this);
        }
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
        if (messageConversionsTimeMs != null) {
            messageConversionsTimeMs.update(0);
            temporaryMemoryBytes.update(0);
        }
    }
}

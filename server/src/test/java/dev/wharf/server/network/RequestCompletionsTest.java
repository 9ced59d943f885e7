package dev.wharf.server.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.api.ApiHandlers;
import dev.wharf.server.api.ApiVersionsHandler;
import dev.wharf.server.metrics.KafkaGauge;
import dev.wharf.server.metrics.KafkaHistogram;
import dev.wharf.server.metrics.KafkaMeter;
import dev.wharf.server.metrics.MetricName;
import dev.wharf.server.metrics.MetricsRegistry;
import dev.wharf.server.metrics.RequestMetrics;
import dev.wharf.wire.message.ProduceResponse;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's request metrics: each completed request counted once under its API and
 * version, its sizes as they were on the wire, and the time its handler's answer took to come as
 * remote time. Driven through Netty's embedded channel with a handler whose answers the test holds.
 */
class RequestCompletionsTest {
    private static KafkaHistogram histogram(MetricsRegistry registry, String name) {
        return (KafkaHistogram) registry.get(MetricName.of("kafka.network", "RequestMetrics", name, "request", "Produce"));
    }

    // Three produce requests answered after a hold: three requests of v11, their bytes, and the hold as remote time.
    @Test
    void completedRequestsAreCountedAndTimed() {
        MetricsRegistry registry = new MetricsRegistry();
        try {
            HeldProduceHandler handler = new HeldProduceHandler();
            ApiHandlers handlers = new ApiHandlers().requestMetrics(new RequestMetrics(registry));
            ApiVersionsHandler versions = new ApiVersionsHandler(handlers, new dev.wharf.server.feature.FinalizedFeatures((short) 2));
            handlers.register(versions).register(handler);
            EmbeddedChannel ch = new EmbeddedChannel(new RequestDispatcher(handlers, versions, new SendStats(), Runnable::run,
                    "PLAINTEXT", ListenerSecurity.PLAINTEXT));
            io.netty.buffer.ByteBuf probe = HeldProduceHandler.produceFrame(0, 100);
            int frameBytes = probe.readableBytes();
            probe.release();
            for (int i = 0; i < 3; i++) {
                ch.writeInbound(HeldProduceHandler.produceFrame(i, 100));
                ch.runPendingTasks();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(25)); // the answer takes a while to come
                handler.held.get(i).complete(new ProduceResponse());
                ch.runPendingTasks();
            }
            Object out;
            int responses = 0;
            while ((out = ch.readOutbound()) != null) {
                io.netty.util.ReferenceCountUtil.release(out);
                responses++;
            }
            assertTrue(responses >= 3, "responses written");
            KafkaMeter requests = (KafkaMeter) registry.get(MetricName.of("kafka.network", "RequestMetrics", "RequestsPerSec",
                    "request", "Produce", "version", "11"));
            assertEquals(3, requests.getCount());
            assertEquals(3, histogram(registry, "TotalTimeMs").getCount());
            assertEquals(frameBytes, histogram(registry, "RequestBytes").getMax());
            assertEquals(frameBytes, histogram(registry, "RequestBytes").getMin());
            assertTrue(histogram(registry, "ResponseBytes").getMin() > 0);
            assertTrue(histogram(registry, "RemoteTimeMs").getMin() >= 20, "remote " + histogram(registry, "RemoteTimeMs").getMin());
            assertTrue(histogram(registry, "TotalTimeMs").getMin() >= histogram(registry, "RemoteTimeMs").getMin());
            assertEquals(0, histogram(registry, "ThrottleTimeMs").getMax()); // no quota
            ch.finishAndReleaseAll();
        } finally {
            registry.close();
        }
    }

    // Each error field of each response counted under its API and Kafka's name for the code, NONE included;
    // Produce's conversion histograms count every request (0: Wharf never converts); no answer left queued.
    @Test
    void responsesErrorsAreCountedPerCode() {
        MetricsRegistry registry = new MetricsRegistry();
        try {
            HeldProduceHandler handler = new HeldProduceHandler();
            RequestMetrics metrics = new RequestMetrics(registry);
            ApiHandlers handlers = new ApiHandlers().requestMetrics(metrics);
            ApiVersionsHandler versions = new ApiVersionsHandler(handlers, new dev.wharf.server.feature.FinalizedFeatures((short) 2));
            handlers.register(versions).register(handler);
            EmbeddedChannel ch = new EmbeddedChannel(new RequestDispatcher(handlers, versions, new SendStats(), Runnable::run,
                    "PLAINTEXT", ListenerSecurity.PLAINTEXT));
            KafkaGauge queued = (KafkaGauge) registry.get(MetricName.of("kafka.network", "RequestChannel", "ResponseQueueSize"));
            for (int i = 0; i < 2; i++) {
                ch.writeInbound(HeldProduceHandler.produceFrame(i, 10));
                ch.runPendingTasks();
                handler.held.get(i).complete(new ProduceResponse().setResponses(java.util.List.of(
                        new ProduceResponse.TopicProduceResponse().setName("t").setPartitionResponses(java.util.List.of(
                                new ProduceResponse.PartitionProduceResponse().setIndex(0),
                                new ProduceResponse.PartitionProduceResponse().setIndex(1)
                                        .setErrorCode(dev.wharf.server.ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code))))));
                ch.runPendingTasks();
            }
            Object out;
            while ((out = ch.readOutbound()) != null) {
                io.netty.util.ReferenceCountUtil.release(out);
            }
            assertEquals(2, errors(registry, "NONE").getCount());
            assertEquals(2, errors(registry, "UNKNOWN_TOPIC_OR_PARTITION").getCount());
            assertEquals(null, registry.get(MetricName.of("kafka.network", "RequestMetrics", "ErrorsPerSec", "request",
                    "Produce", "error", "UNKNOWN_SERVER_ERROR")));
            assertEquals(2, histogram(registry, "MessageConversionsTimeMs").getCount());
            assertEquals(0, histogram(registry, "MessageConversionsTimeMs").getMax());
            assertEquals(2, histogram(registry, "TemporaryMemoryBytes").getCount());
            assertEquals(0L, ((Number) queued.getValue()).longValue());
            KafkaGauge processor0 = (KafkaGauge) registry.get(MetricName.of("kafka.network", "RequestChannel", "ResponseQueueSize",
                    "processor", "0")); // the test's thread is this connection's event loop
            assertEquals(0L, ((Number) processor0.getValue()).longValue());
            ch.finishAndReleaseAll();
        } finally {
            registry.close();
        }
    }

    private static KafkaMeter errors(MetricsRegistry registry, String error) {
        return (KafkaMeter) registry.get(MetricName.of("kafka.network", "RequestMetrics", "ErrorsPerSec", "request", "Produce",
                "error", error));
    }

    // a connection with more requests in flight than the first arrays hold: they double, keeping the
    // times of those already in flight; answered, the slots are reused without growing again
    @Test
    void slotsGrowForConnectionsThatPipelineDeeper() {
        MetricsRegistry registry = new MetricsRegistry();
        try {
            RequestCompletions completions = new RequestCompletions(new RequestMetrics(registry));
            assertEquals(RequestCompletions.FIRST_SLOTS, completions.capacity(), "an idle connection's arrays are small");
            long[] readAt = new long[20];
            for (int s = 0; s < readAt.length; s++) {
                completions.received(s, 0);
                readAt[s] = completions.receivedAt(s);
            }
            assertEquals(32, completions.capacity());
            for (int s = 0; s < readAt.length; s++) {
                assertEquals(readAt[s], completions.receivedAt(s), "request " + s + " kept its time");
            }
            for (int s = 20; s < 100; s++) {
                completions.received(s, s); // one at a time
            }
            assertEquals(32, completions.capacity());
        } finally {
            registry.close();
        }
    }
}

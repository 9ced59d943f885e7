package dev.wharf.server.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.api.ApiHandler;
import dev.wharf.server.api.ApiHandlers;
import dev.wharf.server.api.ApiVersionsHandler;
import dev.wharf.server.api.RequestContext;
import dev.wharf.server.metrics.KafkaHistogram;
import dev.wharf.server.metrics.KafkaMeter;
import dev.wharf.server.metrics.MetricName;
import dev.wharf.server.metrics.MetricsRegistry;
import dev.wharf.server.metrics.RequestMetrics;
import dev.wharf.wire.frame.RequestFrames;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ProduceRequest;
import dev.wharf.wire.message.ProduceResponse;
import dev.wharf.wire.message.RequestHeader;
import dev.wharf.wire.protocol.ApiMessage;
import dev.wharf.wire.records.BufferRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher's request metrics: each completed request counted once under its API and
 * version, its sizes as they were on the wire, and the time its handler's answer took to come as
 * remote time. Driven through Netty's embedded channel with a handler whose answers the test holds.
 */
class RequestCompletionsTest {
    private static final class HeldProduceHandler implements ApiHandler {
        final List<CompletableFuture<ApiMessage>> held = new ArrayList<>();

        @Override
        public ApiKey api() {
            return ApiKey.PRODUCE;
        }

        @Override
        public Execution execution() {
            return Execution.EVENT_LOOP;
        }

        @Override
        public CompletableFuture<ApiMessage> handle(RequestContext context) {
            CompletableFuture<ApiMessage> f = new CompletableFuture<>();
            held.add(f);
            return f;
        }
    }

    private static ByteBuf produceFrame(int correlationId) {
        RequestHeader header = new RequestHeader().setRequestApiKey(ApiKey.PRODUCE.id).setRequestApiVersion((short) 11)
                .setCorrelationId(correlationId).setClientId("t");
        ProduceRequest body = new ProduceRequest().setAcks((short) 1).setTimeoutMs(1000).setTopicData(List.of(
                new ProduceRequest.TopicProduceData().setName("t").setPartitionData(List.of(
                        new ProduceRequest.PartitionProduceData().setIndex(0)
                                .setRecords(new BufferRecords(Unpooled.wrappedBuffer(new byte[100])))))));
        ByteBuf frame = RequestFrames.encode(UnpooledByteBufAllocator.DEFAULT, header, body);
        frame.skipBytes(4); // the frame decoder strips the length prefix before the dispatcher
        return frame;
    }

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
            int frameBytes = produceFrame(0).readableBytes();
            for (int i = 0; i < 3; i++) {
                ch.writeInbound(produceFrame(i));
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
}

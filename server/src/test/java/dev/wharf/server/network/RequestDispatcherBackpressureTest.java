package dev.wharf.server.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.api.ApiHandler;
import dev.wharf.server.api.ApiHandlers;
import dev.wharf.server.api.ApiVersionsHandler;
import dev.wharf.server.api.RequestContext;
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
import org.junit.jupiter.api.Test;

/**
 * The dispatcher stops reading a connection whose requests pile up (by count or by bytes) and
 * resumes once they are answered, so a client that floods cannot make the broker buffer without
 * bound. Driven through Netty's embedded channel with a handler whose answers the test releases.
 */
class RequestDispatcherBackpressureTest {
    /** Answers produce requests only when the test says so. */
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

        void answerAll() {
            new ArrayList<>(held).forEach(f -> f.complete(new ProduceResponse()));
        }
    }

    private static ByteBuf produceFrame(int correlationId, int recordBytes) {
        RequestHeader header = new RequestHeader().setRequestApiKey(ApiKey.PRODUCE.id).setRequestApiVersion((short) 11)
                .setCorrelationId(correlationId).setClientId("t");
        ProduceRequest body = new ProduceRequest().setAcks((short) 1).setTimeoutMs(1000).setTopicData(List.of(
                new ProduceRequest.TopicProduceData().setName("t").setPartitionData(List.of(
                        new ProduceRequest.PartitionProduceData().setIndex(0)
                                .setRecords(new BufferRecords(Unpooled.wrappedBuffer(new byte[recordBytes])))))));
        ByteBuf frame = RequestFrames.encode(UnpooledByteBufAllocator.DEFAULT, header, body);
        frame.skipBytes(4); // the frame decoder strips the length prefix before the dispatcher
        return frame;
    }

    private static EmbeddedChannel channel(HeldProduceHandler handler) {
        ApiHandlers handlers = new ApiHandlers();
        ApiVersionsHandler versions = new ApiVersionsHandler(handlers, new dev.wharf.server.feature.FinalizedFeatures((short) 2));
        handlers.register(versions).register(handler);
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDispatcher(handlers, versions, new SendStats(), Runnable::run, "PLAINTEXT", ListenerSecurity.PLAINTEXT));
        ch.config().setAutoRead(true);
        return ch;
    }

    private static void drainResponses(EmbeddedChannel ch) {
        Object out;
        while ((out = ch.readOutbound()) != null) {
            io.netty.util.ReferenceCountUtil.release(out);
        }
    }

    @Test
    void tooManyPendingRequestsPauseReading() {
        HeldProduceHandler handler = new HeldProduceHandler();
        EmbeddedChannel ch = channel(handler);
        for (int i = 0; i < RequestDispatcher.MAX_PENDING - 1; i++) {
            ch.writeInbound(produceFrame(i, 16));
        }
        ch.runPendingTasks();
        assertTrue(ch.config().isAutoRead(), "paused below the limit");
        ch.writeInbound(produceFrame(RequestDispatcher.MAX_PENDING, 16));
        assertFalse(ch.config().isAutoRead(), "still reading with " + RequestDispatcher.MAX_PENDING + " pending");

        handler.answerAll();
        ch.runPendingTasks();
        assertTrue(ch.config().isAutoRead(), "reading did not resume once answered");
        drainResponses(ch);
        ch.finishAndReleaseAll();
    }

    @Test
    void tooManyPendingBytesPauseReading() {
        HeldProduceHandler handler = new HeldProduceHandler();
        EmbeddedChannel ch = channel(handler);
        int eightMiB = 8 << 20;
        int frames = (int) (RequestDispatcher.MAX_PENDING_BYTES / eightMiB);
        for (int i = 0; i < frames - 1; i++) {
            ch.writeInbound(produceFrame(i, eightMiB));
        }
        ch.runPendingTasks();
        assertTrue(ch.config().isAutoRead(), "paused below the byte limit");
        ch.writeInbound(produceFrame(frames, eightMiB));
        ch.runPendingTasks();
        assertFalse(ch.config().isAutoRead(), "still reading with " + frames + " x 8 MiB pending");
        assertEquals(1, handler.held.size()); // handled one after another: only the first has started
        for (int answered = 0; answered < frames; answered++) {
            handler.answerAll(); // each answer lets the next request start
            ch.runPendingTasks();
        }
        assertEquals(frames, handler.held.size());
        assertTrue(ch.config().isAutoRead(), "reading did not resume once answered");
        drainResponses(ch);
        ch.finishAndReleaseAll();
    }
}

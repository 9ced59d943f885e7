package dev.wharf.server.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.api.ApiHandlers;
import dev.wharf.server.api.ApiVersionsHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher stops reading a connection whose requests pile up (by count or by bytes) and
 * resumes once they are answered, so a client that floods cannot make the broker buffer without
 * bound. Driven through Netty's embedded channel with a handler whose answers the test releases.
 */
class RequestDispatcherBackpressureTest {
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
            ch.writeInbound(HeldProduceHandler.produceFrame(i, 16));
        }
        ch.runPendingTasks();
        assertTrue(ch.config().isAutoRead(), "paused below the limit");
        ch.writeInbound(HeldProduceHandler.produceFrame(RequestDispatcher.MAX_PENDING, 16));
        assertFalse(ch.config().isAutoRead(), "still reading with " + RequestDispatcher.MAX_PENDING + " pending");

        handler.answerAll(); // the first answer brings the count under the limit
        ch.runPendingTasks();
        assertTrue(ch.config().isAutoRead(), "reading did not resume once answered");
        for (int answered = 1; answered < RequestDispatcher.MAX_PENDING; answered++) {
            handler.answerAll(); // the rest, one after another, so every frame is released
            ch.runPendingTasks();
        }
        assertEquals(RequestDispatcher.MAX_PENDING, handler.held.size());
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
            ch.writeInbound(HeldProduceHandler.produceFrame(i, eightMiB));
        }
        ch.runPendingTasks();
        assertTrue(ch.config().isAutoRead(), "paused below the byte limit");
        ch.writeInbound(HeldProduceHandler.produceFrame(frames, eightMiB));
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

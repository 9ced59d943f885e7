package dev.wharf.server.network;

import dev.wharf.server.api.ApiHandlers;
import dev.wharf.server.api.ApiVersionsHandler;
import dev.wharf.server.metrics.RequestMetrics;
import dev.wharf.wire.message.ProduceResponse;
import io.netty.channel.embedded.EmbeddedChannel;

/**
 * Sends one Produce request (client id {@code t}, correlation id 7) through a dispatcher and
 * answers it, in a JVM of its own: slf4j-simple fixes a logger's level when the logger is made, so
 * {@link RequestLogTest} starts this with and without the request log turned on.
 */
final class RequestLogProbe {
    private RequestLogProbe() {
    }

    public static void main(String[] args) {
        HeldProduceHandler handler = new HeldProduceHandler();
        ApiHandlers handlers = new ApiHandlers().requestMetrics(RequestMetrics.NONE);
        ApiVersionsHandler versions = new ApiVersionsHandler(handlers, new dev.wharf.server.feature.FinalizedFeatures((short) 2));
        handlers.register(versions).register(handler);
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDispatcher(handlers, versions, new SendStats(), Runnable::run,
                "PLAINTEXT", ListenerSecurity.PLAINTEXT));
        ch.writeInbound(HeldProduceHandler.produceFrame(7, 100));
        ch.runPendingTasks();
        handler.held.get(0).complete(new ProduceResponse());
        ch.runPendingTasks();
        ch.finishAndReleaseAll();
        System.err.println("probe done");
    }
}

package dev.wharf.server.network;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.wharf.server.api.ApiHandler;
import dev.wharf.server.api.ApiHandlers;
import dev.wharf.server.api.ApiVersionsHandler;
import dev.wharf.server.api.RequestContext;
import dev.wharf.wire.frame.RequestFrames;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ListGroupsRequest;
import dev.wharf.wire.message.ListGroupsResponse;
import dev.wharf.wire.message.RequestHeader;
import dev.wharf.wire.protocol.ApiMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FileRegion;
import io.netty.channel.local.LocalAddress;
import io.netty.channel.local.LocalChannel;
import io.netty.channel.local.LocalServerChannel;
import io.netty.util.ReferenceCountUtil;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dispatcher runs each handler on the thread it declares: I/O-pool handlers on the pool, event
 * loop handlers on the connection's event loop, even when queued behind a request that another
 * thread completed. Driven over Netty's in-JVM local transport, whose server loop is one named thread.
 */
class RequestDispatcherThreadingTest {
    private final ExecutorService io = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-io"));
    private final EventLoopGroup serverLoop = new DefaultEventLoopGroup(1, (java.util.concurrent.ThreadFactory) r -> new Thread(r, "server-loop"));
    private final EventLoopGroup clientLoop = new DefaultEventLoopGroup(1);
    private final AtomicInteger responses = new AtomicInteger();

    @AfterEach
    void stop() {
        io.shutdownNow();
        serverLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        clientLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Records the thread it ran on and answers when the test says so. */
    private static final class RecordingHandler implements ApiHandler {
        final Execution execution;
        volatile Thread ranOn;
        /** Set by a test while it completes an answer: a handler run inside that call sees it. */
        volatile boolean completing;
        volatile boolean ranInsideCompletion;
        volatile CompletableFuture<ApiMessage> answer = new CompletableFuture<>();

        RecordingHandler(Execution execution) {
            this.execution = execution;
        }

        @Override
        public ApiKey api() {
            return ApiKey.LIST_GROUPS;
        }

        @Override
        public Execution execution() {
            return execution;
        }

        @Override
        public CompletableFuture<ApiMessage> handle(RequestContext context) {
            ranOn = Thread.currentThread();
            ranInsideCompletion = completing;
            return answer;
        }
    }

    private static ByteBuf listGroupsFrame(int correlationId) {
        RequestHeader header = new RequestHeader().setRequestApiKey(ApiKey.LIST_GROUPS.id)
                .setRequestApiVersion((short) 4).setCorrelationId(correlationId).setClientId("t");
        ByteBuf frame = RequestFrames.encode(UnpooledByteBufAllocator.DEFAULT, header, new ListGroupsRequest());
        frame.skipBytes(4); // the frame decoder strips the length prefix before the dispatcher
        return frame;
    }

    /** A client channel connected to a server channel whose pipeline is the dispatcher alone. */
    private Channel connect(ApiHandler handler) throws InterruptedException {
        ApiHandlers handlers = new ApiHandlers();
        ApiVersionsHandler versions = new ApiVersionsHandler(handlers, new dev.wharf.server.feature.FinalizedFeatures((short) 2));
        handlers.register(versions).register(handler);
        LocalAddress address = new LocalAddress("dispatcher-threading-" + System.nanoTime());
        new ServerBootstrap().group(serverLoop).channel(LocalServerChannel.class)
                .childHandler(new ChannelInitializer<LocalChannel>() {
                    @Override
                    protected void initChannel(LocalChannel ch) {
                        ch.pipeline().addLast(new RequestDispatcher(handlers, versions, new SendStats(), io,
                                "PLAINTEXT", ListenerSecurity.PLAINTEXT));
                    }
                }).bind(address).sync();
        return new Bootstrap().group(clientLoop).channel(LocalChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    /** Response bytes not yet counted: responses are counted by their frames, however written. */
                    private final ByteBuf pending = Unpooled.buffer();

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        if (msg instanceof ByteBuf b) {
                            pending.writeBytes(b);
                        } else if (msg instanceof FileRegion) {
                            throw new AssertionError("no file regions in these responses");
                        }
                        ReferenceCountUtil.release(msg);
                        while (pending.readableBytes() >= 4
                                && pending.readableBytes() >= 4 + pending.getInt(pending.readerIndex())) {
                            pending.skipBytes(4 + pending.getInt(pending.readerIndex()));
                            responses.incrementAndGet();
                        }
                        pending.discardReadBytes();
                    }
                }).connect(address).sync().channel();
    }

    // a blocking-work handler never runs on the event loop
    @Test
    void ioPoolHandlersRunOnThePool() throws Exception {
        RecordingHandler handler = new RecordingHandler(ApiHandler.Execution.IO_POOL);
        Channel client = connect(handler);

        client.writeAndFlush(listGroupsFrame(1));

        await().atMost(Duration.ofSeconds(5)).until(() -> handler.ranOn != null);
        assertEquals("test-io", handler.ranOn.getName());
        handler.answer.complete(new ListGroupsResponse());
        await().atMost(Duration.ofSeconds(5)).until(() -> responses.get() > 0);
        client.close().sync();
    }

    // a request queued behind one completed by a foreign thread still runs on the event loop
    @Test
    void queuedEventLoopHandlersRunOnTheEventLoopNotOnTheCompletingThread() throws Exception {
        RecordingHandler handler = new RecordingHandler(ApiHandler.Execution.EVENT_LOOP);
        Channel client = connect(handler);
        client.writeAndFlush(listGroupsFrame(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> handler.ranOn != null);
        assertEquals("server-loop", handler.ranOn.getName());

        // the second request waits for the first; the handler is the same object, so reset its record
        handler.ranOn = null;
        CompletableFuture<ApiMessage> firstAnswer = handler.answer;
        handler.answer = new CompletableFuture<>();
        client.writeAndFlush(listGroupsFrame(2)).sync();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> handler.ranOn == null);

        Thread completer = new Thread(() -> firstAnswer.complete(new ListGroupsResponse()), "completer");
        completer.start();
        completer.join(5_000);

        await().atMost(Duration.ofSeconds(5)).until(() -> handler.ranOn != null);
        assertEquals("server-loop", handler.ranOn.getName());
        handler.answer.complete(new ListGroupsResponse());
        await().atMost(Duration.ofSeconds(5)).until(() -> responses.get() == 2);
        client.close().sync();
    }

    // completed on the connection's own event loop, deep inside other work (a follower's fetch moving the high
    // watermark completes an acks=all produce under the monitors of delayed operations): the queued request still
    // starts as a task of its own, not inside that call, where it would take locks in the wrong order
    @Test
    void aQueuedRequestDoesNotRunInsideTheCallThatCompletedThePreviousOne() throws Exception {
        RecordingHandler handler = new RecordingHandler(ApiHandler.Execution.EVENT_LOOP);
        Channel client = connect(handler);
        client.writeAndFlush(listGroupsFrame(1));
        await().atMost(Duration.ofSeconds(5)).until(() -> handler.ranOn != null);
        handler.ranOn = null;
        CompletableFuture<ApiMessage> firstAnswer = handler.answer;
        handler.answer = new CompletableFuture<>();
        client.writeAndFlush(listGroupsFrame(2)).sync();
        await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(5)).until(() -> handler.ranOn == null);

        serverLoop.submit(() -> {
            handler.completing = true;
            try {
                firstAnswer.complete(new ListGroupsResponse());
            } finally {
                handler.completing = false;
            }
        }).sync();

        await().atMost(Duration.ofSeconds(5)).until(() -> handler.ranOn != null);
        assertEquals("server-loop", handler.ranOn.getName());
        assertFalse(handler.ranInsideCompletion, "the queued request ran inside the call that completed the first");
        handler.answer.complete(new ListGroupsResponse());
        await().atMost(Duration.ofSeconds(5)).until(() -> responses.get() >= 1);
        client.close().sync();
    }
}

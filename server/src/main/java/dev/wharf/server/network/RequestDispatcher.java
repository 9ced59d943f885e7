package dev.wharf.server.network;

import dev.wharf.server.api.ApiHandler;
import dev.wharf.server.api.ApiHandlers;
import dev.wharf.server.api.ApiVersionsHandler;
import dev.wharf.server.api.CloseConnectionException;
import dev.wharf.wire.frame.EncodedResponse;
import dev.wharf.wire.frame.HeaderPeek;
import dev.wharf.wire.frame.Request;
import dev.wharf.wire.frame.RequestFrames;
import dev.wharf.wire.frame.ResponseFrames;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.protocol.ApiMessage;
import dev.wharf.wire.protocol.UnsupportedVersionException;
import dev.wharf.wire.protocol.WireException;
import dev.wharf.wire.records.FileRecords;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each request frame, hands it to its API's handler, and writes the responses back in
 * request order. Like Kafka, a connection's requests are handled one after another (the next one
 * starts when the previous one's handler completes), so a producer's pipelined batches for a
 * partition are appended in the order it sent them. A frame
 * that cannot be decoded, an unknown API or an unsupported version closes this connection with a
 * log line; an ApiVersions request of an unknown version gets the v0 fallback answer instead.
 * Backpressure: a connection with {@link #MAX_PENDING} requests not yet answered (or
 * {@link #MAX_PENDING_BYTES} of them not yet handled), or whose
 * responses are not draining to the socket, is not read from until it catches up, so one flooding
 * client cannot make the broker buffer without bound. Runs on the connection's event loop: no locks.
 */
final class RequestDispatcher extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(RequestDispatcher.class);
    /** Marks a request that gets no response but still holds its place in the order. */
    private static final Object NO_RESPONSE = new Object();
    /** Requests read but not yet answered, per connection, before reading pauses. */
    static final int MAX_PENDING = 100;
    /** Bytes of requests read but not yet handled, per connection, before reading pauses. */
    static final long MAX_PENDING_BYTES = 64L << 20;

    private final ApiHandlers handlers;
    private final ApiVersionsHandler apiVersions;
    private final SendStats stats;
    private final Map<Long, Object> completed = new HashMap<>();
    private long nextSequence;
    private long nextToWrite;
    private long pendingBytes;
    /** Completes when the previous request of this connection has been handled. */
    private CompletableFuture<?> previous = CompletableFuture.completedFuture(null);

    RequestDispatcher(ApiHandlers handlers, ApiVersionsHandler apiVersions, SendStats stats) {
        this.handlers = handlers;
        this.apiVersions = apiVersions;
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        if (!ctx.channel().isActive()) {
            frame.release(); // frames decoded after this connection was closed get no answer
            return;
        }
        int frameBytes = frame.readableBytes(); // before decoding moves the reader index
        long sequence = nextSequence++;
        updateReading(ctx);
        Request request;
        try {
            request = decode(ctx, frame, sequence);
        } catch (RuntimeException e) {
            frame.release();
            throw e;
        }
        if (request == null) {
            frame.release();
            return;
        }
        ApiHandler handler = handlers.get(request.api());
        if (handler == null || !handler.supports(request.version())) {
            frame.release();
            close(ctx, "unsupported request " + request.api().displayName + " v" + request.version());
            return;
        }
        pendingBytes += frameBytes;
        updateReading(ctx);
        CompletableFuture<ApiMessage> future = previous.handle((ignored, e) -> null).thenCompose(ignored -> {
            try {
                return handler.handle(request, ctx.channel().remoteAddress());
            } catch (RuntimeException e) {
                return CompletableFuture.<ApiMessage>failedFuture(e);
            }
        });
        previous = future;
        // handlers that answer on this event loop (Produce, Fetch with data) are written at once;
        // others come back to it
        future.whenComplete((body, error) -> {
            if (ctx.executor().inEventLoop()) {
                answer(ctx, request, sequence, frame, frameBytes, body, error);
            } else {
                ctx.executor().execute(() -> answer(ctx, request, sequence, frame, frameBytes, body, error));
            }
        });
    }

    private void answer(ChannelHandlerContext ctx, Request request, long sequence, ByteBuf frame, int frameBytes,
            ApiMessage body, Throwable error) {
        try {
            Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                    ? error.getCause() : error;
            if (cause instanceof CloseConnectionException) {
                close(ctx, cause.getMessage());
                return;
            }
            if (error != null) {
                log.error("handler failed api={} version={} client={}", request.api().displayName,
                        request.version(), ctx.channel().remoteAddress(), error);
                ctx.close();
                return;
            }
            complete(ctx, sequence, body == null ? NO_RESPONSE
                    : ResponseFrames.encode(ctx.alloc(), request.api(), request.version(), request.correlationId(), body));
        } catch (RuntimeException e) {
            // a response this version cannot carry is a broker bug: say so, and do not leave the
            // connection waiting for an answer that will never come
            log.error("cannot encode response api={} version={} client={}", request.api().displayName,
                    request.version(), ctx.channel().remoteAddress(), e);
            ctx.close();
        } finally {
            frame.release(); // the request (and record slices of it) is no longer needed
            pendingBytes -= frameBytes;
            updateReading(ctx);
        }
    }

    /** The decoded request, or null when it was answered (ApiVersions fallback) or the connection closed. */
    private Request decode(ChannelHandlerContext ctx, ByteBuf frame, long sequence) {
        HeaderPeek peek;
        try {
            peek = RequestFrames.peek(frame);
            return RequestFrames.decode(frame);
        } catch (UnsupportedVersionException e) {
            peek = RequestFrames.peek(frame);
            if (peek.apiKey() == ApiKey.API_VERSIONS.id && peek.apiVersion() > ApiKey.API_VERSIONS.highestVersion) {
                complete(ctx, sequence, ResponseFrames.encode(ctx.alloc(), ApiKey.API_VERSIONS, (short) 0,
                        peek.correlationId(), apiVersions.fallback()));
                return null;
            }
            close(ctx, e.getMessage());
            return null;
        } catch (WireException e) {
            close(ctx, "undecodable request: " + e.getMessage());
            return null;
        }
    }

    /**
     * Writes a response as its parts: buffers as they are, log-file record sets as file regions
     * that the transport sends with sendfile.
     */
    private static void writeParts(ChannelHandlerContext ctx, EncodedResponse response) {
        try {
            for (Object part : response.parts()) {
                // void promises: nothing waits on a part; a failed write closes the connection
                if (part instanceof FileRecords f) {
                    ctx.write(new LogFileRegion(f), ctx.voidPromise()); // the part's reference goes with the region
                } else {
                    ctx.write(part, ctx.voidPromise()); // a retained slice, released once written
                }
            }
        } finally {
            response.release(); // the parts hold their own references
        }
    }

    private void complete(ChannelHandlerContext ctx, long sequence, Object response) {
        if (!ctx.channel().isActive()) {
            // nobody to answer: release now rather than park it behind a gap that never fills
            if (response instanceof EncodedResponse e) {
                e.release();
            }
            return;
        }
        boolean wrote = false;
        if (sequence == nextToWrite) { // the usual case: in order, no need to park it
            nextToWrite++;
            wrote = write(ctx, response);
        } else {
            completed.put(sequence, response);
        }
        Object next;
        while (!completed.isEmpty() && (next = completed.remove(nextToWrite)) != null) {
            nextToWrite++;
            wrote |= write(ctx, next);
        }
        if (wrote) {
            ctx.flush();
        }
        updateReading(ctx);
    }

    private boolean write(ChannelHandlerContext ctx, Object response) {
        if (response == NO_RESPONSE) {
            return false;
        }
        EncodedResponse encoded = (EncodedResponse) response;
        stats.sent(encoded);
        writeParts(ctx, encoded);
        return true;
    }

    /** Reads while few requests are pending and responses drain; pauses otherwise. */
    private void updateReading(ChannelHandlerContext ctx) {
        boolean read = nextSequence - nextToWrite < MAX_PENDING && pendingBytes < MAX_PENDING_BYTES
                && ctx.channel().isWritable();
        if (ctx.channel().config().isAutoRead() != read) {
            ctx.channel().config().setAutoRead(read);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        updateReading(ctx);
        super.channelWritabilityChanged(ctx);
    }

    private void close(ChannelHandlerContext ctx, String why) {
        log.warn("closing connection client={} reason={}", ctx.channel().remoteAddress(), why);
        ctx.close();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            log.info("closing idle connection client={}", ctx.channel().remoteAddress());
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        close(ctx, cause.toString());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        for (Object r : completed.values()) {
            if (r instanceof EncodedResponse e) {
                e.release();
            }
        }
        completed.clear();
        super.channelInactive(ctx);
    }
}

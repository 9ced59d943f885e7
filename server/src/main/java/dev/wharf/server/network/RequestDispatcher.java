package dev.wharf.server.network;

import dev.wharf.server.api.ApiHandler;
import dev.wharf.server.api.ApiHandlers;
import dev.wharf.server.api.ApiVersionsHandler;
import dev.wharf.server.api.ClientConnection;
import dev.wharf.server.api.CloseConnectionException;
import dev.wharf.server.api.RequestContext;
import dev.wharf.server.api.SaslSession;
import dev.wharf.wire.frame.EncodedResponse;
import dev.wharf.wire.frame.HeaderPeek;
import dev.wharf.wire.frame.Request;
import dev.wharf.wire.frame.RequestFrames;
import dev.wharf.wire.frame.ResponseFrames;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.protocol.ApiMessage;
import dev.wharf.wire.protocol.ThrottledResponse;
import dev.wharf.wire.protocol.UnsupportedVersionException;
import dev.wharf.wire.protocol.WireException;
import dev.wharf.wire.records.FileRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.timeout.IdleStateEvent;
import javax.net.ssl.SSLSession;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes each request frame, hands it to its API's handler, and writes the responses back in
 * request order. Like Kafka, a connection's requests are handled one after another (the next one
 * starts when the previous one's handler completes), so a producer's pipelined batches for a
 * partition are appended in the order it sent them. Each handler runs where it declares
 * ({@link ApiHandler#execution}): on this connection's event loop, or on the broker's I/O pool;
 * a request queued behind a slower one starts as a task of its own on its handler's thread when
 * its turn comes, never inside the call that finished the previous one, not even when that call
 * runs on this very event loop (see {@link #startQueued}). A frame
 * that cannot be decoded, an unknown API or an unsupported version closes this connection with a
 * log line; an ApiVersions request of an unknown version gets the v0 fallback answer instead.
 * Backpressure: a connection with {@link #MAX_PENDING} requests not yet answered (or
 * {@link #MAX_PENDING_BYTES} of them not yet handled), or whose
 * responses are not draining to the socket, is not read from until it catches up, so one flooding
 * client cannot make the broker buffer without bound; nor is one whose last response carried a
 * quota's {@code throttle_time_ms}, until that time has passed (KIP-219).
 *
 * <p>Security: on a SASL listener each request is checked, when its turn comes, against the
 * connection's {@link SaslSession} (only the SASL exchange before authentication, only a
 * re-authentication after the session expired); a failed authentication is answered and then the
 * connection closes. After a v0 SaslHandshake the next frames are bare SASL tokens, not requests.
 * On an SSL listener the client certificate's principal is taken when the TLS handshake completes,
 * and log-file parts are read into buffers for TLS to encrypt. All of this class's state is touched
 * only on the connection's event loop: no locks.
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
    private final Executor io;
    private final String listenerName;
    private final ListenerSecurity security;
    private final RequestCompletions completions;
    private ClientConnection connection;
    private final Map<Long, Object> completed = new HashMap<>();
    private long nextSequence;
    private long nextToWrite;
    private long pendingBytes;
    /** Not read until then (System.nanoTime), when a response told the client it is throttled; 0: not throttled. */
    private long throttledUntilNanos;
    /** Completes when the previous request of this connection has been handled. */
    private CompletableFuture<?> previous = CompletableFuture.completedFuture(null);

    RequestDispatcher(ApiHandlers handlers, ApiVersionsHandler apiVersions, SendStats stats, Executor io,
            String listenerName, ListenerSecurity security) {
        this.handlers = handlers;
        this.apiVersions = apiVersions;
        this.stats = stats;
        this.io = io;
        this.listenerName = listenerName;
        this.security = security;
        this.completions = new RequestCompletions(handlers.requestMetrics());
    }

    private ClientConnection connection(ChannelHandlerContext ctx) {
        if (connection == null) {
            SaslSession sasl = security.sasl() == null ? null : new SaslSession(security.sasl(), System::currentTimeMillis);
            connection = new ClientConnection(listenerName, security.protocol(), ClientConnection.ANONYMOUS,
                    ctx.channel().remoteAddress(), sasl);
        }
        return connection;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        if (!ctx.channel().isActive()) {
            frame.release(); // frames decoded after this connection was closed get no answer
            return;
        }
        SaslSession sasl = connection(ctx).sasl();
        if (sasl != null && sasl.expectsBareToken()) {
            answerBareToken(ctx, frame, sasl);
            return;
        }
        int frameBytes = frame.readableBytes(); // before decoding moves the reader index
        long sequence = nextSequence++;
        completions.received(sequence, nextToWrite);
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
        RequestContext context = new RequestContext(request, connection(ctx), frameBytes);
        CompletableFuture<ApiMessage> future = previous.isDone() ? start(ctx, handler, context, sequence)
                : previous.handle((ignored, e) -> null).thenCompose(ignored -> startQueued(ctx, handler, context, sequence));
        previous = future;
        // handlers that answer on this event loop (Produce, Fetch with data) are written at once; others come back to it
        future.whenComplete((body, error) -> {
            completions.ready(sequence);
            if (ctx.executor().inEventLoop()) {
                answer(ctx, request, sequence, frame, frameBytes, body, error);
            } else {
                try {
                    ctx.executor().execute(() -> answer(ctx, request, sequence, frame, frameBytes, body, error));
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    frame.release(); // the broker stopped this connection's event loop: no answer goes out, the request goes
                }
            }
        });
    }

    /**
     * A bare SASL token after a v0 handshake: evaluated on the I/O pool (a mechanism may look up
     * credentials), answered with a bare challenge frame; a failed exchange closes the connection.
     * The client sends its next token only after this answer, so nothing else is in flight.
     */
    private void answerBareToken(ChannelHandlerContext ctx, ByteBuf frame, SaslSession sasl) {
        byte[] token = new byte[frame.readableBytes()];
        frame.readBytes(token);
        frame.release();
        ClientConnection client = connection;
        CompletableFuture.supplyAsync(() -> sasl.authenticateBare(token, client), io).whenComplete((challenge, e) ->
                ctx.executor().execute(() -> {
                    if (challenge == null) {
                        close(ctx, e != null ? "SASL token failed: " + e : "SASL authentication failed (v0 handshake)");
                        return;
                    }
                    ByteBuf out = ctx.alloc().buffer(4 + challenge.length).writeInt(challenge.length).writeBytes(challenge);
                    ctx.writeAndFlush(out);
                }));
    }

    /** Runs the handler on the thread it declares: here, when this is its event loop, or handed over. */
    private CompletableFuture<ApiMessage> start(ChannelHandlerContext ctx, ApiHandler handler, RequestContext context,
            long sequence) {
        Executor executor = handler.execution() == ApiHandler.Execution.EVENT_LOOP ? ctx.executor() : io;
        if (executor == ctx.executor() && ctx.executor().inEventLoop()) {
            return invoke(handler, context, completions, sequence);
        }
        return submit(executor, handler, context, completions, sequence);
    }

    /**
     * Runs a request that waited for the previous one of its connection: always handed over as a
     * task of its own, even to this connection's event loop when the previous one completed there.
     * Whatever completed it may be deep inside other work and holding its locks: an acks=all
     * produce is completed by a follower's fetch moving the high watermark, under the monitors of
     * the fetch's and the produce's delayed operations. A produce run right there would take the
     * monitors of the fetches waiting on its partition, in the opposite order of another event loop
     * doing the same: the event loops deadlocked, and the broker, still registered, accepted
     * connections that never got an answer.
     */
    private CompletableFuture<ApiMessage> startQueued(ChannelHandlerContext ctx, ApiHandler handler,
            RequestContext context, long sequence) {
        Executor executor = handler.execution() == ApiHandler.Execution.EVENT_LOOP ? ctx.executor() : io;
        return submit(executor, handler, context, completions, sequence);
    }

    private static CompletableFuture<ApiMessage> submit(Executor executor, ApiHandler handler, RequestContext context,
            RequestCompletions completions, long sequence) {
        try {
            return CompletableFuture.supplyAsync(() -> invoke(handler, context, completions, sequence), executor)
                    .thenCompose(f -> f);
        } catch (RejectedExecutionException e) { // the broker is stopping
            return CompletableFuture.failedFuture(e);
        }
    }

    private static CompletableFuture<ApiMessage> invoke(ApiHandler handler, RequestContext context,
            RequestCompletions completions, long sequence) {
        completions.started(sequence);
        if (!context.connection().permits(handler.api())) {
            // checked when the request's turn comes, after the SASL requests before it were handled
            return CompletableFuture.failedFuture(new CloseConnectionException(handler.api().displayName
                    + " on a connection that is not authenticated (or whose session expired)"));
        }
        try {
            return handler.handle(context);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            completions.handled(sequence);
        }
    }

    private void answer(ChannelHandlerContext ctx, Request request, long sequence, ByteBuf frame, int frameBytes,
            ApiMessage body, Throwable error) {
        long answeredAt = System.nanoTime();
        long responseBytes = -1;
        int throttleMs = body instanceof ThrottledResponse t ? t.throttleTimeMs() : 0;
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
            Object response = body == null ? NO_RESPONSE
                    : ResponseFrames.encode(ctx.alloc(), request.api(), request.version(), request.correlationId(), body);
            responseBytes = response instanceof EncodedResponse e ? e.frameSize() : -1;
            complete(ctx, sequence, response);
            if (connection != null && connection.closeAfterResponse()) {
                // failed authentication: the answer says why, then the connection ends
                log.info("closing connection client={} listener={} reason=authentication failed",
                        ctx.channel().remoteAddress(), listenerName);
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            } else if (body instanceof ThrottledResponse t && t.throttleTimeMs() > 0) {
                throttle(ctx, t.throttleTimeMs());
            } else if (body == null && connection != null) {
                int unanswered = connection.takeUnansweredThrottle();
                if (unanswered > 0) {
                    throttle(ctx, unanswered);
                }
            }
        } catch (RuntimeException e) {
            // a response this version cannot carry is a broker bug: say so, and do not leave the
            // connection waiting for an answer that will never come
            log.error("cannot encode response api={} version={} client={}", request.api().displayName,
                    request.version(), ctx.channel().remoteAddress(), e);
            ctx.close();
        } finally {
            completions.completed(sequence, request, body, frameBytes, responseBytes, throttleMs, answeredAt,
                    error == null ? null : error.toString(), ctx.channel().remoteAddress());
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
    private void writeParts(ChannelHandlerContext ctx, EncodedResponse response) {
        try {
            for (Object part : response.parts()) {
                // void promises: nothing waits on a part; a failed write closes the connection
                if (part instanceof FileRecords f && security.tls() != null) {
                    ctx.write(FileParts.read(ctx.alloc(), f), ctx.voidPromise()); // TLS encrypts buffers only
                } else if (part instanceof FileRecords f) {
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
        stats.sent(encoded, security.tls() == null);
        writeParts(ctx, encoded);
        return true;
    }

    /**
     * Client quotas (KIP-219): the response told the client to hold back {@code ms}; this
     * connection is not read from for that long, so a client that ignores it is slowed all the same.
     */
    private void throttle(ChannelHandlerContext ctx, int ms) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
        boolean ending = throttledUntilNanos != 0; // a task to end the throttle is pending already
        if (!ending || until - throttledUntilNanos > 0) {
            throttledUntilNanos = until;
        }
        updateReading(ctx);
        if (!ending) {
            ctx.executor().schedule(() -> endThrottle(ctx), ms, TimeUnit.MILLISECONDS);
        }
    }

    private void endThrottle(ChannelHandlerContext ctx) {
        long left = throttledUntilNanos - System.nanoTime();
        if (left > 0) { // extended meanwhile
            ctx.executor().schedule(() -> endThrottle(ctx), left, TimeUnit.NANOSECONDS);
            return;
        }
        throttledUntilNanos = 0;
        updateReading(ctx);
    }

    /** Reads while few requests are pending, responses drain and no quota throttles; pauses otherwise. */
    private void updateReading(ChannelHandlerContext ctx) {
        boolean read = nextSequence - nextToWrite < MAX_PENDING && pendingBytes < MAX_PENDING_BYTES
                && ctx.channel().isWritable() && throttledUntilNanos == 0;
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
        if (evt instanceof SslHandshakeCompletionEvent done && done.isSuccess() && security.principalFromCertificate()) {
            SSLSession session = ctx.pipeline().get(SslHandler.class).engine().getSession();
            try {
                connection(ctx).authenticated(security.tlsPrincipal().apply(session));
            } catch (IllegalArgumentException e) { // no principal mapping rule matches its certificate
                close(ctx, "TLS client refused: " + e.getMessage());
            }
        } else if (evt instanceof IdleStateEvent) {
            log.debug("closing idle connection client={}", ctx.channel().remoteAddress()); // as Kafka: not worth a line each
            ctx.close();
        } else {
            super.userEventTriggered(ctx, evt);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof java.io.IOException && !(cause instanceof javax.net.ssl.SSLException)) {
            // the client reset or dropped its connection: nothing for an operator to act on
            log.debug("connection lost client={} reason={}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
            return;
        }
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

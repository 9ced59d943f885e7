package dev.wharf.registry.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.registry.RegistryAccess;
import dev.wharf.registry.RegistryException;
import dev.wharf.registry.RegistryLog;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ssl.SslHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the registry's HTTP requests: finds the route, runs it, and writes its reply as JSON
 * with status 200 (every success, as Confluent's clients expect: the Java client takes nothing
 * else), or an error as {@code {"error_code":..,"message":..}} with its status, for unknown paths
 * too (newer Confluent clients probe paths and read that body).
 *
 * <p>Shared by every connection; replies are written from whichever thread completes the route.
 */
@ChannelHandler.Sharable
final class RegistryHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger log = LoggerFactory.getLogger(RegistryHttpHandler.class);
    static final String V1_JSON = "application/vnd.schemaregistry.v1+json";

    private final Router router;
    private final RegistryLog registryLog;
    private final WriteForwarder forwarder;
    private final RegistryAccess access;

    RegistryHttpHandler(Router router, RegistryLog registryLog, WriteForwarder forwarder, RegistryAccess access) {
        this.router = router;
        this.registryLog = registryLog;
        this.forwarder = forwarder;
        this.access = access;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String contentType = responseType(request.headers().get(HttpHeaderNames.ACCEPT));
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, keepAlive, contentType, error(400, 400, "Bad Request: " + request.decoderResult().cause()));
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(request.uri());
        Router.Match match = router.match(request.method(), segments(request.uri()));
        if (match.handler() == null) {
            Response r = match.pathKnown() ? error(405, 405, "HTTP 405 Method Not Allowed") : error(404, 404, "HTTP 404 Not Found");
            respond(ctx, keepAlive, contentType, r);
            return;
        }
        RegistryAccess.Caller caller;
        try {
            SslHandler tls = ctx.pipeline().get(SslHandler.class);
            caller = access.authenticate(request.headers().get(HttpHeaderNames.AUTHORIZATION), clientHost(ctx),
                    tls == null ? null : tls.engine().getSession());
        } catch (RegistryException e) {
            respond(ctx, keepAlive, contentType, error(e.status(), e.errorCode(), e.getMessage()));
            return;
        } catch (RuntimeException e) { // a certificate no principal mapping rule matches, say
            log.warn("schema registry: cannot authenticate a request from {}: {}", ctx.channel().remoteAddress(), e.toString());
            respond(ctx, keepAlive, contentType, error(401, 401, "Unauthorized"));
            return;
        }
        Optional<String> unavailable = registryLog.unavailable();
        if (unavailable.isPresent() && !request.uri().equals("/")) { // the root answers anyway: load balancers probe it
            respond(ctx, keepAlive, contentType, error(500, 50001, unavailable.get()));
            return;
        }
        byte[] body = ByteBufUtil.getBytes(request.content());
        boolean forwarded = request.headers().contains(WriteForwarder.FORWARDED);
        Optional<String> writer = match.write() && !forwarded ? registryLog.forwardTo() : Optional.empty();
        HttpCall call = new HttpCall(match.params(), uri.parameters(), body, caller);
        if (writer.isPresent()) {
            forward(ctx, keepAlive, contentType, request, call, match, writer.get());
            return;
        }
        CompletableFuture<Reply> reply;
        try {
            reply = match.handler().handle(call);
        } catch (RuntimeException e) {
            reply = CompletableFuture.failedFuture(e);
        }
        reply.whenComplete((r, failure) -> {
            Response answer = failure == null ? ok(r) : failed(request, failure);
            // a forwarded write: the broker that forwarded it waits until its own copy has got this far
            respond(ctx, keepAlive, contentType, forwarded ? answer.at(registryLog.position()) : answer);
        });
    }

    /**
     * Sends a change on to the writer, once this broker has checked that the caller may make it
     * (the writer checks again, but over TLS it sees this broker's certificate, not the caller's).
     */
    private void forward(ChannelHandlerContext ctx, boolean keepAlive, String contentType, FullHttpRequest request, HttpCall call,
            Router.Match match, String writer) {
        CompletableFuture<Response> answer;
        try {
            if (match.needs() != Router.ANY_CALLER) {
                call.require(match.needs(), match.params().get("subject"));
            }
            answer = forwarder.forward(writer, request, call.body(), registryLog);
        } catch (RegistryException e) {
            answer = CompletableFuture.completedFuture(error(e.status(), e.errorCode(), e.getMessage()));
        } catch (RuntimeException e) { // a path the JDK's client will not send
            answer = CompletableFuture.failedFuture(e);
        }
        answer.whenComplete((r, failure) -> respond(ctx, keepAlive, contentType, failure == null ? r
                : error(500, 50003, "Error while forwarding the request to the registry's writer " + writer + ": " + failure)));
    }

    /** The path's segments, each percent-decoded on its own (an encoded '/' stays inside its subject; '+' is a plus). */
    static List<String> segments(String uri) {
        int query = uri.indexOf('?');
        String path = query < 0 ? uri : uri.substring(0, query);
        List<String> out = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty()) {
                out.add(QueryStringDecoder.decodeComponent(part.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static String clientHost(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() : "";
    }

    /** Confluent's type unless the client accepts only plain JSON. */
    private static String responseType(String accept) {
        if (accept == null || accept.contains("schemaregistry") || accept.contains("*/*") || !accept.contains("application/json")) {
            return V1_JSON;
        }
        return "application/json";
    }

    /** An answer: its status and body, and for a forwarded write the writer's log position after it (-1: none). */
    record Response(int status, String body, long position) {
        Response(int status, String body) {
            this(status, body, -1);
        }

        Response at(long logPosition) {
            return new Response(status, body, logPosition);
        }
    }

    private static Response ok(Reply reply) {
        try {
            return new Response(200, reply.text() != null ? reply.text() : HttpCall.JSON.writeValueAsString(reply.json()));
        } catch (JsonProcessingException e) {
            return error(500, 500, "Internal Server Error");
        }
    }

    private static Response failed(FullHttpRequest request, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof RegistryException e) {
            return error(e.status(), e.errorCode(), e.getMessage());
        }
        log.error("schema registry request {} {} failed", request.method(), request.uri(), cause);
        return error(500, 500, "Internal Server Error");
    }

    static Response error(int status, int code, String message) {
        ObjectNode body = HttpCall.JSON.createObjectNode().put("error_code", code).put("message", message);
        return new Response(status, body.toString());
    }

    private static void respond(ChannelHandlerContext ctx, boolean keepAlive, String contentType, Response r) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                Unpooled.copiedBuffer(r.body(), StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
        if (r.position() >= 0) {
            response.headers().set(WriteForwarder.POSITION, r.position());
        }
        if (r.status() == 401) {
            response.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Basic realm=\"wharf-schema-registry\"");
        }
        if (keepAlive) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(response);
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        log.debug("schema registry connection from {} closed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}

package dev.wharf.registry.http;

import dev.wharf.registry.RegistryLog;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;

/**
 * Sends a change that reached a broker which does not write the registry to the broker that does,
 * and answers with what that broker answered, once this broker's own copy of the log has caught up
 * with it (so a client reading here next sees its change). A forwarded request is marked and is
 * never forwarded again: a writer that moved meanwhile answers 50004 and the client retries.
 */
final class WriteForwarder {
    /** Marks a request one broker forwarded to another. */
    static final String FORWARDED = "X-Wharf-Registry-Forwarded";
    /** On the writer's answer: its log position after the change. */
    static final String POSITION = "X-Wharf-Registry-Position";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient client;

    /** {@code tls}: how to reach a writer listening on https (null: the JDK's defaults). */
    WriteForwarder(SSLContext tls) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        client = (tls == null ? builder : builder.sslContext(tls)).build();
    }

    CompletableFuture<RegistryHttpHandler.Response> forward(String writer, FullHttpRequest request, byte[] body,
            RegistryLog registryLog) {
        String type = request.headers().get(HttpHeaderNames.CONTENT_TYPE, RegistryHttpHandler.V1_JSON);
        HttpRequest.Builder out = HttpRequest.newBuilder(URI.create(writer + request.uri())).timeout(TIMEOUT)
                .header("Content-Type", type).header(FORWARDED, "true")
                .method(request.method().name(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        String credentials = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (credentials != null) {
            out.header("Authorization", credentials); // the writer authenticates and authorizes the caller again
        }
        return client.sendAsync(out.build(), HttpResponse.BodyHandlers.ofString()).thenCompose(response -> {
            long position = response.headers().firstValueAsLong(POSITION).orElse(-1);
            RegistryHttpHandler.Response answer = new RegistryHttpHandler.Response(response.statusCode(), response.body());
            return registryLog.awaitPosition(position).thenApply(caughtUp -> answer);
        });
    }
}

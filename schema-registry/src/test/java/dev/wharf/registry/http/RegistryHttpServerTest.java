package dev.wharf.registry.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wharf.registry.RegistryAccess;
import dev.wharf.registry.CompatibilityLevel;
import dev.wharf.registry.RegistryLog;
import dev.wharf.registry.RegistryState;
import dev.wharf.registry.SchemaRegistry;
import dev.wharf.registry.SchemaResolver;
import dev.wharf.registry.avro.AvroFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The registry's HTTP listener over a real socket, with the JDK's HTTP client. */
class RegistryHttpServerTest {
    private static SchemaRegistry registry() {
        RegistryState state = new RegistryState();
        RegistryLog log = new RegistryLog() {
            @Override
            public <T> CompletableFuture<T> write(Write<T> write) {
                write.records();
                return CompletableFuture.completedFuture(write.applied());
            }
        };
        return new SchemaRegistry(state, new SchemaResolver(state, List.of(new AvroFormat())), log, CompatibilityLevel.BACKWARD);
    }

    // A client keeping its connection across a restart of the listener gets its answer from the new one, not a hang.
    @Test
    void closingEndsEveryConnectionSoKeptAliveClientsReconnect() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        int port;
        try (RegistryHttpServer first = RegistryHttpServer.start(registry(), RegistryAccess.OPEN, null, () -> "c", "127.0.0.1", 0, 1 << 20)) {
            port = first.port();
            assertEquals(200, get(client, port, "/subjects").statusCode());
        }
        try (RegistryHttpServer second = RegistryHttpServer.start(registry(), RegistryAccess.OPEN, null, () -> "c", "127.0.0.1", port, 1 << 20)) {
            HttpResponse<String> again = get(client, port, "/config");
            assertEquals(200, again.statusCode());
            assertEquals("{\"compatibilityLevel\":\"BACKWARD\"}", again.body());
        }
    }

    // A body over the limit is refused (413) and the listener goes on answering.
    @Test
    void anOversizedBodyIsRefused() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try (RegistryHttpServer server = RegistryHttpServer.start(registry(), RegistryAccess.OPEN, null, () -> "c", "127.0.0.1", 0, 1024)) {
            HttpResponse<String> refused = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/subjects/s/versions")).timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"schema\":\"" + "x".repeat(4096) + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(413, refused.statusCode());
            assertEquals(200, get(HttpClient.newHttpClient(), server.port(), "/subjects").statusCode());
        }
    }

    private static HttpResponse<String> get(HttpClient client, int port, String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}

package dev.wharf.compat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Plain HTTP against a schema registry, as Confluent's clients speak it: JSON bodies with the
 * {@code application/vnd.schemaregistry.v1+json} type, each answer kept with its status so a test
 * asserts both. Used from one test thread at a time, or several for concurrency tests.
 */
final class RegistryClient {
    static final ObjectMapper JSON = new ObjectMapper();

    /** An answer: its status and JSON body (null when the body is not JSON), and the raw body. */
    record Answer(int status, JsonNode json, String body) {
        int errorCode() {
            return json == null ? -1 : json.path("error_code").asInt(-1);
        }
    }

    private final HttpClient http;
    private final String base;
    /** The Authorization header every request carries; null: none. */
    private final String credentials;

    RegistryClient(String base) {
        this(base, null, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build());
    }

    /** A client of an https registry, with {@code tls} (its trust store, and a key store for a client certificate). */
    RegistryClient(String base, javax.net.ssl.SSLContext tls) {
        this(base, null, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).sslContext(tls).build());
    }

    private RegistryClient(String base, String credentials, HttpClient http) {
        this.base = base;
        this.credentials = credentials;
        this.http = http;
    }

    /** The same registry, asked as {@code user} with HTTP basic credentials. */
    RegistryClient as(String user, String password) {
        return new RegistryClient(base, "Basic " + java.util.Base64.getEncoder().encodeToString((user + ":" + password)
                .getBytes(StandardCharsets.UTF_8)), http);
    }

    /** A loopback port nobody listens on now, for a registry listener. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static String encode(String pathPart) {
        return URLEncoder.encode(pathPart, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** The body a register, lookup or compatibility request posts for an Avro schema. */
    static ObjectNode avro(String schema) {
        return JSON.createObjectNode().put("schema", schema);
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Answer delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    Answer post(String path, JsonNode body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    Answer put(String path, JsonNode body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).PUT(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    Answer postRaw(String path, String body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Registers an Avro schema under {@code subject}: its id (fails the test on any other answer). */
    int register(String subject, String schema) throws IOException, InterruptedException {
        Answer a = post("/subjects/" + encode(subject) + "/versions", avro(schema));
        if (a.status() != 200) {
            throw new AssertionError("register under " + subject + " answered " + a.status() + " " + a.body());
        }
        return a.json().get("id").asInt();
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        if (credentials != null) {
            request.header("Authorization", credentials);
        }
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json").build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json;
        try {
            json = JSON.readTree(response.body());
        } catch (IOException e) {
            json = null;
        }
        return new Answer(response.statusCode(), json, response.body());
    }
}

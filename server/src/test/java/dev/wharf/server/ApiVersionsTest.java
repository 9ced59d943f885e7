package dev.wharf.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.api.ApiHandlers;
import dev.wharf.server.api.ApiVersionsHandler;
import dev.wharf.server.network.Endpoint;
import dev.wharf.server.network.EventLoops;
import dev.wharf.server.network.NettyServer;
import dev.wharf.server.network.SendStats;
import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ApiVersionsRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Netty front end with ApiVersions: every version, the v0 fallback, ordering, bad frames. */
class ApiVersionsTest {
    private NettyServer server;
    private EventLoops loops;

    @BeforeEach
    void start() throws InterruptedException {
        ApiHandlers handlers = new ApiHandlers();
        ApiVersionsHandler apiVersions = new ApiVersionsHandler(handlers, new dev.wharf.server.feature.FinalizedFeatures((short) 2));
        handlers.register(apiVersions);
        loops = new EventLoops(1);
        server = new NettyServer(new Endpoint("PLAINTEXT", dev.wharf.server.network.ListenerSecurity.PLAINTEXT, "127.0.0.1", 0), loops, 1024 * 1024, 60_000,
                handlers, apiVersions, Runnable::run, new SendStats());
        server.startAccepting();
    }

    @AfterEach
    void stop() {
        server.close();
        loops.close();
    }

    private KafkaWireClient client() throws IOException {
        return new KafkaWireClient("127.0.0.1", server.port());
    }

    /** Reads an ApiVersions response with kafka-clients' own class: header v0 (correlation id) then body. */
    private static ApiVersionsResponseData parse(ByteBuffer frame, int expectedCorrelationId, short version) {
        assertEquals(expectedCorrelationId, frame.getInt());
        ApiVersionsResponseData data = new ApiVersionsResponseData(new ByteBufferAccessor(frame), version);
        assertEquals(0, frame.remaining());
        return data;
    }

    // Every ApiVersions version is answered, readable by the Java client, listing ApiVersions itself.
    @Test
    void everyVersionIsAnswered() throws Exception {
        try (KafkaWireClient client = client()) {
            for (short v = 0; v <= ApiKey.API_VERSIONS.highestVersion; v++) {
                int id = client.send(ApiKey.API_VERSIONS, v,
                        new ApiVersionsRequest().setClientSoftwareName(v >= 3 ? "raw" : "").setClientSoftwareVersion(v >= 3 ? "1" : ""));
                ApiVersionsResponseData r = parse(client.receiveFrame(), id, v);
                assertEquals(Errors.NONE.code(), r.errorCode());
                ApiVersionsResponseData.ApiVersion self = r.apiKeys().find(ApiKey.API_VERSIONS.id);
                assertEquals(0, self.minVersion());
                assertEquals(ApiKey.API_VERSIONS.highestVersion, self.maxVersion());
            }
        }
    }

    // An ApiVersions version from the future gets the v0 answer with UNSUPPORTED_VERSION and the list.
    @Test
    void unknownVersionGetsTheV0Fallback() throws Exception {
        try (KafkaWireClient client = client()) {
            client.sendRaw(new byte[] {0, 0, 0, 12, 0, 18, 0, 99, 0, 0, 0, 7, 0, 2, 'c', 'l'});
            ApiVersionsResponseData r = parse(client.receiveFrame(), 7, (short) 0);
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), r.errorCode());
            assertTrue(r.apiKeys().find(ApiKey.API_VERSIONS.id) != null);
        }
    }

    // Pipelined requests are answered in the order they were sent.
    @Test
    void responsesComeBackInRequestOrder() throws Exception {
        try (KafkaWireClient client = client()) {
            int[] ids = new int[50];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = client.send(ApiKey.API_VERSIONS, (short) (i % 5), new ApiVersionsRequest()
                        .setClientSoftwareName(i % 5 >= 3 ? "raw" : "").setClientSoftwareVersion(i % 5 >= 3 ? "1" : ""));
            }
            for (int i = 0; i < ids.length; i++) {
                parse(client.receiveFrame(), ids[i], (short) (i % 5));
            }
        }
    }

    // A client that pipelines far more requests than may be pending is throttled, not dropped: all are answered in order.
    @Test
    void floodsArePacedNotLost() throws Exception {
        try (KafkaWireClient client = client()) {
            int[] ids = new int[2000]; // twenty times the per-connection limit of pending requests
            for (int i = 0; i < ids.length; i++) {
                ids[i] = client.send(ApiKey.API_VERSIONS, (short) 0, new ApiVersionsRequest());
            }
            for (int id : ids) {
                parse(client.receiveFrame(), id, (short) 0);
            }
        }
    }

    // Garbage, unknown APIs and oversized frames close that connection only; others keep working.
    @Test
    void badFramesCloseOnlyTheirConnection() throws Exception {
        try (KafkaWireClient healthy = client()) {
            byte[][] bad = {
                {0, 0, 0, 8, 3, (byte) 0xE7, 0, 0, 0, 0, 0, 1}, // unknown api key 999
                {0, 0, 0, 3, 0, 18, 0}, // shorter than any request header
                {0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}, // 2 GiB frame
                {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xf0}, // negative length
                {0, 0, 0, 9, 0, 18, 0, 3, 0, 0, 0, 1, (byte) 0xff}, // ApiVersions v3 with a torn body
            };
            for (byte[] frame : bad) {
                try (KafkaWireClient client = client()) {
                    client.sendRaw(frame);
                    assertTrue(client.closedByBroker(), "connection left open after " + java.util.Arrays.toString(frame));
                }
                int id = healthy.send(ApiKey.API_VERSIONS, (short) 3, new ApiVersionsRequest().setClientSoftwareName("h")
                        .setClientSoftwareVersion("1"));
                assertEquals(Errors.NONE.code(), parse(healthy.receiveFrame(), id, (short) 3).errorCode());
            }
        }
    }
}

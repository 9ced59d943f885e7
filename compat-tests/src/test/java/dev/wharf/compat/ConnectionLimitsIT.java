package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ApiVersionsRequest;
import dev.wharf.wire.message.ApiVersionsResponse;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** max.connections.per.ip (with overrides), max.connections and max.connection.creation.rate, as Kafka applies them. */
@Exercises({ApiKeys.API_VERSIONS, ApiKeys.INCREMENTAL_ALTER_CONFIGS})
class ConnectionLimitsIT {
    @TempDir
    Path dir;

    // one connection over the per-address limit is closed at once; a freed slot is taken again; the limit is dynamic
    @Test
    @Timeout(60)
    void perAddressLimitClosesTheExtraConnection() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of("max.connections.per.ip", "3"))) {
            List<KafkaWireClient> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    KafkaWireClient c = new KafkaWireClient(broker.bootstrap());
                    open.add(c);
                    assertEquals(0, apiVersions(c).errorCode());
                }
                try (KafkaWireClient extra = new KafkaWireClient(broker.bootstrap())) {
                    assertTrue(refused(extra), "a fourth connection from 127.0.0.1 must be closed");
                }
                open.remove(0).close();
                KafkaWireClient again = await().atMost(Duration.ofSeconds(10)).until(
                        () -> answered(broker.bootstrap()), c -> c != null);
                open.add(again);
                for (KafkaWireClient c : open) {
                    c.close();
                }
                open.clear();

                // kafka-configs --entity-default --alter --add-config max.connections.per.ip=5
                try (Admin admin = admin(broker.bootstrap())) {
                    admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.BROKER, ""), List.of(
                            new AlterConfigOp(new ConfigEntry("max.connections.per.ip", "5"), AlterConfigOp.OpType.SET))))
                            .all().get(30, TimeUnit.SECONDS);
                }
                // the admin's connections close asynchronously: wait until five fit and a sixth does not
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    for (KafkaWireClient c : open) {
                        c.close();
                    }
                    open.clear();
                    for (int i = 0; i < 5; i++) {
                        KafkaWireClient c = answered(broker.bootstrap());
                        assertTrue(c != null, "connection " + (i + 1) + " of 5 refused");
                        open.add(c);
                    }
                });
                try (KafkaWireClient sixth = new KafkaWireClient(broker.bootstrap())) {
                    assertTrue(refused(sixth), "a sixth connection must be closed");
                }
            } finally {
                for (KafkaWireClient c : open) {
                    c.close();
                }
            }
        }
    }

    // an override for the client's address replaces the per-address limit
    @Test
    @Timeout(60)
    void overrideForTheAddressReplacesTheLimit() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of("max.connections.per.ip", "1",
                "max.connections.per.ip.overrides", "127.0.0.1:2"));
                KafkaWireClient first = new KafkaWireClient(broker.bootstrap());
                KafkaWireClient second = new KafkaWireClient(broker.bootstrap());
                KafkaWireClient third = new KafkaWireClient(broker.bootstrap())) {
            assertEquals(0, apiVersions(first).errorCode());
            assertEquals(0, apiVersions(second).errorCode());
            assertTrue(refused(third));
        }
    }

    // at max.connections a new connection waits (not refused) and is served once another closes; the
    // inter-broker listener is never held back
    @Test
    @Timeout(60)
    void atMaxConnectionsNewConnectionsWaitForAFreeSlot() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, withInternalListener(Map.of("max.connections", "2")))) {
            KafkaWireClient first = new KafkaWireClient(broker.bootstrap());
            try (KafkaWireClient second = new KafkaWireClient(broker.bootstrap())) {
                assertEquals(0, apiVersions(first).errorCode());
                assertEquals(0, apiVersions(second).errorCode());
                try (KafkaWireClient waiting = new KafkaWireClient(broker.bootstrap())) {
                    waiting.socket().setSoTimeout(1_000);
                    int correlation = waiting.send(ApiKey.API_VERSIONS, (short) 3, versionsRequest());
                    assertThrows(SocketTimeoutException.class, waiting::receiveFrame, "served beyond max.connections");
                    try (KafkaWireClient internal = new KafkaWireClient(broker.bootstrap("INTERNAL"))) {
                        assertEquals(0, apiVersions(internal).errorCode());
                    }
                    first.close();
                    waiting.socket().setSoTimeout(10_000);
                    ApiVersionsResponse r = (ApiVersionsResponse) waiting.receive(ApiKey.API_VERSIONS, (short) 3, correlation);
                    assertEquals(0, r.errorCode());
                }
            }
        }
    }

    // max.connection.creation.rate spaces out new connections: 20 at 10 per second take well over a second
    @Test
    @Timeout(60)
    void creationRateSpacesOutNewConnections() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, withInternalListener(Map.of("max.connection.creation.rate", "10")))) {
            long start = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                try (KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
                    assertEquals(0, apiVersions(c).errorCode());
                }
            }
            long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            // a quiet broker lets a second's worth (10) through at once; the next 10 come at 10 per second
            assertTrue(elapsedMs >= 800, "20 connections at 10/s took only " + elapsedMs + " ms");
        }
    }

    /**
     * A client listener beside an inter-broker one: as in Kafka, max.connections and the creation
     * rate hold back every listener but the inter-broker one.
     */
    private static Map<String, String> withInternalListener(Map<String, String> limits) {
        Map<String, String> config = new java.util.HashMap<>(limits);
        config.put("listeners", "PLAINTEXT://127.0.0.1:0,INTERNAL://127.0.0.1:0");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:PLAINTEXT");
        config.put("inter.broker.listener.name", "INTERNAL");
        return config;
    }

    private static ApiVersionsRequest versionsRequest() {
        return new ApiVersionsRequest().setClientSoftwareName("wharf-test").setClientSoftwareVersion("1");
    }

    private static ApiVersionsResponse apiVersions(KafkaWireClient c) throws IOException {
        return c.call(ApiKey.API_VERSIONS, (short) 3, versionsRequest());
    }

    /** Whether the broker closed this connection instead of answering. */
    private static boolean refused(KafkaWireClient c) {
        try {
            apiVersions(c);
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /** A new connection that got an answer, or null (closed at once) after closing it. */
    private static KafkaWireClient answered(String bootstrap) throws IOException {
        KafkaWireClient c = new KafkaWireClient(bootstrap);
        if (refused(c)) {
            c.close();
            return null;
        }
        return c;
    }

    private static Admin admin(String bootstrap) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(p);
    }
}

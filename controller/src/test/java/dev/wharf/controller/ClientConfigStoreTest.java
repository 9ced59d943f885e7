package dev.wharf.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wharf.controller.ClientEntity.Name;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** User and client-id configs in ZooKeeper: Kafka's znodes and names, followed by every broker, kept across restarts. */
class ClientConfigStoreTest {
    private static final ClientEntity ALICE = ClientEntity.user(Name.of("User alice*"));
    private static final ClientEntity ALICE_APP = new ClientEntity(Name.of("User alice*"), Name.of("app/1"));
    private static final ClientEntity DEFAULT_CLIENT = ClientEntity.clientId(Name.DEFAULT);
    private static final ClientEntity DEFAULT_USER_CLIENT = new ClientEntity(Name.DEFAULT, Name.DEFAULT);

    @TempDir
    Path dir;

    // Writes land at Kafka's paths with Kafka's sanitized names; the other broker hears each entity,
    // nested ones included; a change made straight in ZooKeeper is followed; a restart reloads all.
    @Test
    void writesKafkasZnodesAndEveryBrokerFollows() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore first = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(0, "127.0.0.1", 9092));
                ZkMetadataStore second = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(1, "127.0.0.1", 9093))) {
            first.start();
            second.start();
            Map<ClientEntity, Map<String, String>> heard = new ConcurrentHashMap<>();
            second.subscribeClientConfigs(heard::put);

            first.updateClientConfigs(ALICE_APP, put("producer_byte_rate", "1024"));
            first.updateClientConfigs(ALICE, put("consumer_byte_rate", "2048"));
            first.updateClientConfigs(DEFAULT_CLIENT, put("request_percentage", "50"));
            first.updateClientConfigs(DEFAULT_USER_CLIENT, put("producer_byte_rate", "10"));
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.size() == 4);
            assertEquals(Map.of("producer_byte_rate", "1024"), second.clientConfigs(ALICE_APP));
            assertEquals(Map.of("consumer_byte_rate", "2048"), second.clientConfigs(ALICE));
            assertEquals(Map.of("request_percentage", "50"), second.clientConfigs(DEFAULT_CLIENT));
            assertEquals(4, second.allClientConfigs().size());

            try (CuratorFramework raw = CuratorFrameworkFactory.newClient(zk.connectString(), new RetryOneTime(100))) {
                raw.start();
                assertEquals("{\"version\":1,\"config\":{\"producer_byte_rate\":\"1024\"}}",
                        text(raw.getData().forPath("/config/users/User%20alice%2A/clients/app%2F1")));
                assertEquals("{\"version\":1,\"config\":{\"request_percentage\":\"50\"}}",
                        text(raw.getData().forPath("/config/clients/<default>")));
                raw.getData().forPath("/config/users/<default>/clients/<default>");
                raw.setData().forPath("/config/users/User%20alice%2A", "{\"version\":1,\"config\":{}}".getBytes(StandardCharsets.UTF_8));
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> Map.of().equals(heard.get(ALICE)));
            // removing every key leaves no entity behind in memory
            first.updateClientConfigs(DEFAULT_CLIENT, c -> Map.of());
            await().atMost(Duration.ofSeconds(10)).until(() -> Map.of().equals(heard.get(DEFAULT_CLIENT)));
            assertEquals(2, second.allClientConfigs().size());
        }
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore again = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(0, "127.0.0.1", 9092))) {
            again.start();
            Map<ClientEntity, Map<String, String>> loaded = new HashMap<>();
            again.subscribeClientConfigs(loaded::put);
            assertEquals(Map.of(ALICE_APP, Map.of("producer_byte_rate", "1024"),
                    DEFAULT_USER_CLIENT, Map.of("producer_byte_rate", "10")), loaded);
        }
    }

    // A broker whose session expired follows the entities again under its new session.
    @Test
    void followsAgainUnderANewSession() throws Exception {
        try (EmbeddedZooKeeper zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
                ZkMetadataStore first = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(0, "127.0.0.1", 9092));
                ZkMetadataStore second = new ZkMetadataStore(zk.connectString(), 10_000, new BrokerInfo(1, "127.0.0.1", 9093))) {
            first.start();
            second.start();
            first.updateClientConfigs(ALICE, put("producer_byte_rate", "1"));
            await().atMost(Duration.ofSeconds(10)).until(() -> !second.clientConfigs(ALICE).isEmpty());
            ZkMetadataStoreTest.expireSession(zk.connectString(), second);
            first.updateClientConfigs(ALICE, put("producer_byte_rate", "2"));
            first.updateClientConfigs(DEFAULT_CLIENT, put("consumer_byte_rate", "3"));
            await().atMost(Duration.ofSeconds(20)).until(() -> Map.of("producer_byte_rate", "2").equals(second.clientConfigs(ALICE))
                    && Map.of("consumer_byte_rate", "3").equals(second.clientConfigs(DEFAULT_CLIENT)));
        }
    }

    private static java.util.function.UnaryOperator<Map<String, String>> put(String key, String value) {
        return c -> {
            c.put(key, value);
            return c;
        };
    }

    private static String text(byte[] data) {
        return new String(data, StandardCharsets.UTF_8);
    }
}

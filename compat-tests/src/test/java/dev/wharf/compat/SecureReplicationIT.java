package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.wharf.testing.TestCertificates;
import dev.wharf.testing.TestCertificates.StoreType;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication over a secured inter-broker listener: followers fetch from their leader over
 * SASL_SSL (TLS with host-name checks, then SASL/PLAIN), and nothing acknowledged with acks=all is
 * lost when the leader goes.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.SASL_HANDSHAKE, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.SASL_AUTHENTICATE})
class SecureReplicationIT {
    @TempDir
    Path dir;

    // followers join the ISR through SASL_SSL, acks=all is answered, and the records outlive their leader
    @Test
    @Timeout(180)
    void followersReplicateOverSaslSsl() throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        Map<String, String> config = new HashMap<>();
        config.put("listeners", "PLAINTEXT://127.0.0.1:{port},INTERNAL://127.0.0.1:0");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,INTERNAL:SASL_SSL");
        config.put("inter.broker.listener.name", "INTERNAL");
        config.putAll(TestCertificates.forListener("INTERNAL", certs.brokerSsl(StoreType.PKCS12)));
        config.put("listener.name.internal.sasl.enabled.mechanisms", "PLAIN");
        config.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        config.put("listener.name.internal.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule "
                + "required username=\"broker\" password=\"broker-secret\" user_broker=\"broker-secret\";");
        try (Cluster cluster = Cluster.start(dir, 3, config)) {
            cluster.createReplicatedTopic("secured", 1, Duration.ofSeconds(60));
            Map<String, Object> client = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    cluster.bootstrapServers()));
            RoundTrip.produce(client, "secured", 300); // acks=all with min.insync.replicas=2: followers must have them
            int leader = cluster.awaitLeader("secured", 0, Duration.ofSeconds(30));
            cluster.broker(leader).stop();
            int next = cluster.awaitLeader("secured", 0, Duration.ofSeconds(60));
            assertNotEquals(leader, next);
            RoundTrip.assertConsumed(client, "secured", 300);
        }
    }
}

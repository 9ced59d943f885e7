package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quotas follow the authenticated user (KIP-55): over SASL/SCRAM, with credentials stored through
 * AlterUserScramCredentials, a user's quota holds that user back and no other, and a quota for the
 * user's client id wins over the user's own.
 */
class UserQuotasIT {
    private static final String SCRAM_JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required;";

    @TempDir
    Path dir;

    private static Map<String, Object> scramClient(String bootstrap, String user, String clientId) {
        Map<String, Object> props = new HashMap<>();
        props.put("bootstrap.servers", bootstrap);
        props.put("client.id", clientId);
        props.put("security.protocol", "SASL_PLAINTEXT");
        props.put("sasl.mechanism", "SCRAM-SHA-256");
        props.put("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                + user + "\" password=\"" + user + "-secret\";");
        return props;
    }

    /** The longest throttle the broker gave a producer of {@code user} after one 30 KB record. */
    private static double throttleAfterOneRecord(String bootstrap, String user, String clientId) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(scramClient(bootstrap, user, clientId),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("quoted", new byte[30_000])).get();
            for (Map.Entry<MetricName, ? extends Metric> m : producer.metrics().entrySet()) {
                if (m.getKey().name().equals("produce-throttle-time-max") && m.getKey().group().equals("producer-metrics")) {
                    return ((Number) m.getValue().metricValue()).doubleValue();
                }
            }
            throw new AssertionError("no produce-throttle-time-max metric");
        }
    }

    // alice's quota throttles alice's producer and not bob's; her client id's own (larger) quota wins over hers
    @Test
    void aUsersQuotaAppliesToThatUserOnly() throws Exception {
        Map<String, String> config = new HashMap<>(Map.of(
                "listeners", "PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0",
                "sasl.enabled.mechanisms", "SCRAM-SHA-256",
                "listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config", SCRAM_JAAS));
        try (RunningBroker broker = new RunningBroker(dir, config);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap("PLAINTEXT")))) {
            admin.createTopics(List.of(new NewTopic("quoted", 1, (short) 1))).all().get();
            ScramCredentialInfo info = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096);
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("alice", info, "alice-secret"),
                    new UserScramCredentialUpsertion("bob", info, "bob-secret"))).all().get();
            admin.alterClientQuotas(List.of(
                    new ClientQuotaAlteration(new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, "alice")),
                            List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 1000.0))),
                    new ClientQuotaAlteration(new ClientQuotaEntity(Map.of(ClientQuotaEntity.USER, "alice",
                            ClientQuotaEntity.CLIENT_ID, "alice-bulk")),
                            List.of(new ClientQuotaAlteration.Op("producer_byte_rate", 1e9))))).all().get();
            String sasl = broker.bootstrap("SASL_PLAINTEXT");

            assertTrue(throttleAfterOneRecord(sasl, "alice", "alice-app") > 0, "alice is over her 1,000 B/s");
            assertEquals(0.0, throttleAfterOneRecord(sasl, "bob", "alice-app"), "bob has no quota");
            assertEquals(0.0, throttleAfterOneRecord(sasl, "alice", "alice-bulk"), "alice-bulk has its own quota");
        }
    }
}

package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DescribeClientQuotasRequest;
import dev.wharf.wire.message.DescribeClientQuotasResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client quotas are cluster-wide: one set through one broker is described and enforced by the other. */
@Exercises({ApiKeys.PRODUCE, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID, ApiKeys.DESCRIBE_CLIENT_QUOTAS,
        ApiKeys.ALTER_CLIENT_QUOTAS})
class ClusterQuotasIT {
    private static final int QUOTA = 256 * 1024;
    private static final int VALUE_BYTES = 4096;

    @TempDir
    Path dir;

    // A quota stored through broker 1 reaches broker 2 through ZooKeeper: broker 2 describes it, and
    // holds a producer writing to a partition it leads near that rate (ClientQuotaRatesIT measures the
    // rate closely over a longer run).
    @Test
    void aQuotaSetThroughOneBrokerAppliesOnTheOther() throws Exception {
        try (Cluster cluster = Cluster.start(dir, 2, Map.of("quota.window.num", "2"));
                Admin viaOne = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.broker(1).bootstrap()))) {
            viaOne.createTopics(List.of(new NewTopic("on-two", Map.of(0, List.of(2))))).all().get();
            viaOne.alterClientQuotas(List.of(new ClientQuotaAlteration(
                    new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, "everywhere")),
                    List.of(new ClientQuotaAlteration.Op("producer_byte_rate", (double) QUOTA))))).all().get();
            try (KafkaWireClient two = new KafkaWireClient(cluster.broker(2).bootstrap())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    DescribeClientQuotasResponse r = two.call(ApiKey.DESCRIBE_CLIENT_QUOTAS, (short) 1,
                            new DescribeClientQuotasRequest().setComponents(List.of()));
                    return r.entries().size() == 1 && r.entries().get(0).values().get(0).value() == QUOTA;
                });
            }

            AtomicReference<Exception> failure = new AtomicReference<>();
            ThrottledRate acked = new ThrottledRate();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.broker(1).bootstrap(),
                    ProducerConfig.CLIENT_ID_CONFIG, "everywhere", ProducerConfig.ACKS_CONFIG, "1",
                    ProducerConfig.BUFFER_MEMORY_CONFIG, Integer.toString(128 * 1024)),
                    new ByteArraySerializer(), new ByteArraySerializer())) {
                while (acked.elapsedMs() < 6500) {
                    producer.send(new ProducerRecord<>("on-two", new byte[VALUE_BYTES]), (md, e) -> {
                        if (e != null) {
                            failure.compareAndSet(null, e);
                        } else {
                            acked.add(VALUE_BYTES);
                        }
                    });
                }
                producer.flush();
            }
            assertEquals(null, failure.get());
            double rate = acked.bytesPerSecond(3000);
            System.out.println("rate on broker 2 " + rate + " against " + QUOTA + "; " + acked);
            assertEquals(QUOTA, rate, QUOTA * 0.25, "bytes per second acknowledged by broker 2");
        }
    }
}

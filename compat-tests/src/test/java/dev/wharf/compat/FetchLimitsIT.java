package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.FetchRequest;
import dev.wharf.wire.message.FetchResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fetch response is bounded by the request's max_bytes as Kafka bounds it (KIP-74): only the
 * first batch of the first partition with data may exceed it; after that a partition's data goes
 * in only while it fits. librdkafka rejects a larger response ("Invalid response size").
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH,
        ApiKeys.FIND_COORDINATOR, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID})
class FetchLimitsIT {
    private static final String TOPIC = "big-records";
    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 2;
    private static final int VALUE_BYTES = 900 * 1024;

    @TempDir
    Path dir;

    // three partitions of ~900 KiB records, max_bytes 1,000,000 and partition_max_bytes 20,000,000:
    // one batch comes back, not one per partition
    @Test
    @Timeout(120)
    void aResponseHoldsNoMoreThanMaxBytesBeyondItsFirstBatch() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of())) {
            produceBigRecords(broker.bootstrap());
            try (KafkaWireClient client = new KafkaWireClient(broker.bootstrap())) {
                List<FetchRequest.FetchPartition> partitions = new ArrayList<>();
                for (int p = 0; p < PARTITIONS; p++) {
                    partitions.add(new FetchRequest.FetchPartition().setPartition(p).setFetchOffset(0)
                            .setPartitionMaxBytes(20_000_000));
                }
                FetchRequest fetch = new FetchRequest().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1)
                        .setMaxBytes(1_000_000).setSessionId(0).setSessionEpoch(-1)
                        .setTopics(List.of(new FetchRequest.FetchTopic().setTopic(TOPIC).setPartitions(partitions)));

                FetchResponse response = (FetchResponse) client.call(ApiKey.FETCH, (short) 12, fetch);

                long total = 0;
                int withData = 0;
                for (FetchResponse.PartitionData pd : response.responses().get(0).partitions()) {
                    assertEquals(Errors.NONE.code(), pd.errorCode());
                    assertEquals(PER_PARTITION, pd.highWatermark());
                    total += pd.records().sizeInBytes();
                    withData += pd.records().sizeInBytes() > 0 ? 1 : 0;
                }
                assertEquals(1, withData, "only the first partition's first batch may exceed max_bytes");
                // at most max_bytes: Wharf sends whole batches only, Kafka may fill up with a partial one that clients drop
                assertTrue(total > VALUE_BYTES && total <= 1_000_000, "records in the response: " + total);
            }
        }
    }

    // the librdkafka settings of the report: every record comes back, none refused as too large
    @Test
    @Timeout(180)
    void librdkafkaWithASmallFetchMaxBytesReadsEveryPartition() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of())) {
            produceBigRecords(broker.bootstrap());
            String out = kcat("-b", broker.bootstrap(), "-C", "-t", TOPIC, "-o", "beginning", "-e", "-q",
                    "-X", "fetch.max.bytes=1000000", "-X", "max.partition.fetch.bytes=20000000",
                    "-X", "receive.message.max.bytes=1000512", "-f", "%p|%o|%S\\n");
            List<String> lines = out.lines().filter(l -> l.matches("\\d+\\|\\d+\\|\\d+")).sorted().toList();
            List<String> expected = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                for (int o = 0; o < PER_PARTITION; o++) {
                    expected.add(p + "|" + o + "|" + VALUE_BYTES);
                }
            }
            assertEquals(expected, lines, out.length() > 2000 ? out.substring(0, 2000) : out);
        }
    }

    private static void produceBigRecords(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 2 << 20);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            byte[] value = new byte[VALUE_BYTES];
            Arrays.fill(value, (byte) 'x');
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < PER_PARTITION; i++) {
                    // one record per batch: each send waits for the previous one
                    producer.send(new ProducerRecord<>(TOPIC, p, null, value)).get(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static String kcat(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kcat"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("kcat did not finish:\n" + out);
        }
        assertEquals(0, p.exitValue(), "kcat failed:\n" + (out.length() > 2000 ? out.substring(0, 2000) : out));
        return out;
    }
}

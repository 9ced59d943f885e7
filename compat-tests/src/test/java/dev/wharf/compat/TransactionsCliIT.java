package dev.wharf.compat;

import static dev.wharf.compat.TxnClients.READ_COMMITTED;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.testing.ProduceBatch;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.InitProducerIdRequest;
import dev.wharf.wire.message.InitProducerIdResponse;
import dev.wharf.wire.message.ProduceResponse;
import dev.wharf.wire.message.WriteTxnMarkersRequest;
import dev.wharf.wire.message.WriteTxnMarkersResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kafka-transactions} (kafka-tools 4.4.0) against Wharf: list, describe and
 * describe-producers show an open transaction as Kafka's coordinator and leader would; a
 * transaction no coordinator knows (a hand-made transactional batch) is found by find-hanging and
 * ended by abort, after which read_committed consumers move past it. Also WriteTxnMarkers for a
 * partition that does not exist.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.FIND_COORDINATOR, ApiKeys.CREATE_TOPICS,
        ApiKeys.INIT_PRODUCER_ID, ApiKeys.ADD_OFFSETS_TO_TXN, ApiKeys.END_TXN, ApiKeys.WRITE_TXN_MARKERS,
        ApiKeys.TXN_OFFSET_COMMIT, ApiKeys.DESCRIBE_PRODUCERS, ApiKeys.DESCRIBE_TRANSACTIONS,
        ApiKeys.LIST_TRANSACTIONS})
class TransactionsCliIT {
    private static final String TOOL = "org.apache.kafka.tools.TransactionsCommand";

    @TempDir
    static Path dir;

    private static RunningBroker broker;

    @BeforeAll
    static void start() throws Exception {
        // verification off, as in Kafka's own tests of hanging transactions: otherwise the leader
        // refuses the stray transactional batch this test needs
        broker = new RunningBroker(dir, Map.of("auto.create.topics.enable", "false",
                "transaction.partition.verification.enable", "false"));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("cli", 1, (short) 1), new NewTopic("cli-hang", 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private static String tool(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--bootstrap-server", broker.bootstrap()));
        all.addAll(List.of(args));
        KafkaTool.Result r = KafkaTool.run(TOOL, null, all.toArray(String[]::new));
        assertEquals(0, r.exitCode(), r.output());
        return r.output();
    }

    // An open transaction as the tools show it: listed Ongoing, described with its partition, and
    // the partition's leader reports the producer with the transaction's first offset.
    @Test
    void listDescribeAndDescribeProducersShowAnOpenTransaction() throws Exception {
        try (TxnClients.TxProducer p = TxnClients.transactional(broker.bootstrap(), "cli-tx", Map.of())) {
            p.initTransactions();
            p.beginTransaction();
            p.send(new ProducerRecord<>("cli", 0, "k", "v")).get();
            String listed = tool("list");
            assertTrue(listed.lines().anyMatch(l -> l.contains("cli-tx") && l.contains("Ongoing")), listed);
            String described = tool("describe", "--transactional-id", "cli-tx");
            assertTrue(described.contains("Ongoing") && described.contains("cli-0"), described);
            String producers = tool("describe-producers", "--topic", "cli", "--partition", "0");
            // ProducerId ProducerEpoch LatestCoordinatorEpoch LastSequence LastTimestamp CurrentTransactionStartOffset
            assertTrue(producers.lines().map(l -> l.trim().split("\\s+")).anyMatch(f -> f.length == 6
                    && f[0].matches("\\d+") && f[3].equals("0") && f[5].equals("0")), producers);
            p.commitTransaction();
        }
        String after = tool("describe", "--transactional-id", "cli-tx");
        assertTrue(after.contains("CompleteCommit") || after.contains("Empty"), after);
    }

    // A transactional batch whose producer has no coordinator hangs the partition for read_committed
    // readers; find-hanging names it and abort (WriteTxnMarkers from the tool) ends it.
    @Test
    void findHangingAndAbort() throws Exception {
        long producerId;
        try (KafkaWireClient client = new KafkaWireClient(broker.bootstrap())) {
            InitProducerIdResponse init = client.call(ApiKey.INIT_PRODUCER_ID, (short) 4,
                    new InitProducerIdRequest().setTransactionalId(null).setTransactionTimeoutMs(60_000)
                            .setProducerId(-1).setProducerEpoch((short) -1));
            producerId = init.producerId();
            // a transactional id in the request, as Kafka refuses transactional records without one
            ProduceResponse produced = client.call(ApiKey.PRODUCE, (short) 9, ProduceBatch.request("cli-hang", null, 0,
                    ProduceBatch.create().producer(producerId, (short) 0, 0).transactional().value("hanging").build())
                    .setTransactionalId("cli-hang-txn"));
            assertEquals(0, produced.responses().get(0).partitionResponses().get(0).errorCode());
            WriteTxnMarkersResponse missing = client.call(ApiKey.WRITE_TXN_MARKERS, (short) 1, new WriteTxnMarkersRequest()
                    .setMarkers(List.of(new WriteTxnMarkersRequest.WritableTxnMarker().setProducerId(producerId)
                            .setProducerEpoch((short) 0).setTransactionResult(false).setCoordinatorEpoch(0)
                            .setTopics(List.of(new WriteTxnMarkersRequest.WritableTxnMarkerTopic().setName("no-such-topic")
                                    .setPartitionIndexes(List.of(0)))))));
            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(),
                    missing.markers().get(0).topics().get(0).partitions().get(0).errorCode());
        }
        TopicPartition tp = new TopicPartition("cli-hang", 0);
        try (KafkaConsumer<String, String> c = TxnClients.consumer(broker.bootstrap(), READ_COMMITTED)) {
            assertEquals(0L, c.endOffsets(Set.of(tp), Duration.ofSeconds(10)).get(tp), "held at the open transaction");
        }
        String hanging = tool("find-hanging", "--broker-id", "0", "--max-transaction-timeout", "0");
        assertTrue(hanging.contains("cli-hang") && hanging.contains(Long.toString(producerId)), hanging);
        String aborted = tool("abort", "--topic", "cli-hang", "--partition", "0", "--start-offset", "0");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            try (KafkaConsumer<String, String> c = TxnClients.consumer(broker.bootstrap(), READ_COMMITTED)) {
                assertEquals(2L, c.endOffsets(Set.of(tp), Duration.ofSeconds(10)).get(tp), aborted);
            }
        });
        try (KafkaConsumer<String, String> c = TxnClients.consumer(broker.bootstrap(), READ_COMMITTED)) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            assertEquals(List.of(), TxnClients.values(TxnClients.readToEnd(c, List.of(tp))), "the aborted record stays hidden");
        }
        String after = tool("find-hanging", "--broker-id", "0", "--max-transaction-timeout", "0");
        assertTrue(!after.contains("cli-hang"), after);
    }
}

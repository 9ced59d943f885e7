package dev.wharf.compat;

import static dev.wharf.compat.TxnClients.READ_COMMITTED;
import static dev.wharf.compat.TxnClients.READ_UNCOMMITTED;
import static dev.wharf.compat.TxnClients.WAIT;
import static dev.wharf.compat.TxnClients.awaitStable;
import static dev.wharf.compat.TxnClients.consumer;
import static dev.wharf.compat.TxnClients.partitions;
import static dev.wharf.compat.TxnClients.readOnTo;
import static dev.wharf.compat.TxnClients.readToEnd;
import static dev.wharf.compat.TxnClients.transactional;
import static dev.wharf.compat.TxnClients.values;
import static dev.wharf.compat.TxnClients.valuesByPartition;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.compat.TxnClients.TxProducer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.FinalizedVersionRange;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTxnStateException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions as kafka-clients 4.4.0 uses them, against one broker shared by the class (each test
 * has its own topics and transactional ids): commit and abort across partitions, read_committed
 * stopping at an open transaction, fencing by a newer producer, consume-transform-produce with
 * offsets in the transaction, the broker aborting a transaction past its timeout, and Kafka's error
 * for a timeout above the broker's maximum.
 * <p>
 * The broker finalizes {@code transaction.version} 2, as a new Kafka 4 cluster does, so these 4.4
 * clients speak transaction version 2 (KIP-890: no AddPartitionsToTxn, an epoch bump per
 * transaction); {@link TransactionsV1IT} runs the same tests with the broker at version 1.
 */
@Exercises({ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH,
        ApiKeys.FIND_COORDINATOR, ApiKeys.API_VERSIONS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.ADD_OFFSETS_TO_TXN, ApiKeys.END_TXN, ApiKeys.WRITE_TXN_MARKERS, ApiKeys.TXN_OFFSET_COMMIT})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransactionsIT {
    /** Above it, InitProducerId answers INVALID_TRANSACTION_TIMEOUT. */
    private static final int MAX_TIMEOUT_MS = 60_000;
    private static final Map<String, String> BROKER = Map.of(
            "group.initial.rebalance.delay.ms", "0",
            "offsets.topic.num.partitions", "5",
            "transaction.max.timeout.ms", Integer.toString(MAX_TIMEOUT_MS),
            // so a timed-out transaction is found within half a second, not Kafka's default 10 s
            "transaction.abort.timed.out.transaction.cleanup.interval.ms", "500");
    private static final long BASE_TIME = 1_700_000_000_000L;

    /** A suffix for names on an external broker, where transactional ids of earlier runs live on. */
    private static final long RUN = System.currentTimeMillis();

    @TempDir
    static Path dir;

    private static RunningBroker broker;
    private static String bootstrap;
    private static Admin admin;
    /**
     * The transaction protocol the clients use: 2 (KIP-890) only if the broker finalizes the
     * {@code transaction.version} feature at 2 or more, as Apache Kafka 4.x and Wharf do by default.
     * Fenced and timed-out producers see different exceptions under each.
     */
    private static boolean tv2;

    /** The {@code transaction.version} the broker finalizes. */
    protected int transactionVersion() {
        return 2;
    }

    @BeforeAll
    void start() throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(BROKER);
        settings.put("transaction.version", Integer.toString(transactionVersion()));
        broker = new RunningBroker(dir, settings);
        bootstrap = broker.bootstrap();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        FinalizedVersionRange tv = admin.describeFeatures().featureMetadata().get().finalizedFeatures().get("transaction.version");
        tv2 = tv != null && tv.maxVersionLevel() >= 2;
    }

    @AfterAll
    void stop() throws Exception {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static List<TopicPartition> createTopic(String name, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        return partitions(name, partitions);
    }

    private static String bootstrap() {
        return bootstrap;
    }

    /** A topic, transactional id or group name, unique per run against an external broker that may have older ones. */
    private static String name(String base) {
        return ExternalBroker.active() ? base + "-" + RUN : base;
    }

    // A committed transaction across partitions is read by read_committed consumers exactly once, in order, with
    // keys, headers and timestamps intact; the commit marker takes one offset, and positions and committed offsets
    // end after it.
    @Test
    @Timeout(90)
    void committedTransactionIsReadOnceInOrderWithKeysHeadersAndTimestamps() throws Exception {
        String topic = name("tx-commit");
        List<TopicPartition> tps = createTopic(topic, 2);
        int n = 20;
        try (TxProducer producer = transactional(bootstrap(), name("tx-commit-producer"), Map.of())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < n; i++) {
                List<Header> headers = List.of(new RecordHeader("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8)),
                        new RecordHeader("empty", new byte[0]));
                producer.send(new ProducerRecord<>(topic, i % 2, BASE_TIME + i, "k" + i, "v" + i, headers));
            }
            producer.commitTransaction();
        }
        Map<TopicPartition, Long> stable = awaitStable(bootstrap(), tps);
        for (TopicPartition tp : tps) {
            assertEquals(n / 2 + 1, stable.get(tp), tp + ": " + n / 2 + " records and one commit marker");
        }

        try (KafkaConsumer<String, String> consumer = consumer(bootstrap(), READ_COMMITTED,
                Map.of(ConsumerConfig.GROUP_ID_CONFIG, name("tx-commit-group")))) {
            List<ConsumerRecord<String, String>> got = readToEnd(consumer, tps);
            assertEquals(n, got.size(), () -> "read " + values(got));
            Map<Integer, Integer> nextOffset = new HashMap<>();
            Map<Integer, Integer> nextIndex = new HashMap<>(Map.of(0, 0, 1, 1));
            for (ConsumerRecord<String, String> r : got) {
                int i = nextIndex.merge(r.partition(), 2, Integer::sum) - 2;
                int offset = nextOffset.merge(r.partition(), 1, Integer::sum) - 1;
                String where = "partition " + r.partition() + " offset " + r.offset();
                assertEquals(offset, r.offset(), where);
                assertEquals("k" + i, r.key(), where);
                assertEquals("v" + i, r.value(), where);
                assertEquals(BASE_TIME + i, r.timestamp(), where);
                assertEquals(TimestampType.CREATE_TIME, r.timestampType(), where);
                Header[] headers = r.headers().toArray();
                assertEquals(2, headers.length, where);
                assertEquals("seq", headers[0].key(), where);
                assertArrayEquals(Integer.toString(i).getBytes(StandardCharsets.UTF_8), headers[0].value(), where);
                assertEquals("empty", headers[1].key(), where);
                assertArrayEquals(new byte[0], headers[1].value(), where);
            }
            // the position passes the marker: nothing is left to read, and a commit records the end
            for (TopicPartition tp : tps) {
                assertEquals(stable.get(tp), consumer.position(tp), tp.toString());
            }
            assertEquals(stable, consumer.endOffsets(tps));
            consumer.commitSync();
            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(tps));
            for (TopicPartition tp : tps) {
                assertEquals(stable.get(tp), committed.get(tp).offset(), tp.toString());
            }
        }
    }

    // Records of an aborted transaction never reach read_committed consumers but do reach read_uncommitted ones;
    // the filtering is per producer, so a committed transaction interleaved on the same partition survives, and a
    // later transaction of the producer that aborted is seen.
    @Test
    @Timeout(90)
    void abortedRecordsAreHiddenFromReadCommittedOnly() throws Exception {
        String topic = name("tx-abort");
        List<TopicPartition> tps = createTopic(topic, 2);
        try (TxProducer a = transactional(bootstrap(), name("tx-abort-a"), Map.of());
                TxProducer b = transactional(bootstrap(), name("tx-abort-b"), Map.of())) {
            a.initTransactions();
            b.initTransactions();
            // a transaction over both partitions, aborted
            a.beginTransaction();
            for (int i = 0; i < 6; i++) {
                a.send(new ProducerRecord<>(topic, i % 2, "a", "a-aborted-" + i));
            }
            a.flush();
            a.abortTransaction();

            // a and b interleave on partition 0; a aborts, b commits
            a.beginTransaction();
            b.beginTransaction();
            for (int i = 0; i < 4; i++) {
                a.send(new ProducerRecord<>(topic, 0, "a", "a-interleaved-" + i)).get();
                b.send(new ProducerRecord<>(topic, 0, "b", "b-interleaved-" + i)).get();
            }
            a.abortTransaction();
            b.commitTransaction();

            // the producer that aborted twice commits the next one on the same partitions
            a.beginTransaction();
            for (int i = 0; i < 4; i++) {
                a.send(new ProducerRecord<>(topic, i % 2, "a", "a-later-" + i));
            }
            a.commitTransaction();
        }
        awaitStable(bootstrap(), tps);

        try (KafkaConsumer<String, String> committed = consumer(bootstrap(), READ_COMMITTED)) {
            assertEquals(Map.of(
                    0, List.of("b-interleaved-0", "b-interleaved-1", "b-interleaved-2", "b-interleaved-3", "a-later-0", "a-later-2"),
                    1, List.of("a-later-1", "a-later-3")),
                    valuesByPartition(readToEnd(committed, tps)));
        }
        try (KafkaConsumer<String, String> uncommitted = consumer(bootstrap(), READ_UNCOMMITTED)) {
            assertEquals(Map.of(
                    0, List.of("a-aborted-0", "a-aborted-2", "a-aborted-4",
                            "a-interleaved-0", "b-interleaved-0", "a-interleaved-1", "b-interleaved-1",
                            "a-interleaved-2", "b-interleaved-2", "a-interleaved-3", "b-interleaved-3",
                            "a-later-0", "a-later-2"),
                    1, List.of("a-aborted-1", "a-aborted-3", "a-aborted-5", "a-later-1", "a-later-3")),
                    valuesByPartition(readToEnd(uncommitted, tps)));
        }
    }

    // Transaction version 2: a commit bumps the epoch and is answered before its markers are written, so
    // the next transaction's abort (its records never sent) can reach the coordinator while the commit
    // is still completing. That abort waits (CONCURRENT_TRANSACTIONS, retried by the client) instead of
    // fencing its own producer (KAFKA-18464: ProducerFencedException is fatal, so it fails this test);
    // committed rounds are read once, aborted ones never.
    @Test
    @Timeout(90)
    void anAbortRightAfterACommitDoesNotFenceItsProducer() throws Exception {
        String topic = name("tx-abort-after-commit");
        List<TopicPartition> tps = createTopic(topic, 1);
        List<String> committedValues = new ArrayList<>();
        try (TxProducer p = transactional(bootstrap(), name("tx-abort-after-commit"), Map.of())) {
            p.initTransactions();
            for (int round = 0; round < 60; round++) {
                p.beginTransaction();
                for (int i = 0; i < 20; i++) {
                    p.send(new ProducerRecord<>(topic, 0, null, "r" + round + "-" + i));
                }
                if (round % 2 == 0) {
                    p.abortTransaction(); // most records still unsent: dropped by the client
                    continue;
                }
                try {
                    p.commitTransaction();
                } catch (org.apache.kafka.common.errors.InvalidProducerEpochException abortable) {
                    // KIP-588: abortable, as an application handles it (seen rarely on a loaded machine, when
                    // a batch of the aborted round reaches its leader after that abort's epoch bump)
                    p.abortTransaction();
                    continue;
                }
                for (int i = 0; i < 20; i++) {
                    committedValues.add("r" + round + "-" + i);
                }
            }
        }
        awaitStable(bootstrap(), tps);
        try (KafkaConsumer<String, String> committed = consumer(bootstrap(), READ_COMMITTED)) {
            assertEquals(committedValues, values(readToEnd(committed, tps)));
        }
    }

    // While a transaction is open, read_committed consumers stop before its first record (end offsets included),
    // read_uncommitted consumers see its records at once, and the commit releases them to read_committed.
    @Test
    @Timeout(90)
    void readCommittedStopsAtTheOpenTransaction() throws Exception {
        String topic = name("tx-open");
        List<TopicPartition> tps = createTopic(topic, 1);
        TopicPartition tp = tps.get(0);
        try (TxProducer producer = transactional(bootstrap(), name("tx-open-producer"), Map.of());
                KafkaConsumer<String, String> committed = consumer(bootstrap(), READ_COMMITTED);
                KafkaConsumer<String, String> uncommitted = consumer(bootstrap(), READ_UNCOMMITTED)) {
            producer.initTransactions();
            producer.beginTransaction();
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k", "committed-" + i));
            }
            producer.commitTransaction();

            producer.beginTransaction();
            List<Future<RecordMetadata>> open = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                open.add(producer.send(new ProducerRecord<>(topic, 0, "k", "open-" + i)));
            }
            producer.flush();
            long firstOpen = open.get(0).get().offset();
            long lastOpen = open.get(2).get().offset();
            assertEquals(6, firstOpen, "5 committed records and their marker come first");

            // ListOffsets(LATEST, read_committed) is the last stable offset: the open transaction's first offset
            assertEquals(Map.of(tp, firstOpen), committed.endOffsets(tps));
            assertEquals(Map.of(tp, lastOpen + 1), uncommitted.endOffsets(tps));

            List<ConsumerRecord<String, String>> before = readToEnd(committed, tps);
            assertEquals(List.of("committed-0", "committed-1", "committed-2", "committed-3", "committed-4"), values(before));
            // and it stays there for as long as the transaction is open
            await().pollInSameThread().pollDelay(Duration.ZERO).during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> committed.poll(TxnClients.POLL).isEmpty() && committed.position(tp) == firstOpen);

            List<String> seen = values(readToEnd(uncommitted, tps));
            assertEquals(List.of("committed-0", "committed-1", "committed-2", "committed-3", "committed-4",
                    "open-0", "open-1", "open-2"), seen);

            producer.commitTransaction();
            Map<TopicPartition, Long> stable = awaitStable(bootstrap(), tps);
            assertEquals(lastOpen + 2, stable.get(tp), "the open records and the commit marker");
            assertEquals(List.of("open-0", "open-1", "open-2"), values(readOnTo(committed, stable)));
        }
    }

    // A second producer with the same transactional.id fences the first: the first's next send and its commit fail
    // with ProducerFencedException, its open transaction is aborted, and only the new producer's records count.
    @Test
    @Timeout(90)
    void newerProducerFencesTheOldAndAbortsItsTransaction() throws Exception {
        String topic = name("tx-fence");
        List<TopicPartition> tps = createTopic(topic, 2);
        String id = name("tx-fence-id");
        try (TxProducer old = transactional(bootstrap(), id, Map.of());
                TxProducer newer = transactional(bootstrap(), id, Map.of())) {
            old.initTransactions();
            old.beginTransaction();
            old.send(new ProducerRecord<>(topic, 0, "old", "old-0")).get();

            newer.initTransactions(); // bumps the epoch and aborts old's transaction

            // a send to a partition not yet in the transaction needs AddPartitionsToTxn, which the coordinator refuses
            Future<RecordMetadata> late = old.send(new ProducerRecord<>(topic, 1, "old", "old-1"));
            ExecutionException sendFailure = assertThrows(ExecutionException.class, () -> late.get());
            // transaction version 2 (no AddPartitionsToTxn: the produce itself meets the new epoch) reports the stale
            // epoch as it is, for the send and then for the commit
            Class<? extends KafkaException> fenced = tv2 ? InvalidProducerEpochException.class : ProducerFencedException.class;
            assertInstanceOf(fenced, sendFailure.getCause(), sendFailure.toString());
            assertThrows(fenced, old::commitTransaction);

            newer.beginTransaction();
            newer.send(new ProducerRecord<>(topic, 0, "newer", "newer-0"));
            newer.send(new ProducerRecord<>(topic, 1, "newer", "newer-1"));
            newer.commitTransaction();
        }
        awaitStable(bootstrap(), tps);
        try (KafkaConsumer<String, String> committed = consumer(bootstrap(), READ_COMMITTED)) {
            assertEquals(Map.of(0, List.of("newer-0"), 1, List.of("newer-1")), valuesByPartition(readToEnd(committed, tps)));
        }
        try (KafkaConsumer<String, String> uncommitted = consumer(bootstrap(), READ_UNCOMMITTED)) {
            assertEquals(Map.of(0, List.of("old-0", "newer-0"), 1, List.of("newer-1")),
                    valuesByPartition(readToEnd(uncommitted, tps)));
        }
    }

    // Consume-transform-produce with the group's offsets in the transaction: an aborted batch leaves neither output
    // nor offsets behind, and in the end every input record has exactly one output record, in order, and the group's
    // committed offsets are the input's end offsets.
    @Test
    @Timeout(120)
    void consumeTransformProduceIsExactlyOnce() throws Exception {
        int n = 200;
        String input = name("ctp-in");
        String output = name("ctp-out");
        String group = name("ctp-group");
        List<TopicPartition> in = createTopic(input, 2);
        List<TopicPartition> out = createTopic(output, 2);
        try (TxProducer plain = TxnClients.plain(bootstrap())) {
            for (int i = 0; i < n; i++) {
                plain.send(new ProducerRecord<>(input, i % 2, "k" + i, "v" + i));
            }
            plain.flush();
        }
        Map<TopicPartition, Long> inputEnd = Map.of(in.get(0), (long) n / 2, in.get(1), (long) n / 2);

        int abortAt = 3; // the third non-empty batch is aborted
        int[] batches = {0};
        boolean[] aborted = {false};
        Map<TopicPartition, Long> done = new HashMap<>(); // input offsets whose output is committed
        try (TxProducer producer = transactional(bootstrap(), name("ctp-tx"), Map.of());
                KafkaConsumer<String, String> consumer = consumer(bootstrap(), READ_COMMITTED, Map.of(
                        ConsumerConfig.GROUP_ID_CONFIG, group,
                        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "30",
                        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000",
                        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500"))) {
            producer.initTransactions();
            consumer.subscribe(List.of(input));
            await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(Duration.ofSeconds(60))
                    .until(() -> {
                        ConsumerRecords<String, String> records = consumer.poll(TxnClients.POLL);
                        if (records.isEmpty()) {
                            return done.equals(inputEnd);
                        }
                        batches[0]++;
                        producer.beginTransaction();
                        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                        for (ConsumerRecord<String, String> r : records) {
                            producer.send(new ProducerRecord<>(output, r.partition(), r.key(), r.value().toUpperCase()));
                            offsets.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
                        }
                        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
                        if (batches[0] == abortAt) {
                            producer.flush(); // else abortTransaction may drop the records before they are sent
                            producer.abortTransaction();
                            aborted[0] = true;
                            // as a real application does: go back to the last committed offsets and redo the batch
                            Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(consumer.assignment());
                            for (TopicPartition tp : consumer.assignment()) {
                                OffsetAndMetadata c = committed.get(tp);
                                assertEquals(done.get(tp), c == null ? null : c.offset(), "aborted offsets must not be committed: " + tp);
                                if (c == null) {
                                    consumer.seekToBeginning(List.of(tp));
                                } else {
                                    consumer.seek(tp, c.offset());
                                }
                            }
                        } else {
                            producer.commitTransaction();
                            offsets.forEach((tp, o) -> done.put(tp, o.offset()));
                        }
                        return false;
                    });
            assertTrue(aborted[0], "a batch was aborted (" + batches[0] + " batches)");
        }

        // the last commit's offsets are pending until its marker reaches __consumer_offsets: require_stable waits for it
        Map<TopicPartition, Long> groupPositions = new HashMap<>();
        ListConsumerGroupOffsetsOptions stable = new ListConsumerGroupOffsetsOptions().requireStable(true);
        await().pollDelay(Duration.ZERO).pollInterval(TxnClients.POLL).atMost(WAIT).untilAsserted(() -> {
            groupPositions.clear();
            admin.listConsumerGroupOffsets(group, stable).partitionsToOffsetAndMetadata().get()
                    .forEach((tp, o) -> groupPositions.put(tp, o.offset()));
            assertEquals(inputEnd, groupPositions);
        });

        awaitStable(bootstrap(), out);
        Map<Integer, List<String>> expected = new HashMap<>();
        for (int i = 0; i < n; i++) {
            expected.computeIfAbsent(i % 2, p -> new ArrayList<>()).add("V" + i);
        }
        try (KafkaConsumer<String, String> committed = consumer(bootstrap(), READ_COMMITTED)) {
            assertEquals(expected, valuesByPartition(readToEnd(committed, out)));
        }
        try (KafkaConsumer<String, String> uncommitted = consumer(bootstrap(), READ_UNCOMMITTED)) {
            int written = readToEnd(uncommitted, out).size();
            assertTrue(written > n, "the aborted batch's output is in the log (" + written + " records), only hidden");
        }
    }

    // A transaction left open past its transaction.timeout.ms is aborted by the broker: read_committed moves past it
    // without ever showing its records, the stalled producer's commit fails as fenced, and the id can be used again.
    @Test
    @Timeout(90)
    void transactionPastItsTimeoutIsAbortedByTheBroker() throws Exception {
        String topic = name("tx-timeout");
        List<TopicPartition> tps = createTopic(topic, 1);
        TopicPartition tp = tps.get(0);
        int timeoutMs = 2000;
        long lastStalled;
        String id = name("tx-timeout-id");
        try (TxProducer stalled = transactional(bootstrap(), id,
                Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(timeoutMs)));
                KafkaConsumer<String, String> committed = consumer(bootstrap(), READ_COMMITTED)) {
            stalled.initTransactions();
            stalled.beginTransaction();
            long opened = System.nanoTime();
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                sent.add(stalled.send(new ProducerRecord<>(topic, 0, "k", "stalled-" + i)));
            }
            stalled.flush();
            lastStalled = sent.get(2).get().offset();

            // the producer does nothing more; the broker's abort marker moves the last stable offset past its records
            await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(100)).atMost(WAIT)
                    .until(() -> committed.endOffsets(tps).get(tp) > lastStalled);
            long abortedAfterMs = (System.nanoTime() - opened) / 1_000_000;
            assertTrue(abortedAfterMs >= timeoutMs, "aborted after " + abortedAfterMs + " ms, before the " + timeoutMs + " ms timeout");

            // transaction version 1: the coordinator bumped the epoch to abort, so the old epoch's EndTxn is fenced;
            // version 2 bumps the epoch at every end of a transaction, and the client sees INVALID_TXN_STATE
            Class<? extends KafkaException> commitError = tv2 ? InvalidTxnStateException.class : ProducerFencedException.class;
            assertThrows(commitError, stalled::commitTransaction);
        }
        Map<TopicPartition, Long> stable = awaitStable(bootstrap(), tps);
        assertEquals(lastStalled + 2, stable.get(tp), "the stalled records and the abort marker");
        try (KafkaConsumer<String, String> committed = consumer(bootstrap(), READ_COMMITTED)) {
            assertEquals(List.of(), values(readToEnd(committed, tps)));
        }
        try (KafkaConsumer<String, String> uncommitted = consumer(bootstrap(), READ_UNCOMMITTED)) {
            assertEquals(List.of("stalled-0", "stalled-1", "stalled-2"), values(readToEnd(uncommitted, tps)));
        }

        try (TxProducer next = transactional(bootstrap(), id, Map.of())) {
            next.initTransactions();
            next.beginTransaction();
            next.send(new ProducerRecord<>(topic, 0, "k", "next-0"));
            next.commitTransaction();
        }
        awaitStable(bootstrap(), tps);
        try (KafkaConsumer<String, String> committed = consumer(bootstrap(), READ_COMMITTED)) {
            assertEquals(List.of("next-0"), values(readToEnd(committed, tps)));
        }
    }

    // transaction.timeout.ms above the broker's transaction.max.timeout.ms is refused with Kafka's
    // INVALID_TRANSACTION_TIMEOUT (50). The 4.4 client does not throw InvalidTxnTimeoutException for it: its
    // InitProducerId handler wraps the code's message in a plain KafkaException ("Unexpected error in
    // InitProducerIdResponse; ..."), as Apache Kafka 4.4 shows, so the message identifies the code.
    @Test
    @Timeout(60)
    void timeoutAboveTheBrokerMaximumIsRefused() {
        try (TxProducer producer = transactional(bootstrap(), name("tx-too-long"),
                Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(MAX_TIMEOUT_MS + 1)))) {
            KafkaException e = assertThrows(KafkaException.class, producer::initTransactions);
            assertTrue(e.getMessage().endsWith(Errors.INVALID_TRANSACTION_TIMEOUT.message()),
                    "expected INVALID_TRANSACTION_TIMEOUT, got " + e);
        }
    }
}

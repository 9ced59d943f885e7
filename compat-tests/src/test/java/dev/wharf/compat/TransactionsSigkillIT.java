package dev.wharf.compat;

import static dev.wharf.compat.TxnClients.READ_COMMITTED;
import static dev.wharf.compat.TxnClients.READ_UNCOMMITTED;
import static dev.wharf.compat.TxnClients.awaitStable;
import static dev.wharf.compat.TxnClients.consumer;
import static dev.wharf.compat.TxnClients.partitions;
import static dev.wharf.compat.TxnClients.readToEnd;
import static dev.wharf.compat.TxnClients.transactional;
import static dev.wharf.compat.TxnClients.valuesByPartition;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.compat.TxnClients.TxProducer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker as its own process ({@link BrokerProcess}), SIGKILLed while a transaction is open right
 * after another was committed: after the restart the committed transaction is intact, the open one
 * is aborted by the coordinator once its timeout has passed (its state came back from
 * {@code __transaction_state}), and the transactional id works again.
 */
@Exercises({ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.FIND_COORDINATOR, ApiKeys.CREATE_TOPICS,
        ApiKeys.INIT_PRODUCER_ID, ApiKeys.ADD_OFFSETS_TO_TXN, ApiKeys.END_TXN, ApiKeys.TXN_OFFSET_COMMIT})
class TransactionsSigkillIT {
    private static final String TOPIC = "crash";
    private static final String TXN_ID = "crash-tx";
    private static final int PER_TRANSACTION = 10;

    @TempDir
    Path dir;

    // A committed transaction survives a SIGKILL; the transaction open at the kill is aborted after its timeout
    // by the restarted coordinator, so read_committed moves past it without showing it; the id can commit again.
    @Test
    @Timeout(180)
    void openTransactionIsAbortedAfterRestartAndCommittedOneSurvives() throws Exception {
        Map<String, String> settings = Map.of(
                "group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "5",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "500");
        int timeoutMs = 5000;
        Map<String, Object> shortTimeout = Map.of(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Integer.toString(timeoutMs));
        List<TopicPartition> tps = partitions(TOPIC, 2);
        Map<Integer, List<String>> committed = new HashMap<>();
        Map<TopicPartition, Long> lastOpen = new HashMap<>();
        long opened;
        try (BrokerProcess broker = new BrokerProcess(dir, settings)) {
            broker.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 2, (short) 1))).all().get();
            }
            TxProducer before = transactional(broker.bootstrap(), TXN_ID, shortTimeout);
            try {
                before.initTransactions();
                before.beginTransaction();
                for (int i = 0; i < PER_TRANSACTION; i++) {
                    before.send(new ProducerRecord<>(TOPIC, i % 2, "k" + i, "committed-" + i));
                    committed.computeIfAbsent(i % 2, p -> new ArrayList<>()).add("committed-" + i);
                }
                before.commitTransaction();

                before.beginTransaction();
                opened = System.nanoTime();
                List<Future<RecordMetadata>> open = new ArrayList<>();
                for (int i = 0; i < PER_TRANSACTION; i++) {
                    open.add(before.send(new ProducerRecord<>(TOPIC, i % 2, "k" + i, "open-" + i)));
                }
                before.flush();
                for (Future<RecordMetadata> f : open) {
                    RecordMetadata md = f.get();
                    lastOpen.merge(new TopicPartition(TOPIC, md.partition()), md.offset(), Math::max);
                }
                broker.sigkill(); // the transaction is open: records written, no EndTxn
            } finally {
                before.close(Duration.ZERO);
            }

            broker.restart();
            // the restarted coordinator finds the transaction Ongoing and past its timeout, and aborts it
            try (KafkaConsumer<String, String> readCommitted = consumer(broker.bootstrap(), READ_COMMITTED)) {
                // generous: the killed JVM's ZooKeeper sessions (10 s) may expire before leadership settles
                await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200)).atMost(Duration.ofSeconds(60))
                        .until(() -> {
                            Map<TopicPartition, Long> end = readCommitted.endOffsets(tps);
                            return tps.stream().allMatch(tp -> end.get(tp) > lastOpen.get(tp));
                        });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("the open transaction was not aborted after the restart; broker log:\n" + broker.tail(), e);
            }
            long abortedAfterMs = (System.nanoTime() - opened) / 1_000_000;
            assertTrue(abortedAfterMs >= timeoutMs, "aborted " + abortedAfterMs + " ms after it opened, before its " + timeoutMs + " ms timeout");
            Map<TopicPartition, Long> stable = awaitStable(broker.bootstrap(), tps);
            for (TopicPartition tp : tps) {
                // the committed records, their marker, the open records, the abort marker
                assertEquals(lastOpen.get(tp) + 2, stable.get(tp), tp.toString());
            }
            try (KafkaConsumer<String, String> readCommitted = consumer(broker.bootstrap(), READ_COMMITTED)) {
                assertEquals(committed, valuesByPartition(readToEnd(readCommitted, tps)));
            }
            try (KafkaConsumer<String, String> readUncommitted = consumer(broker.bootstrap(), READ_UNCOMMITTED)) {
                assertEquals(2 * PER_TRANSACTION, readToEnd(readUncommitted, tps).size(), "the aborted records are in the log");
            }

            try (TxProducer after = transactional(broker.bootstrap(), TXN_ID, shortTimeout)) {
                after.initTransactions();
                after.beginTransaction();
                for (int i = 0; i < PER_TRANSACTION; i++) {
                    after.send(new ProducerRecord<>(TOPIC, i % 2, "k" + i, "after-" + i));
                    committed.get(i % 2).add("after-" + i);
                }
                after.commitTransaction();
            }
            awaitStable(broker.bootstrap(), tps);
            try (KafkaConsumer<String, String> readCommitted = consumer(broker.bootstrap(), READ_COMMITTED)) {
                assertEquals(committed, valuesByPartition(readToEnd(readCommitted, tps)));
            }
        }
    }
}

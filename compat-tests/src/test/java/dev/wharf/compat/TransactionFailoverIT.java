package dev.wharf.compat;

import static dev.wharf.compat.TxnClients.READ_COMMITTED;
import static dev.wharf.compat.TxnClients.READ_UNCOMMITTED;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Transactions across broker failures on three brokers (RF=3, min.insync.replicas=2): a
 * transaction in flight while the leader of one of its partitions is SIGKILLed, and one in flight
 * while its coordinator is SIGKILLed. In both, what was committed is read once by read_committed
 * consumers and what was aborted never.
 */
@Exercises({ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.FIND_COORDINATOR, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.ADD_OFFSETS_TO_TXN, ApiKeys.END_TXN, ApiKeys.WRITE_TXN_MARKERS, ApiKeys.TXN_OFFSET_COMMIT,
        ApiKeys.DESCRIBE_TRANSACTIONS})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransactionFailoverIT {
    private static final Duration FAILOVER = Duration.ofSeconds(60);

    @TempDir
    static Path dir;

    private Cluster cluster;

    @BeforeAll
    void startCluster() throws Exception {
        cluster = Cluster.start(dir, 3, Map.of("unclean.leader.election.enable", "false"));
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static TxnClients.TxProducer producer(String bootstrap, String id) {
        return TxnClients.transactional(bootstrap, id, Map.of("transaction.timeout.ms", "60000",
                "delivery.timeout.ms", "120000", "max.block.ms", "120000", "request.timeout.ms", "5000"));
    }

    private List<String> readCommitted(String topic, int partitions) {
        List<TopicPartition> tps = TxnClients.partitions(topic, partitions);
        TxnClients.awaitStable(cluster.bootstrapServers(), tps);
        try (KafkaConsumer<String, String> c = TxnClients.consumer(cluster.bootstrapServers(), READ_COMMITTED)) {
            List<String> out = new ArrayList<>();
            for (ConsumerRecord<String, String> r : TxnClients.readToEnd(c, tps)) {
                out.add(r.value());
            }
            return out;
        }
    }

    // The leader of one of the transaction's partitions dies mid-transaction: the producer goes on
    // with the new leader and commits; the next transaction is aborted; read_committed consumers
    // see every committed record once and no aborted one, read_uncommitted ones see both.
    @Test
    void aTransactionSurvivesALeaderFailover() throws Exception {
        cluster.createReplicatedTopic("tx-leader", 2, FAILOVER);
        String b = cluster.bootstrapServers();
        int victim = cluster.awaitLeader("tx-leader", 0, FAILOVER);
        try (TxnClients.TxProducer p = producer(b, "tx-leader-failover")) {
            p.initTransactions();
            p.beginTransaction();
            for (int i = 0; i < 20; i++) {
                p.send(new ProducerRecord<>("tx-leader", i % 2, null, "c-" + i));
            }
            p.flush();
            cluster.broker(victim).sigkill();
            try {
                for (int i = 20; i < 40; i++) {
                    p.send(new ProducerRecord<>("tx-leader", i % 2, null, "c-" + i));
                }
                p.commitTransaction();
                p.beginTransaction();
                for (int i = 0; i < 10; i++) {
                    p.send(new ProducerRecord<>("tx-leader", i % 2, null, "a-" + i));
                }
                p.flush();
                p.abortTransaction();
            } finally {
                cluster.broker(victim).restart();
            }
        }
        List<String> committed = readCommitted("tx-leader", 2);
        assertEquals(40, committed.size(), committed.toString());
        assertEquals(40, committed.stream().distinct().count(), committed.toString());
        assertTrue(committed.stream().allMatch(v -> v.startsWith("c-")), committed.toString());
        try (KafkaConsumer<String, String> c = TxnClients.consumer(b, READ_UNCOMMITTED)) {
            assertEquals(50, TxnClients.readToEnd(c, TxnClients.partitions("tx-leader", 2)).size());
        }
        cluster.awaitRegistered(FAILOVER);
        assertTrue(cluster.awaitFullIsr("tx-leader", FAILOVER));
    }

    // The transaction's coordinator dies with the transaction open: the producer finds the new
    // coordinator (which loaded the transaction from its replica of __transaction_state) and
    // commits; a later transaction with the same id works, and an older producer stays fenced.
    @Test
    void aTransactionSurvivesACoordinatorFailover() throws Exception {
        cluster.createReplicatedTopic("tx-coord", 2, FAILOVER);
        String b = cluster.bootstrapServers();
        try (TxnClients.TxProducer p = producer(b, "tx-coord-failover")) {
            p.initTransactions();
            p.beginTransaction();
            for (int i = 0; i < 20; i++) {
                p.send(new ProducerRecord<>("tx-coord", i % 2, null, "c-" + i));
            }
            p.flush();
            TransactionDescription before = cluster.admin().describeTransactions(List.of("tx-coord-failover")).all()
                    .get(30, TimeUnit.SECONDS).get("tx-coord-failover");
            int coordinator = before.coordinatorId();
            cluster.broker(coordinator).sigkill();
            try {
                p.commitTransaction();
                TransactionDescription after = cluster.admin().describeTransactions(List.of("tx-coord-failover")).all()
                        .get(30, TimeUnit.SECONDS).get("tx-coord-failover");
                assertNotEquals(coordinator, after.coordinatorId());
                p.beginTransaction();
                p.send(new ProducerRecord<>("tx-coord", 0, null, "c-20"));
                p.commitTransaction();
            } finally {
                cluster.broker(coordinator).restart();
            }
        }
        List<String> committed = readCommitted("tx-coord", 2);
        assertEquals(21, committed.size(), committed.toString());
        assertEquals(21, committed.stream().distinct().count(), committed.toString());
        cluster.awaitRegistered(FAILOVER);
        assertTrue(cluster.awaitFullIsr("tx-coord", FAILOVER));
    }
}

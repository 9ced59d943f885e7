package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionDescription;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TransactionalIdNotFoundException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code transactional.id.expiration.ms}: an id idle that long is forgotten by its coordinator
 * (DescribeTransactions answers TRANSACTIONAL_ID_NOT_FOUND), and a producer starting with it later
 * gets a new producer id, as in Kafka. An id with a transaction open is never expired.
 */
@Exercises({ApiKeys.FIND_COORDINATOR, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID, ApiKeys.ADD_OFFSETS_TO_TXN,
        ApiKeys.END_TXN, ApiKeys.TXN_OFFSET_COMMIT, ApiKeys.DESCRIBE_TRANSACTIONS})
class TransactionalIdExpiryIT {
    @TempDir
    Path dir;

    // Idle ids go; the one whose transaction is open stays (its transaction times out first, and
    // only then, idle, does it expire).
    @Test
    void idleTransactionalIdsExpire() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of("transactional.id.expiration.ms", "1000",
                "transaction.remove.expired.transaction.cleanup.interval.ms", "200"));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("expiry", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            long firstProducerId;
            try (TxnClients.TxProducer idle = TxnClients.transactional(broker.bootstrap(), "idle-id", Map.of());
                    TxnClients.TxProducer busy = TxnClients.transactional(broker.bootstrap(), "busy-id",
                            Map.of("transaction.timeout.ms", "60000"))) {
                idle.initTransactions();
                idle.beginTransaction();
                idle.send(new ProducerRecord<>("expiry", 0, "k", "v")).get();
                idle.commitTransaction();
                firstProducerId = describe(admin, "idle-id").producerId();

                busy.initTransactions();
                busy.beginTransaction();
                busy.send(new ProducerRecord<>("expiry", 0, "k", "open")).get();

                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).untilAsserted(() -> {
                    ExecutionException e = assertThrows(ExecutionException.class, () -> describe(admin, "idle-id"));
                    assertInstanceOf(TransactionalIdNotFoundException.class, e.getCause());
                });
                // well past the expiration, the open transaction's id is still there
                assertEquals(TransactionState.ONGOING, describe(admin, "busy-id").state());
                busy.commitTransaction();
            }
            try (TxnClients.TxProducer again = TxnClients.transactional(broker.bootstrap(), "idle-id", Map.of())) {
                again.initTransactions();
                TransactionDescription fresh = describe(admin, "idle-id");
                assertNotEquals(firstProducerId, fresh.producerId());
                assertEquals(0, fresh.producerEpoch());
            }
        }
    }

    private static TransactionDescription describe(Admin admin, String id) throws Exception {
        return admin.describeTransactions(List.of(id)).all().get(10, TimeUnit.SECONDS).get(id);
    }
}

package dev.wharf.server.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.controller.ClientEntity;
import dev.wharf.controller.ClientEntity.Name;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Which quota applies to a (user, client id), in Kafka's order, and how clients share rates. */
class ClientQuotasTest {
    private final AtomicLong now = new AtomicLong();
    private final ClientQuotas quotas = new ClientQuotas(11, 1, now::get);

    private void produce(ClientEntity entity, long rate) {
        quotas.configsChanged(entity, Map.of("producer_byte_rate", Long.toString(rate)));
    }

    private double applied(String principal, String clientId) {
        OptionalDouble q = quotas.quota(QuotaKey.PRODUCER_BYTE_RATE, principal, clientId);
        return q.isPresent() ? q.getAsDouble() : -1;
    }

    // Each level of Kafka's precedence wins over every level below it, and removing it uncovers the next.
    @Test
    void resolvesInKafkasOrder() {
        ClientEntity[] byPrecedence = {
            new ClientEntity(Name.of("alice"), Name.of("app")),
            new ClientEntity(Name.of("alice"), Name.DEFAULT),
            ClientEntity.user(Name.of("alice")),
            new ClientEntity(Name.DEFAULT, Name.of("app")),
            new ClientEntity(Name.DEFAULT, Name.DEFAULT),
            ClientEntity.user(Name.DEFAULT),
            ClientEntity.clientId(Name.of("app")),
            ClientEntity.clientId(Name.DEFAULT),
        };
        for (int i = 0; i < byPrecedence.length; i++) {
            produce(byPrecedence[i], 100 + i);
        }
        for (int i = 0; i < byPrecedence.length; i++) {
            assertEquals(100 + i, applied("User:alice", "app"), "level " + i);
            quotas.configsChanged(byPrecedence[i], Map.of());
        }
        assertEquals(-1, applied("User:alice", "app"));
        assertTrue(!quotas.any());
    }

    // Quotas for other users and client ids do not apply; other config keys (SCRAM) are not quotas.
    @Test
    void othersQuotasDoNotApply() {
        produce(ClientEntity.user(Name.of("bob")), 10);
        produce(ClientEntity.clientId(Name.of("other")), 10);
        quotas.configsChanged(ClientEntity.user(Name.of("alice")), Map.of("SCRAM-SHA-256", "salt=..."));
        assertEquals(-1, applied("User:alice", "app"));
        assertEquals(0, quotas.produceThrottleMs("User:alice", "app", 1_000_000_000));
    }

    // A user's quota is shared by all its client ids; a default user quota applies to each user on its own.
    @Test
    void clientsShareTheRateOfTheEntityTheirQuotaNames() {
        produce(ClientEntity.user(Name.of("alice")), 1000);
        produce(ClientEntity.user(Name.DEFAULT), 1000);
        assertEquals(0, quotas.produceThrottleMs("User:alice", "a", 10_000));
        assertTrue(quotas.produceThrottleMs("User:alice", "b", 5_000) > 0); // same rate as client "a"
        assertEquals(0, quotas.produceThrottleMs("User:carol", "a", 10_000));
        assertEquals(0, quotas.produceThrottleMs("User:dave", "a", 10_000)); // each user its own rate
    }

    // A quota changed while a client runs applies to the rate measured so far.
    @Test
    void aChangedQuotaAppliesToTheRunningRate() {
        produce(ClientEntity.clientId(Name.of("app")), 1000);
        assertEquals(0, quotas.produceThrottleMs("User:ANONYMOUS", "app", 10_000));
        produce(ClientEntity.clientId(Name.of("app")), 500);
        assertEquals(10_000, quotas.produceThrottleMs("User:ANONYMOUS", "app", 0)); // 1,000/s against 500/s over 10 s
    }

    // The request quota counts handler time as a percentage of one thread per second; as in Kafka,
    // its throttle is at most one window (1 s here), where a byte rate's would be 10 s.
    @Test
    void requestTimeIsAPercentageOfAThread() {
        quotas.configsChanged(ClientEntity.clientId(Name.DEFAULT), Map.of("request_percentage", "10"));
        // 1 s of handling over a 10 s span is 10% of a thread: at the bound
        assertEquals(0, quotas.requestThrottleMs("User:ANONYMOUS", "app", 1_000_000_000L));
        assertEquals(1000, quotas.requestThrottleMs("User:ANONYMOUS", "app", 1_000_000_000L));
    }

    // Rates of clients gone for an hour are forgotten when new clients come, so churn does not pile up.
    @Test
    void idleRatesAreForgotten() {
        quotas.configsChanged(ClientEntity.clientId(Name.DEFAULT), Map.of("producer_byte_rate", "1000"));
        now.set(100_000);
        for (int i = 0; i < 100; i++) {
            quotas.produceThrottleMs("User:ANONYMOUS", "client-" + i, 1);
        }
        assertEquals(100, quotas.rateCount(QuotaKey.PRODUCER_BYTE_RATE));
        now.addAndGet(ClientQuotaTracker.IDLE_EXPIRY_MS + 1);
        quotas.produceThrottleMs("User:ANONYMOUS", "newcomer", 1);
        assertEquals(1, quotas.rateCount(QuotaKey.PRODUCER_BYTE_RATE));
        assertEquals(0, quotas.produceThrottleMs("User:ANONYMOUS", "client-1", 1)); // starts afresh
    }
}

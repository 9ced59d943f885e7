package dev.wharf.server.replica;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Replication throttles: the byte rate over Kafka's window, and which replicas a topic's lists throttle. */
class ReplicationQuotaTest {
    @Test
    void theRateIsMeasuredOverTheWindow() {
        AtomicLong limit = new AtomicLong(1000);
        ReplicationQuota quota = new ReplicationQuota(limit::get, 11);
        long t = 1_000_000;
        assertFalse(quota.exceeded(t));
        quota.record(9_000, t); // 9 kB over at least 10 s is 900 B/s
        assertFalse(quota.exceeded(t + 10));
        quota.record(2_000, t + 20); // 11 kB: 1100 B/s
        assertTrue(quota.exceeded(t + 30));
        // the burst ages out of the window
        assertFalse(quota.exceeded(t + 12_000));
        // a higher limit applies at once
        quota.record(11_000, t + 12_000);
        assertTrue(quota.exceeded(t + 12_001));
        limit.set(5_000);
        assertFalse(quota.exceeded(t + 12_002));
        limit.set(Long.MAX_VALUE);
        assertFalse(quota.limited());
    }

    @Test
    void topicListsNameReplicasByPartitionAndBroker() {
        assertTrue(ThrottledReplicas.listed("0:1,0:2,1:3", 0, 2));
        assertFalse(ThrottledReplicas.listed("0:1,0:2,1:3", 1, 2));
        assertTrue(ThrottledReplicas.listed(" 1:3 ", 1, 3));
        assertTrue(ThrottledReplicas.listed("*", 7, 9));
        assertFalse(ThrottledReplicas.listed("", 0, 1));
        assertFalse(ThrottledReplicas.listed(null, 0, 1));
    }
}

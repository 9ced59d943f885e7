package dev.wharf.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wharf.server.ErrorCode;
import org.junit.jupiter.api.Test;

/** FailedFetchRequestsPerSec counts a fetch partition that failed unexpectedly, as Kafka does, and no expected error. */
class TopicMetersTest {
    @Test
    void onlyUnexpectedFetchFailuresCount() {
        MetricsRegistry registry = new MetricsRegistry();
        try {
            BrokerTopicMetrics topics = new BrokerTopicMetrics(registry);
            TopicMeters t = topics.opened("t");
            assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR, t.failedFetch(ErrorCode.UNKNOWN_SERVER_ERROR));
            assertEquals(ErrorCode.KAFKA_STORAGE_ERROR, t.failedFetch(ErrorCode.KAFKA_STORAGE_ERROR));
            assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, t.failedFetch(ErrorCode.NOT_LEADER_OR_FOLLOWER));
            assertEquals(1, t.failedFetchRequests.getCount());
            assertEquals(1, topics.allTopics().failedFetchRequests.getCount());
        } finally {
            registry.close();
        }
    }
}

package dev.wharf.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KafkaMeterTest {
    // A meter counts exactly; its rates are per second, or per nanosecond for Kafka's idle meters.
    @Test
    void countsAndRates() {
        KafkaMeter m = new KafkaMeter("messages");
        m.mark(5);
        m.mark();
        assertEquals(6, m.getCount());
        assertEquals(TimeUnit.SECONDS, m.getRateUnit());
        assertEquals("messages", m.getEventType());
        assertTrue(m.getMeanRate() > 0);
        KafkaMeter idle = new KafkaMeter("percent", TimeUnit.NANOSECONDS);
        assertEquals(TimeUnit.NANOSECONDS, idle.getRateUnit());
        // idle nanoseconds per second of all threads, as a fraction: 0.25e9 ns/s is 25% idle
        assertEquals(0.25, KafkaMeter.perUnit(0.25e9, TimeUnit.NANOSECONDS), 1e-12);
        assertEquals(7.0, KafkaMeter.perUnit(7.0, TimeUnit.SECONDS), 1e-12);
    }

    // The rates follow the count as Yammer's do: the first tick sets them, later ones decay towards the new rate.
    @Test
    void ratesTickFromTheCount() {
        KafkaMeter m = new KafkaMeter("requests");
        m.mark(50);
        m.tick();
        assertEquals(10.0, m.getOneMinuteRate(), 1e-9); // 50 in 5 s
        assertEquals(10.0, m.getFifteenMinuteRate(), 1e-9);
        m.tick(); // nothing in the next 5 s
        assertEquals(10.0 * Math.exp(-5 / 60.0), m.getOneMinuteRate(), 1e-9);
        assertEquals(10.0 * Math.exp(-5 / 60.0 / 5), m.getFiveMinuteRate(), 1e-9);
        assertTrue(m.getFifteenMinuteRate() > m.getFiveMinuteRate());
        assertEquals(50, m.getCount());
    }

    // Topic meters mark the topic's meter and the all-topics one; replication goes to all topics only.
    @Test
    void topicMetersAlsoMarkAllTopics() {
        MetricsRegistry registry = new MetricsRegistry();
        try {
            BrokerTopicMetrics topics = new BrokerTopicMetrics(registry);
            TopicMeters t = topics.opened("t");
            t.appended(300, 3);
            t.fetched(200, false);
            t.fetched(50, true);
            t.replicated(70);
            assertEquals(3, t.messagesIn.getCount());
            assertEquals(300, t.bytesIn.getCount());
            assertEquals(3, topics.allTopics().messagesIn.getCount());
            assertEquals(200, topics.allTopics().bytesOut.getCount());
            assertEquals(50, topics.allTopics().replicationBytesOut.getCount());
            assertEquals(70, topics.allTopics().replicationBytesIn.getCount());
            assertEquals(2, t.totalFetchRequests.getCount());
            topics.closed("t");
            assertEquals(null, registry.get(TopicMeters.name("MessagesInPerSec", "t")));
            assertTrue(registry.get(TopicMeters.name("MessagesInPerSec", null)) != null);
        } finally {
            registry.close();
        }
    }
}

package dev.wharf.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * Several brokers' metrics in one JVM (wharf-junit's clusters): the first to show its MBeans gets
 * Kafka's names, each other one the same names with {@code broker=<id>} added; when the first
 * closes, the next broker to start showing takes Kafka's names.
 */
class SeveralBrokersTest {
    private static final MBeanServer MBEANS = ManagementFactory.getPlatformMBeanServer();
    private static final MetricName MESSAGES_IN = MetricName.of("kafka.server", "BrokerTopicMetrics", "MessagesInPerSec",
            "topic", "several-brokers");

    private static MetricsRegistry showing(int brokerId) throws InterruptedException {
        MetricsRegistry registry = new MetricsRegistry();
        registry.brokerId(brokerId);
        registry.meter(MESSAGES_IN, "messages").mark(brokerId);
        registry.showFrom(0);
        registry.awaitShown();
        return registry;
    }

    private static long count(String name) throws Exception {
        return (Long) MBEANS.getAttribute(new ObjectName(name), "Count");
    }

    @Test
    void laterBrokersShowTheirMetricsUnderTheirBrokerKey() throws Exception {
        String kafkaName = "kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec,topic=several-brokers";
        MetricsRegistry first = showing(1);
        MetricsRegistry second = null;
        MetricsRegistry third = null;
        try {
            second = showing(2);
            assertTrue(first.showsKafkaNames());
            assertFalse(second.showsKafkaNames());
            assertEquals(1, count(kafkaName)); // the first broker's, untouched by the second's
            assertEquals(2, count(kafkaName + ",broker=2"));
            assertFalse(MBEANS.isRegistered(new ObjectName(kafkaName + ",broker=1")));

            first.close();
            assertFalse(MBEANS.isRegistered(new ObjectName(kafkaName)));
            assertTrue(MBEANS.isRegistered(new ObjectName(kafkaName + ",broker=2"))); // the second keeps its names
            third = showing(3);
            assertTrue(third.showsKafkaNames()); // the names were free again
            assertEquals(3, count(kafkaName));
        } finally {
            first.close();
            if (second != null) {
                second.close();
            }
            if (third != null) {
                third.close();
            }
        }
        assertEquals(0, MBEANS.queryNames(new ObjectName("kafka.server:type=BrokerTopicMetrics,topic=several-brokers,*"), null)
                .size());
    }
}

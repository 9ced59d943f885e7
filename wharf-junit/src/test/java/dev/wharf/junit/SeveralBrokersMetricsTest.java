package dev.wharf.junit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * The metrics of a three-broker cluster in this JVM (README "Metrics", several brokers): one
 * broker's MBeans carry Kafka's names, each other broker's the same names with {@code broker=<id>}.
 */
class SeveralBrokersMetricsTest {
    @WharfBroker(brokers = 3)
    static WharfCluster cluster;

    @Test
    void oneBrokerHasKafkasNamesTheOthersTheirBrokerKey() throws Exception {
        MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
        ObjectName appInfos = new ObjectName("kafka.server:type=app-info,id=*,*");
        // registered 2 s after each broker serves
        await().atMost(Duration.ofSeconds(30)).until(() -> mbeans.queryNames(appInfos, null).size() == 3);
        Set<String> ids = new TreeSet<>();
        Set<String> keyed = new TreeSet<>();
        for (ObjectName n : mbeans.queryNames(appInfos, null)) {
            ids.add(n.getKeyProperty("id"));
            if (n.getKeyProperty("broker") != null) {
                assertEquals(n.getKeyProperty("id"), n.getKeyProperty("broker"));
                keyed.add(n.getKeyProperty("broker"));
            }
        }
        assertEquals(3, ids.size());
        assertEquals(2, keyed.size());
        assertEquals(1, mbeans.queryNames(new ObjectName("kafka.server:type=KafkaServer,name=BrokerState"), null).size());
        assertEquals(2, mbeans.queryNames(new ObjectName("kafka.server:type=KafkaServer,name=BrokerState,broker=*"), null).size());
    }
}

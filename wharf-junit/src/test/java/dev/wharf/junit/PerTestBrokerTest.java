package dev.wharf.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/**
 * A field-level broker: each test gets a cluster of its own (a new address, and none of the
 * topics an earlier test made), with the topics the annotation names already there; a parameter
 * may ask for one more.
 */
class PerTestBrokerTest {
    private static final Set<String> seenBootstraps = ConcurrentHashMap.newKeySet();

    @WharfBroker(topics = "fresh:2")
    WharfCluster cluster;

    // two runs, two clusters: the topic the first run adds is not in the second's
    @RepeatedTest(2)
    void eachTestHasItsOwnBroker() throws Exception {
        assertFalse(seenBootstraps.contains(cluster.bootstrap()), "a per-test cluster was reused");
        seenBootstraps.add(cluster.bootstrap());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrap()))) {
            Set<String> topics = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            assertEquals(Set.of("fresh"), topics);
            cluster.createTopic("added-by-a-test", 1, 1);
            assertEquals(Set.of("fresh", "added-by-a-test"), admin.listTopics().names().get(10, TimeUnit.SECONDS));
            assertEquals(2, admin.describeTopics(List.of("fresh")).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get("fresh").partitions().size());
        }
    }

    // a @WharfBroker parameter is a cluster of the test's own, with its own settings, beside the field's
    @Test
    void aParameterGetsItsOwnCluster(@WharfBroker(config = "num.partitions=4") String ownBootstrap) throws Exception {
        assertNotEquals(cluster.bootstrap(), ownBootstrap);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", ownBootstrap))) {
            assertEquals(Set.of(), admin.listTopics().names().get(10, TimeUnit.SECONDS));
            admin.createTopics(List.of(new NewTopic("defaults", Optional.empty(), Optional.empty())))
                    .all().get(10, TimeUnit.SECONDS);
            assertEquals(4, admin.describeTopics(List.of("defaults")).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get("defaults").partitions().size());
        }
    }

    @AfterAll
    static void twoClustersWereStarted() {
        assertEquals(2, seenBootstraps.size());
    }
}

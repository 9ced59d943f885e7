package dev.wharf.bench.embedded;

import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Starts Kafka's own in-process test cluster ({@code KafkaClusterTestKit}: one KRaft node acting
 * as broker and controller, storage formatted first, as Kafka's {@code @ClusterTest} does)
 * {@code args[0]} times in this JVM, timing each like {@link WharfStartProbe}. Its test settings
 * match wharf-junit's where Kafka has them: internal topics with one replica and 5 partitions,
 * no initial rebalance delay. Runs on the bench's main thread only.
 */
public final class KafkaStartProbe {
    private KafkaStartProbe() {
    }

    public static void main(String[] args) throws Exception {
        int starts = Integer.parseInt(args[0]);
        for (int i = 0; i < starts; i++) {
            long started = System.nanoTime();
            try (KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build())
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("offsets.topic.num.partitions", "5")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("transaction.state.log.num.partitions", "5")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build()) {
                cluster.format();
                cluster.startup();
                cluster.waitForReadyBrokers();
                long up = System.nanoTime();
                FirstRecord.sendAndAwaitAck(cluster.bootstrapServers());
                FirstRecord.report(started, up, System.nanoTime());
            }
        }
    }
}

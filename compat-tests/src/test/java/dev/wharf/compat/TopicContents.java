package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * A topic read back whole by a plain consumer (no group), and checked against what a
 * {@link VerifyingProducer} had acknowledged: what the fault and operations tests count after
 * the fact.
 */
final class TopicContents {
    private static final Duration READ_WITHIN = Duration.ofSeconds(60);

    private TopicContents() {}

    /** Every value of each partition, from its start to its end offset as of now (bounded in time). */
    static Map<Integer, List<String>> readAll(String bootstrap, String topic, int partitions) {
        Map<Integer, List<String>> out = new HashMap<>();
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false", ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < partitions; p++) {
                tps.add(new TopicPartition(topic, p));
                out.put(p, new ArrayList<>());
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> end = c.endOffsets(tps, Duration.ofSeconds(30));
            long deadline = System.currentTimeMillis() + READ_WITHIN.toMillis();
            while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp)) && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : c.poll(Duration.ofMillis(200))) {
                    out.get(r.partition()).add(r.value());
                }
            }
        }
        return out;
    }

    /**
     * Every acknowledged value is in the topic exactly once, and each partition's producer values
     * ({@code v<n>}, other values are passed over) rise: nothing lost, duplicated or reordered.
     */
    static void assertEveryAckedValueOnceInOrder(String bootstrap, String topic, int partitions, Set<String> acked) {
        Map<String, Integer> seen = new HashMap<>();
        readAll(bootstrap, topic, partitions).forEach((partition, values) -> {
            long last = -1;
            for (String v : values) {
                if (v.startsWith("v")) {
                    long n = Long.parseLong(v.substring(1));
                    assertTrue(n > last, "out of order or duplicated in partition " + partition + ": " + v + " after v" + last);
                    last = n;
                }
                seen.merge(v, 1, Integer::sum);
            }
        });
        List<String> lost = acked.stream().filter(v -> !seen.containsKey(v)).sorted().toList();
        assertEquals(List.of(), lost, lost.size() + " acknowledged values lost of " + acked.size());
        assertTrue(acked.size() > 0, "nothing was acknowledged");
    }
}

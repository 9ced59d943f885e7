package dev.wharf.bench.e2e;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The safety check after a failover or a rolling restart: reads a topic that {@link PacedProducer}
 * wrote from the beginning to its end offsets (as the leaders report them now, i.e. what the
 * in-sync replicas hold) and says how many of the acknowledged records are missing.
 */
final class ReadBack {
    private ReadBack() {
    }

    /** The number of records acknowledged to the producer that the topic does not hold. */
    static long lost(String bootstrap, String topic, BitSet acked, Duration bound) throws Exception {
        BitSet found = numbersIn(bootstrap, topic, bound);
        BitSet missing = (BitSet) acked.clone();
        missing.andNot(found);
        return missing.cardinality();
    }

    private static BitSet numbersIn(String bootstrap, String topic, Duration bound) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        BitSet found = new BitSet();
        long deadline = System.nanoTime() + bound.toNanos();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, bound).stream()
                    .map(i -> new TopicPartition(topic, i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, bound);
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new java.io.IOException("could not read " + topic + " to its end " + end + " within " + bound.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() != null && r.value().length >= 8) {
                        found.set((int) ByteBuffer.wrap(r.value()).getLong());
                    }
                }
            }
        }
        return found;
    }
}

package dev.wharf.compat;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * kafka-clients 4.4.0 producers and consumers for the transaction tests, with timeouts short
 * enough that a broker which never answers fails a test within a minute instead of hanging it.
 * Consumers are not thread-safe: every helper polls on the calling thread.
 */
final class TxnClients {
    static final String READ_COMMITTED = "read_committed";
    static final String READ_UNCOMMITTED = "read_uncommitted";
    /** Longest wait for anything a test waits on (records, end offsets, a broker-side abort). */
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Duration POLL = Duration.ofMillis(100);

    private TxnClients() {}

    /**
     * A producer whose {@link #close()} gives up after a few seconds: a plain close() of a
     * transactional producer waits without limit for an open transaction to be aborted, which a
     * broken coordinator never does.
     */
    static final class TxProducer extends KafkaProducer<String, String> {
        TxProducer(Map<String, Object> config) {
            super(config, new StringSerializer(), new StringSerializer());
        }

        @Override
        public void close() {
            close(Duration.ofSeconds(5));
        }
    }

    /** A transactional producer for {@code transactionalId}; {@code extra} overrides the defaults. */
    static TxProducer transactional(String bootstrap, String transactionalId, Map<String, Object> extra) {
        Map<String, Object> c = new HashMap<>();
        c.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        c.put(ProducerConfig.CLIENT_ID_CONFIG, transactionalId);
        c.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "20000");
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        c.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        c.putAll(extra);
        return new TxProducer(c);
    }

    /** A plain (non-transactional) producer with acks=all. */
    static TxProducer plain(String bootstrap) {
        return new TxProducer(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000"));
    }

    /** Consumer settings with the given isolation level and no group; {@code extra} overrides them. */
    static Map<String, Object> consumerConfig(String bootstrap, String isolation, Map<String, Object> extra) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        c.putAll(extra);
        return c;
    }

    static KafkaConsumer<String, String> consumer(String bootstrap, String isolation) {
        return consumer(bootstrap, isolation, Map.of());
    }

    static KafkaConsumer<String, String> consumer(String bootstrap, String isolation, Map<String, Object> extra) {
        return new KafkaConsumer<>(consumerConfig(bootstrap, isolation, extra), new StringDeserializer(), new StringDeserializer());
    }

    static List<TopicPartition> partitions(String topic, int count) {
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < count; p++) {
            tps.add(new TopicPartition(topic, p));
        }
        return tps;
    }

    /**
     * Waits until no transaction on {@code tps} is unstable any more: the read_committed end offset
     * (the last stable offset) equals the read_uncommitted one (the high watermark), which holds
     * once every commit or abort marker is written. Markers are written after EndTxn is answered,
     * so a test must wait for them rather than read right after commitTransaction returns.
     */
    static Map<TopicPartition, Long> awaitStable(String bootstrap, Collection<TopicPartition> tps) {
        try (KafkaConsumer<String, String> committed = consumer(bootstrap, READ_COMMITTED);
                KafkaConsumer<String, String> uncommitted = consumer(bootstrap, READ_UNCOMMITTED)) {
            Map<TopicPartition, Long> stable = new HashMap<>();
            Map<TopicPartition, Long> end = new HashMap<>();
            try {
                await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(POLL).atMost(WAIT).until(() -> {
                    stable.clear();
                    stable.putAll(committed.endOffsets(tps));
                    end.clear();
                    end.putAll(uncommitted.endOffsets(tps));
                    return stable.equals(end);
                });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("transactions on " + tps + " never completed: read_committed end offsets "
                        + new TreeMap<>(stringKeys(stable)) + ", log end offsets " + new TreeMap<>(stringKeys(end)), e);
            }
            return stable;
        }
    }

    private static Map<String, Long> stringKeys(Map<TopicPartition, Long> m) {
        Map<String, Long> s = new HashMap<>();
        m.forEach((k, v) -> s.put(k.toString(), v));
        return s;
    }

    /**
     * Assigns {@code tps}, reads them from the beginning until the consumer's position reaches the
     * end offset its isolation level sees (taken once, at the start), and returns what it got.
     * Nothing below that end can arrive later, so the result is complete, not just "enough".
     */
    static List<ConsumerRecord<String, String>> readToEnd(KafkaConsumer<String, String> consumer, Collection<TopicPartition> tps) {
        consumer.assign(tps);
        consumer.seekToBeginning(tps);
        return readOnTo(consumer, consumer.endOffsets(tps));
    }

    /** Polls the consumer's assigned partitions until each position reaches {@code end}; returns the records. */
    static List<ConsumerRecord<String, String>> readOnTo(KafkaConsumer<String, String> consumer, Map<TopicPartition, Long> end) {
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try {
            await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).atMost(WAIT).until(() -> {
                consumer.poll(POLL).forEach(got::add);
                return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
            });
        } catch (ConditionTimeoutException e) {
            Map<String, Long> positions = new TreeMap<>();
            end.keySet().forEach(tp -> positions.put(tp.toString(), consumer.position(tp)));
            throw new AssertionError("positions " + positions + " never reached the end offsets " + new TreeMap<>(stringKeys(end))
                    + "; read " + got.size() + " records: " + values(got), e);
        }
        return got;
    }

    static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

    /** The values read from each partition, in the order they were read. */
    static Map<Integer, List<String>> valuesByPartition(List<ConsumerRecord<String, String>> records) {
        Map<Integer, List<String>> m = new TreeMap<>();
        records.forEach(r -> m.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.value()));
        return m;
    }
}

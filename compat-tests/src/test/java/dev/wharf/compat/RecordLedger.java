package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * What was produced (key, value, headers, timestamp, where it landed) and who consumed it, so a
 * test can say "every record exactly once, intact". Keys are {@code k-<seq>}, values
 * {@code v-<seq>}, headers {@code seq} and {@code origin}, timestamps {@code BASE_TS + seq}.
 */
final class RecordLedger {
    static final long BASE_TS = 1_700_000_000_000L;

    record Produced(int seq, String topic, int partition, long offset) {}

    record Consumption(String member, ConsumerRecord<String, String> record) {}

    private final Map<String, Produced> produced = new HashMap<>();
    private final Map<String, List<Consumption>> consumed = new HashMap<>();
    private int consumedCount;

    /** Produces records {@code from .. from+count-1} with acks=all, keyed so they spread over partitions. */
    void produce(String bootstrap, String topic, int from, int count) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "2"), new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int seq = from; seq < from + count; seq++) {
                sent.add(producer.send(record(topic, seq)));
            }
            producer.flush();
            for (int i = 0; i < count; i++) {
                RecordMetadata md = sent.get(i).get();
                int seq = from + i;
                synchronized (this) {
                    produced.put("k-" + seq, new Produced(seq, topic, md.partition(), md.offset()));
                }
            }
        }
    }

    /** Records that a producer elsewhere had record {@code seq} (made as {@link #produce} makes it) acknowledged. */
    synchronized void acknowledged(int seq, String topic, int partition, long offset) {
        produced.put("k-" + seq, new Produced(seq, topic, partition, offset));
    }

    /** Record {@code seq} as the ledger expects it: key, value, headers and timestamp made from {@code seq}. */
    static ProducerRecord<String, String> record(String topic, int seq) {
        ProducerRecord<String, String> r = new ProducerRecord<>(topic, null, BASE_TS + seq, "k-" + seq, "v-" + seq);
        r.headers().add(new RecordHeader("seq", Integer.toString(seq).getBytes(StandardCharsets.UTF_8)));
        r.headers().add(new RecordHeader("origin", "group-test".getBytes(StandardCharsets.UTF_8)));
        return r;
    }

    /** Expects the records another ledger produced (a second group reading the same topic). */
    void expectSameAs(RecordLedger other) {
        Map<String, Produced> copy;
        synchronized (other) {
            copy = new HashMap<>(other.produced);
        }
        synchronized (this) {
            produced.putAll(copy);
        }
    }

    synchronized void consumed(String member, ConsumerRecord<String, String> r) {
        consumed.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(new Consumption(member, r));
        consumedCount++;
    }

    synchronized int consumedCount() {
        return consumedCount;
    }

    /** How many different records were consumed, however often each. */
    synchronized int distinctConsumed() {
        return consumed.size();
    }

    synchronized int producedCount() {
        return produced.size();
    }

    /** How many records each member consumed. */
    synchronized Map<String, Integer> perMember() {
        Map<String, Integer> m = new HashMap<>();
        consumed.values().forEach(l -> l.forEach(c -> m.merge(c.member(), 1, Integer::sum)));
        return Collections.unmodifiableMap(m);
    }

    /** Every produced record was consumed once and only once, with its key, value, headers, timestamp and offset. */
    synchronized void assertEachConsumedExactlyOnce() {
        assertEachConsumed(Set.of());
    }

    /**
     * Every produced record was consumed, intact; only records in {@code mayRepeat} (processed but
     * never confirmed committed) were consumed more than once.
     */
    synchronized void assertEachConsumed(Set<String> mayRepeat) {
        List<String> duplicates = new ArrayList<>();
        consumed.forEach((k, l) -> {
            if (l.size() > 1 && !mayRepeat.contains(k)) {
                duplicates.add(k + " by " + l.stream().map(c -> c.member() + "@" + c.record().partition() + "/" + c.record().offset()).toList());
            }
        });
        List<String> missing = produced.keySet().stream().filter(k -> !consumed.containsKey(k)).sorted().toList();
        List<String> unexpected = consumed.keySet().stream().filter(k -> !produced.containsKey(k)).sorted().toList();
        assertTrue(duplicates.isEmpty(), duplicates.size() + " records consumed more than once, e.g. "
                + duplicates.subList(0, Math.min(10, duplicates.size())));
        assertTrue(missing.isEmpty(), missing.size() + " records never consumed, e.g. " + missing.subList(0, Math.min(10, missing.size())));
        assertTrue(unexpected.isEmpty(), "records nobody produced: " + unexpected);
        if (mayRepeat.isEmpty()) {
            assertEquals(produced.size(), consumedCount);
        }
        for (Produced p : produced.values()) {
            ConsumerRecord<String, String> r = consumed.get("k-" + p.seq()).get(0).record();
            assertEquals(p.topic(), r.topic());
            assertEquals(p.partition(), r.partition(), "partition of k-" + p.seq());
            assertEquals(p.offset(), r.offset(), "offset of k-" + p.seq());
            assertEquals("v-" + p.seq(), r.value());
            assertEquals(BASE_TS + p.seq(), r.timestamp());
            assertEquals(2, r.headers().toArray().length);
            assertNotNull(r.headers().lastHeader("seq"));
            assertArrayEquals(Integer.toString(p.seq()).getBytes(StandardCharsets.UTF_8), r.headers().lastHeader("seq").value());
            assertArrayEquals("group-test".getBytes(StandardCharsets.UTF_8), r.headers().lastHeader("origin").value());
        }
    }
}

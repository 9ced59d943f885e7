package dev.wharf.compat.oldclient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Run in its own JVM with an older kafka-clients jar (3.9, 2.8) on the classpath, using only APIs
 * those lines have: a transactional producer commits a transaction (with a group's offsets in it),
 * aborts one (with higher offsets), and commits another; a read_committed consumer must then read
 * exactly the committed records, in order, and the group's offsets must be the committed ones.
 * Prints "OK n with kafka-clients v" (n committed records read), or what went wrong and exits 1.
 */
public final class TransactionsMain {
    private static final long LIMIT_MS = 60_000;

    private TransactionsMain() {}

    private static final class Failure extends Exception {
        Failure(String message) {
            super(message);
        }
    }

    public static void main(String[] args) {
        String version = "unknown";
        try {
            version = clientVersion();
            int n = run(args[0], args[1], Integer.parseInt(args[2]));
            System.out.println("OK " + n + " with kafka-clients " + version + ".");
            System.exit(0);
        } catch (Failure e) {
            System.out.println("FAILED with kafka-clients " + version + ": " + e.getMessage());
        } catch (Throwable e) {
            System.out.println("FAILED with kafka-clients " + version + ": " + e);
            e.printStackTrace(System.out);
        }
        System.exit(1);
    }

    /** The running client's version (AppInfoParser moved packages in 4.0, so it is looked up by name). */
    private static String clientVersion() throws ReflectiveOperationException {
        for (String name : List.of("org.apache.kafka.common.utils.AppInfoParser",
                "org.apache.kafka.common.utils.internals.AppInfoParser")) {
            try {
                return (String) Class.forName(name).getMethod("getVersion").invoke(null);
            } catch (ClassNotFoundException e) {
                // try the other location
            }
        }
        return "unknown";
    }

    /** Returns the number of committed records read back. */
    private static int run(String bootstrap, String topic, int n) throws Exception {
        if (n % 2 != 0) {
            throw new Failure("the record count must be even (half go to each partition): " + n);
        }
        String group = topic + "-group";
        TopicPartition p0 = new TopicPartition(topic, 0);
        TopicPartition p1 = new TopicPartition(topic, 1);
        List<TopicPartition> both = Arrays.asList(p0, p1);
        // the offsets go on partition 0 of an input the group pretends to have consumed: any topic will do
        TopicPartition input = p0;

        Properties a = new Properties();
        a.put("bootstrap.servers", bootstrap);
        a.put("request.timeout.ms", "10000");
        try (Admin admin = Admin.create(a)) {
            admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
        }

        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("transactional.id", topic + "-tx");
        p.put("transaction.timeout.ms", "20000");
        p.put("max.block.ms", "30000");
        p.put("delivery.timeout.ms", "30000");
        p.put("request.timeout.ms", "10000");
        List<String> expected0 = new ArrayList<>();
        List<String> expected1 = new ArrayList<>();
        KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());
        try {
            producer.initTransactions();
            ConsumerGroupMetadata groupMetadata = new ConsumerGroupMetadata(group);

            producer.beginTransaction();
            for (int i = 0; i < n; i++) {
                String v = "committed-" + i;
                producer.send(new ProducerRecord<>(topic, i % 2, "k" + i, v));
                (i % 2 == 0 ? expected0 : expected1).add(v);
            }
            producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(n, "first")), groupMetadata);
            producer.commitTransaction();

            producer.beginTransaction();
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, "k" + i, "aborted-" + i));
            }
            producer.sendOffsetsToTransaction(Map.of(input, new OffsetAndMetadata(10L * n, "aborted")), groupMetadata);
            producer.flush();
            producer.abortTransaction();

            producer.beginTransaction();
            for (int i = n; i < 2 * n; i++) {
                String v = "committed-" + i;
                producer.send(new ProducerRecord<>(topic, i % 2, "k" + i, v));
                (i % 2 == 0 ? expected0 : expected1).add(v);
            }
            producer.commitTransaction();

            // a second producer with the same transactional.id fences this one and aborts its open transaction
            producer.beginTransaction();
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, i % 2, "k" + i, "fenced-" + i));
            }
            producer.flush();
            try (KafkaProducer<String, String> newer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                newer.initTransactions();
            }
            try {
                producer.commitTransaction();
                throw new Failure("a producer fenced by a newer one with its transactional.id committed");
            } catch (KafkaException e) {
                if (!(e instanceof ProducerFencedException) && !(e.getCause() instanceof ProducerFencedException)) {
                    throw new Failure("the fenced producer's commit failed with " + e + ", not ProducerFencedException");
                }
            }
        } finally {
            producer.close(Duration.ofSeconds(5));
        }

        Properties c = new Properties();
        c.put("bootstrap.servers", bootstrap);
        c.put("group.id", group);
        c.put("isolation.level", "read_committed");
        c.put("auto.offset.reset", "earliest");
        c.put("enable.auto.commit", "false");
        c.put("request.timeout.ms", "10000");
        c.put("default.api.timeout.ms", "20000");
        Map<Integer, List<String>> got = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(both);
            consumer.seekToBeginning(both);
            long deadline = System.currentTimeMillis() + LIMIT_MS;
            // per partition: n/2 records of each of four transactions (the last aborted by the fencing) and a
            // marker each, the markers written after EndTxn was answered: wait for them
            long stableEnd = 4 * (n / 2) + 4;
            Map<TopicPartition, Long> end = consumer.endOffsets(both);
            while (!(end.get(p0) == stableEnd && end.get(p1) == stableEnd) && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> got.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r.value()));
                end = consumer.endOffsets(both);
            }
            if (end.get(p0) != stableEnd || end.get(p1) != stableEnd) {
                throw new Failure("read_committed end offsets " + end + ", expected " + stableEnd
                        + " each (the records of four transactions and a marker each)");
            }
            while ((consumer.position(p0) < end.get(p0) || consumer.position(p1) < end.get(p1))
                    && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
                    got.computeIfAbsent(r.partition(), k -> new ArrayList<>()).add(r.value());
                }
            }
            if (consumer.position(p0) < end.get(p0) || consumer.position(p1) < end.get(p1)) {
                throw new Failure("positions " + consumer.position(p0) + ", " + consumer.position(p1)
                        + " never reached the end offsets " + end);
            }
            check("partition 0", expected0, got.getOrDefault(0, List.of()));
            check("partition 1", expected1, got.getOrDefault(1, List.of()));

            Set<TopicPartition> inputs = new HashSet<>(List.of(input));
            OffsetAndMetadata committed = consumer.committed(inputs).get(input);
            if (committed == null || committed.offset() != n || !"first".equals(committed.metadata())) {
                throw new Failure("group " + group + " has offset " + committed + " for " + input
                        + ", expected " + n + " with metadata \"first\" from the committed transaction");
            }
        }
        return expected0.size() + expected1.size();
    }

    private static void check(String where, List<String> expected, List<String> got) throws Failure {
        if (!expected.equals(got)) {
            throw new Failure(where + ": read_committed got " + got.size() + " records " + got + ", expected " + expected.size()
                    + " records " + expected);
        }
    }
}

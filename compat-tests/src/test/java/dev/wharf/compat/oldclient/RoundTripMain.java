package dev.wharf.compat.oldclient;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Run in its own JVM with an older kafka-clients jar (3.9, 2.8) on the classpath: produces N keyed
 * records and consumes them back, using only APIs every client line since 2.x has. Prints "OK n"
 * or exits non-zero with what went wrong.
 */
public final class RoundTripMain {
    private RoundTripMain() {}

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

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        int n = Integer.parseInt(args[2]);
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("acks", "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < n; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i)).get();
            }
        }
        Properties c = new Properties();
        c.put("bootstrap.servers", bootstrap);
        c.put("auto.offset.reset", "earliest");
        c.put("enable.auto.commit", "false");
        List<ConsumerRecord<String, String>> got = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.currentTimeMillis() + 60_000;
            while (got.size() < n && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(got::add);
            }
        }
        for (int i = 0; i < n; i++) {
            ConsumerRecord<String, String> r = got.get(i);
            if (r.offset() != i || !r.key().equals("k" + i) || !r.value().equals("v" + i)) {
                System.out.println("MISMATCH at " + i + ": " + r);
                System.exit(1);
            }
        }
        System.out.println("OK " + got.size() + " with kafka-clients " + clientVersion());
    }
}

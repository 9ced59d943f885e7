package dev.wharf.compat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Java-client helpers shared by the consumer-group tests: topics, records, group consumers, committed offsets. */
final class GroupClients {
    private GroupClients() {}

    static Admin admin(String bootstrap) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"));
    }

    static void createTopic(Admin admin, String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }

    /** Appends {@code count} records "p{partition}-{i}" to one partition, each with the given timestamp or now. */
    static void produce(String bootstrap, String topic, int partition, int count, Long firstTimestamp, long step)
            throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                Long ts = firstTimestamp == null ? null : firstTimestamp + i * step;
                producer.send(new ProducerRecord<>(topic, partition, ts, null, "p" + partition + "-" + i)).get();
            }
        }
    }

    /** A classic-protocol group consumer that commits only when told to. */
    static KafkaConsumer<String, String> consumer(String bootstrap, String group, String clientId) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic",
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000",
                ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000"));
        return new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    /** The group's committed offsets as partition number to offset, for one topic. */
    static Map<Integer, Long> committed(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        return all.entrySet().stream().filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .collect(Collectors.toMap(e -> e.getKey().partition(), e -> e.getValue().offset()));
    }

    /**
     * Parses the whitespace-aligned table a Kafka CLI tool printed: the first line starting with
     * "GROUP " is the header, the following non-empty lines other than log lines are rows, split on whitespace. Values
     * must not contain spaces (the --state table's "COORDINATOR (ID)" header and "host:port (id)"
     * value both split into two parts, so they still line up).
     */
    static List<Map<String, String>> table(String output) {
        return table(output, "GROUP ");
    }

    /** As {@link #table(String)}, for a table whose header line starts with {@code headerStart}. */
    static List<Map<String, String>> table(String output, String headerStart) {
        List<String> lines = output.lines().toList();
        int header = -1;
        for (int i = 0; i < lines.size() && header < 0; i++) {
            if (lines.get(i).startsWith(headerStart)) {
                header = i;
            }
        }
        if (header < 0) {
            throw new AssertionError("no table in:\n" + output);
        }
        String[] names = lines.get(header).trim().split("\\s+");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(header + 1, lines.size())) {
            if (line.isBlank() || line.startsWith("[")) {
                continue; // blank, or a log line of the tool's own client (slf4j-simple: "[thread] LEVEL ...")
            }
            String[] values = line.trim().split("\\s+");
            if (values.length != names.length) {
                throw new AssertionError("row does not match the header " + List.of(names) + ": " + line + "\n" + output);
            }
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < names.length; i++) {
                row.put(names[i], values[i]);
            }
            rows.add(row);
        }
        return rows;
    }
}

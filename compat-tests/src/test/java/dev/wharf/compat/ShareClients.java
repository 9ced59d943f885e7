package dev.wharf.compat;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Java-client helpers shared by the share-group (KIP-932) tests: share consumers and their start offsets. */
final class ShareClients {
    private ShareClients() {}

    /**
     * A share consumer of {@code group}; {@code explicit}: every record is acknowledged by the test
     * (share.acknowledgement.mode=explicit), otherwise each poll accepts the previous poll's records.
     */
    static KafkaShareConsumer<String, String> consumer(String bootstrap, String group, String clientId, boolean explicit,
            int maxPollRecords) {
        Map<String, Object> config = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.CLIENT_ID_CONFIG, clientId,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(maxPollRecords),
                ConsumerConfig.SHARE_ACKNOWLEDGEMENT_MODE_CONFIG, explicit ? "explicit" : "implicit"));
        return new KafkaShareConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    /**
     * Starts the group's share-partitions of {@code topic} at offset 0 (the group has no members yet).
     * Right after the topic's creation Kafka may answer UNKNOWN_TOPIC_OR_PARTITION (its group
     * coordinator does not know the topic yet): that is retried, bounded.
     */
    static void startAtEarliest(Admin admin, String group, String topic, int partitions) throws Exception {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            offsets.put(new TopicPartition(topic, p), 0L);
        }
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try {
                admin.alterShareGroupOffsets(group, offsets).all().get();
                return true;
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    return false;
                }
                throw e;
            }
        });
    }

    /** One poll's records. */
    static List<ConsumerRecord<String, String>> poll(KafkaShareConsumer<String, String> consumer) {
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        consumer.poll(Duration.ofMillis(100)).forEach(out::add);
        return out;
    }
}

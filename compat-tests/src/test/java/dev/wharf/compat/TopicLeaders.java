package dev.wharf.compat;

import static org.awaitility.Awaitility.await;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.MetadataRequest;
import dev.wharf.wire.message.MetadataResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.protocol.Errors;

/**
 * Waits until a topic has a leader for every partition, asking with a Metadata request that creates
 * it if it is not there ({@code auto.create.topics.enable}). Wharf creates such a
 * topic before it answers; Apache Kafka answers at once (UNKNOWN_TOPIC_OR_PARTITION or
 * LEADER_NOT_AVAILABLE) and creates it through its controller a moment later, as it may. Raw-protocol
 * tests ask here, so they hold against both. Stateless; call from any thread.
 */
final class TopicLeaders {
    private TopicLeaders() {
    }

    /** Asks for {@code topic} (creating it if need be) until it is there with a leader for every partition. */
    static MetadataResponse.MetadataResponseTopic ready(KafkaWireClient client, String topic) {
        AtomicReference<MetadataResponse.MetadataResponseTopic> found = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            MetadataResponse md = client.call(ApiKey.METADATA, (short) 12, new MetadataRequest().setAllowAutoTopicCreation(true)
                    .setTopics(List.of(new MetadataRequest.MetadataRequestTopic().setName(topic))));
            MetadataResponse.MetadataResponseTopic t = md.topics().get(0);
            found.set(t);
            return t.errorCode() == Errors.NONE.code() && !t.partitions().isEmpty()
                    && t.partitions().stream().allMatch(p -> p.errorCode() == Errors.NONE.code() && p.leaderId() >= 0);
        });
        return found.get();
    }
}

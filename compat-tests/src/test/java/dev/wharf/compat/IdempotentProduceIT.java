package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.testing.ProduceBatch;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ListOffsetsRequest;
import dev.wharf.wire.message.ListOffsetsResponse;
import dev.wharf.wire.message.OffsetForLeaderEpochRequest;
import dev.wharf.wire.message.OffsetForLeaderEpochResponse;
import dev.wharf.wire.message.ProduceResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Idempotent producers, driven at the protocol level so retries and stale epochs can be sent on
 * purpose: duplicates get their original offset and are not appended again, gaps and fenced epochs
 * get Kafka's error codes, and the state survives restarts (from its snapshot, or rebuilt from the
 * log when the snapshot is gone).
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.LIST_OFFSETS, ApiKeys.METADATA, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.OFFSET_FOR_LEADER_EPOCH})
class IdempotentProduceIT {
    private static final long PRODUCER = 4711L;
    private static final String TOPIC = "idem";

    @TempDir
    Path dir;

    /** Produces one batch of three records; returns (error code, base offset). */
    private long[] produce(KafkaWireClient s, short epoch, int sequence) throws IOException {
        ProduceBatch b = ProduceBatch.create().producer(PRODUCER, epoch, sequence);
        for (int i = 0; i < 3; i++) {
            b.record(1_700_000_000_000L + i, null, "r" + sequence + "-" + i);
        }
        ProduceResponse.PartitionProduceResponse p = ((ProduceResponse) s.call(ApiKey.PRODUCE, (short) 11,
                b.request(TOPIC, 0))).responses().get(0).partitionResponses().get(0);
        return new long[] {p.errorCode(), p.baseOffset()};
    }

    private long logEnd(KafkaWireClient s) throws IOException {
        ListOffsetsRequest req = new ListOffsetsRequest().setReplicaId(-1).setTopics(List.of(
                new ListOffsetsRequest.ListOffsetsTopic().setName(TOPIC).setPartitions(List.of(
                        new ListOffsetsRequest.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(-1)))));
        return ((ListOffsetsResponse) s.call(ApiKey.LIST_OFFSETS, (short) 7, req)).topics().get(0).partitions().get(0).offset();
    }

    private List<Object> epochEnd(KafkaWireClient s, int epoch) throws IOException {
        OffsetForLeaderEpochRequest req = new OffsetForLeaderEpochRequest().setTopics(List.of(
                new OffsetForLeaderEpochRequest.OffsetForLeaderTopic().setTopic(TOPIC).setPartitions(List.of(
                        new OffsetForLeaderEpochRequest.OffsetForLeaderPartition().setPartition(0).setLeaderEpoch(epoch)))));
        OffsetForLeaderEpochResponse.EpochEndOffset e = ((OffsetForLeaderEpochResponse) s.call(ApiKey.OFFSET_FOR_LEADER_EPOCH,
                (short) 4, req)).topics().get(0).partitions().get(0);
        assertEquals(Errors.NONE.code(), e.errorCode());
        return List.of(e.leaderEpoch(), e.endOffset());
    }

    // Retries are deduplicated, gaps and stale epochs rejected, and the state outlives restarts.
    @Test
    void duplicatesGapsAndFencing() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of()); KafkaWireClient s = new KafkaWireClient(broker.bootstrap())) {
            TopicLeaders.ready(s, TOPIC);
            assertEquals(Errors.NONE.code(), produce(s, (short) 0, 0)[0]);
            assertEquals(0, produce(s, (short) 0, 0)[1]); // the retry gets the original offset
            assertEquals(3, logEnd(s)); // the retry was not appended again
            assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code(), produce(s, (short) 0, 5)[0]);
            assertEquals(3, produce(s, (short) 0, 3)[1]);
            assertEquals(6, produce(s, (short) 1, 0)[1]); // a new epoch starts at sequence 0
            assertEquals(Errors.INVALID_PRODUCER_EPOCH.code(), produce(s, (short) 0, 6)[0]); // fenced
            assertEquals(9, logEnd(s));
            // the leader epoch history: epoch 0 is the latest and ends at the log end; later epochs are unknown
            assertEquals(List.of(0, 9L), epochEnd(s, 0));
            assertEquals(List.of(-1, -1L), epochEnd(s, 3));
        }
        try (RunningBroker broker = new RunningBroker(dir, Map.of()); KafkaWireClient s = new KafkaWireClient(broker.bootstrap())) {
            assertEquals(6, produce(s, (short) 1, 0)[1]); // remembered through the snapshot
            assertEquals(9, logEnd(s));
        }
        Files.deleteIfExists(dir.resolve("logs").resolve(TOPIC + "-0").resolve("producer-state-snapshot"));
        try (RunningBroker broker = new RunningBroker(dir, Map.of()); KafkaWireClient s = new KafkaWireClient(broker.bootstrap())) {
            assertEquals(6, produce(s, (short) 1, 0)[1]); // rebuilt from the batch headers in the log
            assertEquals(9, produce(s, (short) 1, 3)[1]);
            assertEquals(12, logEnd(s));
        }
    }

    // A producer idle for producer.id.expiration.ms is forgotten: its next batch is taken as new.
    @Test
    void idleProducersExpire() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of("producer.id.expiration.ms", "1000",
                "producer.id.expiration.check.interval.ms", "100"));
                KafkaWireClient s = new KafkaWireClient(broker.bootstrap())) {
            TopicLeaders.ready(s, TOPIC);
            assertEquals(Errors.NONE.code(), produce(s, (short) 0, 0)[0]);
            assertEquals(0, produce(s, (short) 0, 0)[1]); // still known: the retry is a duplicate
            // once expired, the same sequence is appended again rather than deduplicated
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                    .until(() -> produce(s, (short) 0, 0)[1] == 3);
            assertEquals(6, logEnd(s));
        }
    }
}

package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.testing.ProduceBatch;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ApiVersionsRequest;
import dev.wharf.wire.message.ApiVersionsResponse;
import dev.wharf.wire.message.FetchRequest;
import dev.wharf.wire.message.FetchResponse;
import dev.wharf.wire.message.ListOffsetsRequest;
import dev.wharf.wire.message.ListOffsetsResponse;
import dev.wharf.wire.message.MetadataRequest;
import dev.wharf.wire.message.MetadataResponse;
import dev.wharf.wire.message.ProduceRequest;
import dev.wharf.wire.message.ProduceResponse;
import io.netty.buffer.ByteBuf;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input against the whole broker: answered with Kafka's error codes where the protocol has
 * one, the connection closed where it does not, nothing stored touched, other clients unaffected.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.METADATA, ApiKeys.API_VERSIONS,
        ApiKeys.INIT_PRODUCER_ID})
class BadInputIT {
    @TempDir
    Path dir;

    private static ProduceRequest produce(String topic, ByteBuf batch) {
        return ProduceBatch.request(topic, null, 0, batch);
    }

    private static ByteBuf batch() {
        return ProduceBatch.create().value("v").build();
    }

    private static short produceError(KafkaWireClient c, ProduceRequest req) throws Exception {
        return ((ProduceResponse) c.call(ApiKey.PRODUCE, (short) 11, req)).responses().get(0).partitionResponses().get(0)
                .errorCode();
    }

    // Error codes for bad topics and corrupt batches; closed connections for undecodable frames.
    @Test
    void badRequestsGetErrorsOrLoseTheirConnectionOnly() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of()); KafkaWireClient healthy = new KafkaWireClient(broker.bootstrap())) {
            MetadataResponse md = (MetadataResponse) healthy.call(ApiKey.METADATA, (short) 12, new MetadataRequest()
                    .setAllowAutoTopicCreation(true).setTopics(List.of(
                            new MetadataRequest.MetadataRequestTopic().setName("bad topic!"),
                            new MetadataRequest.MetadataRequestTopic().setName("good"))));
            assertEquals(Errors.INVALID_TOPIC_EXCEPTION.code(), md.topics().get(0).errorCode());
            TopicLeaders.ready(healthy, "good"); // Kafka creates it a moment after answering
            assertEquals(Errors.NONE.code(), produceError(healthy, produce("good", batch())));

            assertEquals(Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), produceError(healthy, produce("missing", batch())));
            ByteBuf corrupt = batch();
            corrupt.setByte(corrupt.writerIndex() - 1, corrupt.getByte(corrupt.writerIndex() - 1) ^ 1);
            assertEquals(Errors.CORRUPT_MESSAGE.code(), produceError(healthy, produce("good", corrupt)));
            ByteBuf future = ProduceBatch.create().record(System.currentTimeMillis() + 7_200_000L, null, "v").build();
            assertEquals(Errors.INVALID_TIMESTAMP.code(), produceError(healthy, produce("good", future))); // 2 h ahead
            ByteBuf twoBatches = io.netty.buffer.Unpooled.wrappedBuffer(batch(), batch());
            // one batch per partition
            assertEquals(Errors.INVALID_RECORD.code(), produceError(healthy, produce("good", twoBatches)));
            ByteBuf marker = ProduceBatch.create().producer(1, (short) 0, -1).transactional().control()
                    .record(System.currentTimeMillis(), new byte[] {0, 0, 0, 0}, new byte[] {0, 0, 0, 0, 0, 0}, List.of())
                    .build();
            // transactional records (a marker is one) in a request naming no transactional id: the whole request is refused
            assertEquals(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code(), produceError(healthy, produce("good", marker)));
            ByteBuf anonymous = ProduceBatch.create().transactional().value("v").build();
            assertEquals(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code(), produceError(healthy, produce("good", anonymous)));
            ByteBuf plainMarker = ProduceBatch.create().producer(1, (short) 0, -1).control()
                    .record(System.currentTimeMillis(), new byte[] {0, 0, 0, 0}, new byte[] {0, 0, 0, 0, 0, 0}, List.of())
                    .build();
            // clients write no markers
            assertEquals(Errors.INVALID_RECORD.code(), produceError(healthy, produce("good", plainMarker)));
            ByteBuf stray = ProduceBatch.create().producer(1, (short) 0, 0).transactional().value("v").build();
            // no coordinator put this producer's transaction on the partition (KIP-890): refused, as it would hang it. Which
            // error depends on the coordinator's state (v11 has none for it: Kafka answers NOT_ENOUGH_REPLICAS, say); it is not stored
            assertNotEquals(Errors.NONE.code(),
                    produceError(healthy, produce("good", stray).setTransactionalId("no-such-transaction")));

            // a leader epoch newer than the broker's: UNKNOWN_LEADER_EPOCH, so the client refreshes metadata
            FetchResponse ahead = (FetchResponse) healthy.call(ApiKey.FETCH, (short) 12, new FetchRequest().setReplicaId(-1)
                    .setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20).setSessionEpoch(-1).setTopics(List.of(
                            new FetchRequest.FetchTopic().setTopic("good").setPartitions(List.of(new FetchRequest.FetchPartition()
                                    .setPartition(0).setFetchOffset(0).setPartitionMaxBytes(1 << 20).setCurrentLeaderEpoch(5))))));
            assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), ahead.responses().get(0).partitions().get(0).errorCode());
            ListOffsetsResponse aheadOffsets = (ListOffsetsResponse) healthy.call(ApiKey.LIST_OFFSETS, (short) 7,
                    new ListOffsetsRequest().setReplicaId(-1).setTopics(List.of(new ListOffsetsRequest.ListOffsetsTopic()
                            .setName("good").setPartitions(List.of(new ListOffsetsRequest.ListOffsetsPartition()
                                    .setPartitionIndex(0).setTimestamp(-1).setCurrentLeaderEpoch(5))))));
            assertEquals(Errors.UNKNOWN_LEADER_EPOCH.code(), aheadOffsets.topics().get(0).partitions().get(0).errorCode());

            try (KafkaWireClient acksZero = new KafkaWireClient(broker.bootstrap())) {
                ProduceRequest lost = produce("missing", batch()).setAcks((short) 0);
                acksZero.send(ApiKey.PRODUCE, (short) 11, lost);
                assertTrue(acksZero.closedByBroker(), "acks=0 failure must close the connection: it has no response");
            }

            byte[][] bad = {
                {0, 0, 0, 8, 0, 0, 0, 2, 0, 0, 0, 1}, // Produce v2: no longer supported
                {0, 0, 0, 10, 0, 3, 0, 12, 0, 0, 0, 1, 0, 0}, // Metadata v12 torn after the header
                {0x10, 0, 0, 0}, // 256 MiB frame, over socket.request.max.bytes
                {0, 0, 0, 6, 1, 2, 3, 4, 5, 6}, // garbage
            };
            for (byte[] frame : bad) {
                try (KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
                    c.sendRaw(frame);
                    assertTrue(c.closedByBroker(), "connection left open after " + java.util.Arrays.toString(frame));
                }
                ApiVersionsResponse v = (ApiVersionsResponse) healthy.call(ApiKey.API_VERSIONS, (short) 3,
                        new ApiVersionsRequest().setClientSoftwareName("t").setClientSoftwareVersion("1"));
                assertEquals(Errors.NONE.code(), v.errorCode());
            }
            // nothing bad was stored: "good" holds exactly the one valid record
            ListOffsetsResponse lo = (ListOffsetsResponse) healthy.call(ApiKey.LIST_OFFSETS, (short) 7, new ListOffsetsRequest()
                    .setReplicaId(-1).setTopics(List.of(new ListOffsetsRequest.ListOffsetsTopic().setName("good")
                            .setPartitions(List.of(new ListOffsetsRequest.ListOffsetsPartition().setPartitionIndex(0)
                                    .setTimestamp(-1))))));
            assertEquals(1, lo.topics().get(0).partitions().get(0).offset());
        }
    }
}

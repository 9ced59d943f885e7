package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.testing.ProduceBatch;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.FetchRequest;
import dev.wharf.wire.message.FetchResponse;
import dev.wharf.wire.message.ProduceResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Incremental fetch sessions (KIP-227) at the protocol level: only news is sent, epochs are checked. */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.METADATA})
class FetchSessionsIT {
    private static final short VERSION = 12; // topic names, sessions, flexible
    private static final String TOPIC = "sessions";

    @TempDir
    Path dir;

    private static FetchRequest fetch(int sessionId, int epoch, int... partitions) {
        FetchRequest.FetchTopic t = new FetchRequest.FetchTopic().setTopic(TOPIC);
        List<FetchRequest.FetchPartition> ps = new java.util.ArrayList<>();
        for (int p : partitions) {
            ps.add(new FetchRequest.FetchPartition().setPartition(p).setFetchOffset(0).setPartitionMaxBytes(1 << 20));
        }
        t.setPartitions(ps);
        return new FetchRequest().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(1).setMaxBytes(1 << 20)
                .setSessionId(sessionId).setSessionEpoch(epoch).setTopics(partitions.length == 0 ? List.of() : List.of(t));
    }

    private static List<Integer> partitionsIn(FetchResponse r) {
        return r.responses().stream().flatMap(t -> t.partitions().stream()).map(p -> p.partitionIndex()).toList();
    }

    private static void produceOne(KafkaWireClient c, int partition) throws Exception {
        ProduceResponse produced = c.call(ApiKey.PRODUCE, (short) 11,
                ProduceBatch.create().record(1L, null, "x").request(TOPIC, partition));
        assertEquals(Errors.NONE.code(), produced.responses().get(0).partitionResponses().get(0).errorCode());
    }

    // A response that fills up leaves partitions out. As in Kafka, the session keeps the order of the
    // request that created it, and each incremental response moves the partitions it returned records
    // of to the end of that order: the partitions left out come first the time after.
    @Test
    void fullResponsesDoNotStarvePartitions() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of());
                KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            try (org.apache.kafka.clients.admin.Admin admin = GroupClients.admin(broker.bootstrap())) {
                GroupClients.createTopic(admin, TOPIC, 2);
            }
            TopicLeaders.ready(c, TOPIC);
            produceOne(c, 0);
            produceOne(c, 0);
            produceOne(c, 0);
            produceOne(c, 1);

            FetchResponse first = (FetchResponse) c.call(ApiKey.FETCH, VERSION, fetch(0, 0, 0, 1).setMaxBytes(1));
            assertTrue(first.responses().get(0).partitions().get(0).records().sizeInBytes() > 0); // one batch of p0
            assertEquals(0, first.responses().get(0).partitions().get(1).records().sizeInBytes()); // no room for p1

            // the session still reads p0 first: the full fetch that made it did not reorder it
            FetchResponse second = (FetchResponse) c.call(ApiKey.FETCH, VERSION, moveOn(first.sessionId(), 1, 1));
            assertEquals(List.of(0), partitionsIn(second)); // p0's next batch fills the response again
            assertTrue(second.responses().get(0).partitions().get(0).records().sizeInBytes() > 0);

            // p0 returned records in an incremental response, so it went behind p1: p1 is not starved
            FetchResponse third = (FetchResponse) c.call(ApiKey.FETCH, VERSION, moveOn(first.sessionId(), 2, 2));
            assertEquals(List.of(1), partitionsIn(third));
            assertTrue(third.responses().get(0).partitions().get(0).records().sizeInBytes() > 0);
        }
    }

    /** An incremental fetch of at most one byte where p0 moved on to {@code offset}; p1 still wants offset 0. */
    private static FetchRequest moveOn(int session, int epoch, long offset) {
        FetchRequest next = fetch(session, epoch, 0).setMaxBytes(1);
        next.topics().get(0).partitions().get(0).setFetchOffset(offset);
        return next;
    }

    // A session sends everything once, then only partitions with news; bad epochs and ids get their errors.
    @Test
    void incrementalFetches() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of());
                KafkaWireClient c = new KafkaWireClient(broker.bootstrap())) {
            try (org.apache.kafka.clients.admin.Admin admin = GroupClients.admin(broker.bootstrap())) {
                GroupClients.createTopic(admin, TOPIC, 2);
            }
            TopicLeaders.ready(c, TOPIC);

            FetchResponse full = (FetchResponse) c.call(ApiKey.FETCH, VERSION, fetch(0, 0, 0, 1));
            int session = full.sessionId();
            assertNotEquals(0, session);
            assertEquals(List.of(0, 1), partitionsIn(full));

            FetchResponse quiet = (FetchResponse) c.call(ApiKey.FETCH, VERSION, fetch(session, 1));
            assertEquals(List.of(), partitionsIn(quiet)); // nothing changed

            produceOne(c, 1);

            FetchResponse news = (FetchResponse) c.call(ApiKey.FETCH, VERSION, fetch(session, 2));
            assertEquals(List.of(1), partitionsIn(news)); // only the partition with records
            FetchResponse.PartitionData p1 = news.responses().get(0).partitions().get(0);
            assertEquals(1, p1.highWatermark());
            assertTrue(p1.records().sizeInBytes() > 0);

            assertEquals(Errors.INVALID_FETCH_SESSION_EPOCH.code(),
                    ((FetchResponse) c.call(ApiKey.FETCH, VERSION, fetch(session, 7))).errorCode());
            assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND.code(),
                    ((FetchResponse) c.call(ApiKey.FETCH, VERSION, fetch(session + 1, 1))).errorCode());

            FetchResponse sessionless = (FetchResponse) c.call(ApiKey.FETCH, VERSION, fetch(0, -1, 0));
            assertEquals(0, sessionless.sessionId());
            assertEquals(List.of(0), partitionsIn(sessionless));
        }
    }
}

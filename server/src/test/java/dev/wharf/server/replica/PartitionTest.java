package dev.wharf.server.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.logstore.LogConfig;
import dev.wharf.logstore.LogManager;
import dev.wharf.logstore.ReadResult;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.purgatory.DelayedOperation;
import dev.wharf.server.purgatory.DelayedOperationPurgatory;
import dev.wharf.server.replica.Partition.AppendOutcome;
import dev.wharf.testing.ProduceBatch;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.HashedWheelTimer;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One partition replica: leader appends with their checks, the high watermark, and who it wakes. */
class PartitionTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final ProduceConfig DEFAULTS = new ProduceConfig(1 << 20, false, Long.MAX_VALUE, 3_600_000);

    @TempDir
    Path dir;

    private LogManager logs;
    private HashedWheelTimer timer;
    private DelayedOperationPurgatory<TopicPartition> purgatory;

    @BeforeEach
    void open() throws Exception {
        logs = new LogManager(List.of(dir), LogConfig.DEFAULTS, 60_000, System::currentTimeMillis);
        logs.startup();
        timer = new HashedWheelTimer();
        purgatory = new DelayedOperationPurgatory<>("fetch", timer);
    }

    @AfterEach
    void close() throws Exception {
        timer.stop();
        logs.close();
    }

    private Partition partition(ProduceConfig config) {
        return new Partition(UUID.randomUUID(), logs.getOrCreate(TP), 0, config, purgatory);
    }

    private static ByteBuf batch(long producerId, int firstSequence, String... values) {
        ProduceBatch b = ProduceBatch.create();
        if (producerId >= 0) {
            b.producer(producerId, (short) 0, firstSequence);
        }
        for (String v : values) {
            b.value(v);
        }
        return b.build();
    }

    // appends as leader get dense offsets, and the high watermark follows the log end (the only replica)
    @Test
    void leaderAppendsMoveTheHighWatermark() throws Exception {
        Partition p = partition(DEFAULTS);
        p.becomeLeader(3);
        AppendOutcome first = p.appendRecordsAsLeader(batch(-1, 0, "a", "b"), System.currentTimeMillis());
        AppendOutcome second = p.appendRecordsAsLeader(batch(-1, 0, "c"), System.currentTimeMillis());

        assertEquals(0, assertInstanceOf(AppendOutcome.Appended.class, first).firstOffset());
        assertEquals(2, assertInstanceOf(AppendOutcome.Appended.class, second).firstOffset());
        assertEquals(3, p.highWatermark());
        assertEquals(3, p.endOffsetForEpoch(3).endOffset());
        ReadResult.Batches read = assertInstanceOf(ReadResult.Batches.class, p.read(0, 1 << 20));
        read.slice().release();
    }

    // a producer's retried batch is answered with its first offset, a gap in sequence is refused
    @Test
    void idempotentProducersAreDeduplicatedAndOrdered() throws Exception {
        Partition p = partition(DEFAULTS);
        p.becomeLeader(0);
        long now = System.currentTimeMillis();
        assertInstanceOf(AppendOutcome.Appended.class, p.appendRecordsAsLeader(batch(7, 0, "a", "b"), now));
        AppendOutcome retry = p.appendRecordsAsLeader(batch(7, 0, "a", "b"), now);
        AppendOutcome gap = p.appendRecordsAsLeader(batch(7, 5, "x"), now);

        assertEquals(0, assertInstanceOf(AppendOutcome.Duplicate.class, retry).firstOffset());
        assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code(),
                assertInstanceOf(AppendOutcome.Rejected.class, gap).error().code);
        assertEquals(2, p.logEndOffset());
    }

    // a replica that does not lead refuses appends; a stale epoch cannot make it leader again
    @Test
    void onlyTheLeaderInItsEpochAppends() throws Exception {
        Partition p = partition(DEFAULTS);
        assertRejected(Errors.NOT_LEADER_OR_FOLLOWER, p.appendRecordsAsLeader(batch(-1, 0, "a"), 0));
        p.becomeLeader(4);
        p.becomeFollower(5);
        p.becomeLeader(4); // news older than what it knows
        assertRejected(Errors.NOT_LEADER_OR_FOLLOWER, p.appendRecordsAsLeader(batch(-1, 0, "a"), 0));
        assertEquals(ErrorCode.FENCED_LEADER_EPOCH, p.checkLeaderEpoch(4));
        assertEquals(ErrorCode.UNKNOWN_LEADER_EPOCH, p.checkLeaderEpoch(6));
        p.becomeLeader(6);
        assertInstanceOf(AppendOutcome.Appended.class, p.appendRecordsAsLeader(batch(-1, 0, "a"), System.currentTimeMillis()));
    }

    // the topic's limits apply: batch size, and LogAppendTime stamps the batch with the broker's time
    @Test
    void topicConfigsShapeTheAppend() throws Exception {
        Partition small = partition(new ProduceConfig(100, true, Long.MAX_VALUE, 3_600_000));
        small.becomeLeader(0);
        assertRejected(Errors.MESSAGE_TOO_LARGE, small.appendRecordsAsLeader(batch(-1, 0, "x".repeat(200)), 0));
        ByteBuf ok = batch(-1, 0, "y");
        long now = System.currentTimeMillis() + 5_000; // the broker's clock, a little ahead of the producer's
        AppendOutcome appended = small.appendRecordsAsLeader(ok, now);
        assertEquals(now, assertInstanceOf(AppendOutcome.Appended.class, appended).logAppendTimeMs());
        RecordBatch stored = RecordBatches.split(Unpooled.wrappedBuffer(ok.nioBuffer(0, ok.writerIndex()))).get(0);
        assertEquals(now, stored.maxTimestamp());
    }

    // an append wakes what waits on the partition in the purgatory
    @Test
    void anAppendWakesWaitingFetches() throws Exception {
        Partition p = partition(DEFAULTS);
        p.becomeLeader(0);
        AtomicInteger woken = new AtomicInteger();
        DelayedOperation waiting = new DelayedOperation(60_000) {
            @Override
            protected boolean tryComplete() {
                return p.highWatermark() > 0 && forceComplete();
            }

            @Override
            protected void onComplete() {
                woken.incrementAndGet();
            }
        };
        purgatory.tryCompleteElseWatch(waiting, List.of(TP));
        assertEquals(0, woken.get());

        p.appendRecordsAsLeader(batch(-1, 0, "a"), System.currentTimeMillis());

        assertEquals(1, woken.get());
        assertTrue(waiting.isCompleted());
    }

    private static void assertRejected(Errors expected, AppendOutcome outcome) {
        assertEquals(expected.code(), assertInstanceOf(AppendOutcome.Rejected.class, outcome).error().code);
    }
}

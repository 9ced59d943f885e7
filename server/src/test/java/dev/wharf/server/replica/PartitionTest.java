package dev.wharf.server.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.controller.TopicInfo;
import dev.wharf.logstore.LogConfig;
import dev.wharf.logstore.LogManager;
import dev.wharf.logstore.ReadResult;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.purgatory.DelayedOperation;
import dev.wharf.server.purgatory.DelayedOperationPurgatory;
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
        waiters = PartitionWaiters.on(timer);
        purgatory = waiters.fetches();
    }

    @AfterEach
    void close() throws Exception {
        timer.stop();
        logs.close();
    }

    private PartitionWaiters waiters;
    /** ISR changes proposed by leaders, as the replica manager would be asked to write them. */
    private final List<List<Integer>> proposedIsrs = new java.util.ArrayList<>();

    private Partition partition(ProduceConfig config) {
        return new Partition(UUID.randomUUID(), logs.getOrCreate(TP), 0, config, waiters,
                (partition, leaderEpoch, partitionEpoch, isr) -> proposedIsrs.add(isr));
    }

    /** Broker 0 leads in {@code epoch}, the only replica. */
    private static void lead(Partition p, int epoch) {
        lead(p, epoch, List.of(0), List.of(0), 0);
    }

    private static void lead(Partition p, int epoch, List<Integer> replicas, List<Integer> isr, int partitionEpoch) {
        p.makeLeader(new TopicInfo.PartitionInfo(0, replicas, 0, epoch, isr, partitionEpoch), System.currentTimeMillis());
    }

    private static void follow(Partition p, int epoch, int leader) {
        p.makeFollower(new TopicInfo.PartitionInfo(0, List.of(0, leader), leader, epoch, List.of(0, leader), 0));
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
        lead(p, 3);
        AppendOutcome first = p.appendRecordsAsLeader(batch(-1, 0, "a", "b"), System.currentTimeMillis(), 1);
        AppendOutcome second = p.appendRecordsAsLeader(batch(-1, 0, "c"), System.currentTimeMillis(), 1);

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
        lead(p, 0);
        long now = System.currentTimeMillis();
        assertInstanceOf(AppendOutcome.Appended.class, p.appendRecordsAsLeader(batch(7, 0, "a", "b"), now, 1));
        AppendOutcome retry = p.appendRecordsAsLeader(batch(7, 0, "a", "b"), now, 1);
        AppendOutcome gap = p.appendRecordsAsLeader(batch(7, 5, "x"), now, 1);

        assertEquals(0, assertInstanceOf(AppendOutcome.Duplicate.class, retry).firstOffset());
        assertEquals(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER.code(),
                assertInstanceOf(AppendOutcome.Rejected.class, gap).error().code);
        assertEquals(2, p.logEndOffset());
    }

    // a replica that does not lead refuses appends; a stale epoch cannot make it leader again
    @Test
    void onlyTheLeaderInItsEpochAppends() throws Exception {
        Partition p = partition(DEFAULTS);
        assertRejected(Errors.NOT_LEADER_OR_FOLLOWER, p.appendRecordsAsLeader(batch(-1, 0, "a"), 0, 1));
        lead(p, 4);
        follow(p, 5, 1);
        lead(p, 4); // news older than what it knows
        assertRejected(Errors.NOT_LEADER_OR_FOLLOWER, p.appendRecordsAsLeader(batch(-1, 0, "a"), 0, 1));
        assertEquals(ErrorCode.FENCED_LEADER_EPOCH, p.checkLeaderEpoch(4));
        assertEquals(ErrorCode.UNKNOWN_LEADER_EPOCH, p.checkLeaderEpoch(6));
        lead(p, 6);
        assertInstanceOf(AppendOutcome.Appended.class, p.appendRecordsAsLeader(batch(-1, 0, "a"), System.currentTimeMillis(), 1));
    }

    // the topic's limits apply: batch size, and LogAppendTime stamps the batch with the broker's time
    @Test
    void topicConfigsShapeTheAppend() throws Exception {
        Partition small = partition(new ProduceConfig(100, true, Long.MAX_VALUE, 3_600_000));
        lead(small, 0);
        assertRejected(Errors.MESSAGE_TOO_LARGE, small.appendRecordsAsLeader(batch(-1, 0, "x".repeat(200)), 0, 1));
        ByteBuf ok = batch(-1, 0, "y");
        long now = System.currentTimeMillis() + 5_000; // the broker's clock, a little ahead of the producer's
        AppendOutcome appended = small.appendRecordsAsLeader(ok, now, 1);
        assertEquals(now, assertInstanceOf(AppendOutcome.Appended.class, appended).logAppendTimeMs());
        RecordBatch stored = RecordBatches.split(Unpooled.wrappedBuffer(ok.nioBuffer(0, ok.writerIndex()))).get(0);
        assertEquals(now, stored.maxTimestamp());
    }

    // a segment holds whole batches: one larger than the segment size is refused as Kafka does (RECORD_LIST_TOO_LARGE)
    @Test
    void aBatchLargerThanASegmentIsRefused() throws Exception {
        Partition p = partition(new ProduceConfig(1 << 20, false, Long.MAX_VALUE, 3_600_000, 1, false, 150));
        lead(p, 0);
        long now = System.currentTimeMillis();
        assertRejected(Errors.RECORD_LIST_TOO_LARGE, p.appendRecordsAsLeader(batch(-1, 0, "x".repeat(200)), now, 1));
        assertInstanceOf(AppendOutcome.Appended.class, p.appendRecordsAsLeader(batch(-1, 0, "y"), now, 1));
    }

    // a compacted topic keeps the latest record per key, so it refuses records without one, compressed or not
    @Test
    void aCompactedTopicRefusesRecordsWithoutAKey() throws Exception {
        Partition compacted = partition(new ProduceConfig(1 << 20, false, Long.MAX_VALUE, 3_600_000, 1, true));
        lead(compacted, 0);
        long now = System.currentTimeMillis();
        assertRejected(Errors.INVALID_RECORD, compacted.appendRecordsAsLeader(ProduceBatch.create()
                .record(now, "k", "keyed").record(now, null, "keyless").build(), now, 1));
        assertRejected(Errors.INVALID_RECORD, compacted.appendRecordsAsLeader(
                ProduceBatch.compressed(dev.wharf.wire.records.CompressionType.LZ4).record(now, null, "keyless").build(), now, 1));
        assertInstanceOf(AppendOutcome.Appended.class, compacted.appendRecordsAsLeader(
                ProduceBatch.compressed(dev.wharf.wire.records.CompressionType.ZSTD).record(now, "k", "v").record(now, "k", null)
                        .build(), now, 1), "keyed records and tombstones are welcome");
        assertEquals(2, compacted.logEndOffset());
        Partition plain = partition(DEFAULTS);
        lead(plain, 0);
        assertInstanceOf(AppendOutcome.Appended.class, plain.appendRecordsAsLeader(batch(-1, 0, "keyless"), now, 1));
    }

    // an append wakes what waits on the partition in the purgatory
    @Test
    void anAppendWakesWaitingFetches() throws Exception {
        Partition p = partition(DEFAULTS);
        lead(p, 0);
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

        p.appendRecordsAsLeader(batch(-1, 0, "a"), System.currentTimeMillis(), 1);

        assertEquals(1, woken.get());
        assertTrue(waiting.isCompleted());
    }

    // with a follower in the ISR, the high watermark waits for its fetches, and acks=all waits for the high watermark
    @Test
    void theHighWatermarkIsTheSmallestLogEndInTheIsr() throws Exception {
        Partition p = partition(DEFAULTS);
        lead(p, 2, List.of(0, 1), List.of(0, 1), 0);
        AppendOutcome.Appended a = assertInstanceOf(AppendOutcome.Appended.class,
                p.appendRecordsAsLeader(batch(-1, 0, "a", "b", "c"), System.currentTimeMillis(), -1));
        java.util.concurrent.CompletableFuture<ErrorCode> acked = p.whenReplicated(a.lastOffset(), a.leaderEpoch(), 60_000);
        assertEquals(0, p.highWatermark(), "the follower's log end is not known yet");
        assertTrue(!acked.isDone());

        assertTrue(p.followerFetched(1, 0, System.currentTimeMillis()));
        assertEquals(0, p.highWatermark());
        assertTrue(!acked.isDone());
        assertTrue(p.followerFetched(1, 3, System.currentTimeMillis()));
        assertEquals(3, p.highWatermark());
        assertEquals(ErrorCode.NONE, acked.getNow(null));
        assertTrue(!p.followerFetched(7, 3, System.currentTimeMillis()), "broker 7 is no replica");
    }

    // acks=all needs min.insync.replicas in the ISR before appending
    @Test
    void tooSmallAnIsrRefusesAcksAll() throws Exception {
        Partition p = partition(new ProduceConfig(1 << 20, false, Long.MAX_VALUE, 3_600_000, 2));
        lead(p, 0, List.of(0, 1), List.of(0), 0);
        assertRejected(Errors.NOT_ENOUGH_REPLICAS, p.appendRecordsAsLeader(batch(-1, 0, "a"), System.currentTimeMillis(), -1));
        assertInstanceOf(AppendOutcome.Appended.class, p.appendRecordsAsLeader(batch(-1, 0, "a"), System.currentTimeMillis(), 1));
        assertEquals(1, p.logEndOffset(), "only the acks=1 batch was appended");
    }

    // an acks=all wait whose ISR shrank below min.insync.replicas meanwhile is answered NOT_ENOUGH_REPLICAS_AFTER_APPEND
    @Test
    void anIsrShrunkWhileWaitingIsNotEnoughAfterAppend() throws Exception {
        Partition p = partition(new ProduceConfig(1 << 20, false, Long.MAX_VALUE, 3_600_000, 2));
        lead(p, 0, List.of(0, 1), List.of(0, 1), 0);
        AppendOutcome.Appended a = assertInstanceOf(AppendOutcome.Appended.class,
                p.appendRecordsAsLeader(batch(-1, 0, "a"), System.currentTimeMillis(), -1));
        java.util.concurrent.CompletableFuture<ErrorCode> acked = p.whenReplicated(a.lastOffset(), a.leaderEpoch(), 60_000);
        p.isrChangeDone(new TopicInfo.PartitionInfo(0, List.of(0, 1), 0, 0, List.of(0), 1)); // broker 1 dropped out
        assertEquals(ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, acked.getNow(null));
        assertEquals(1, p.highWatermark(), "alone in the ISR, the leader's log end is the high watermark");
    }

    // a caught-up follower is proposed for the ISR; a lagging one is proposed out; the ISR changes once written
    @Test
    void followersJoinAndLeaveTheIsr() throws Exception {
        Partition p = partition(DEFAULTS);
        lead(p, 0, List.of(0, 1, 2), List.of(0, 1), 0);
        p.appendRecordsAsLeader(batch(-1, 0, "a", "b"), System.currentTimeMillis(), 1);
        long now = System.currentTimeMillis();
        p.followerFetched(1, 2, now);
        assertEquals(2, p.highWatermark());
        p.followerFetched(2, 1, now);
        assertEquals(List.of(), proposedIsrs, "broker 2 has not caught up to the high watermark");
        p.followerFetched(2, 2, now);
        assertEquals(List.of(List.of(0, 1, 2)), proposedIsrs);
        p.isrChangeDone(new TopicInfo.PartitionInfo(0, List.of(0, 1, 2), 0, 0, List.of(0, 1, 2), 1));
        assertEquals(List.of(0, 1, 2), p.inSyncReplicas());

        p.appendRecordsAsLeader(batch(-1, 0, "c"), now, 1);
        p.followerFetched(2, 3, now + 10);
        p.maybeShrinkIsr(now + 30_005, 30_000); // broker 1 last caught up at now, broker 2 at now + 10
        assertEquals(List.of(0, 2), proposedIsrs.get(1));
        assertEquals(2, p.highWatermark(), "broker 1 counts until the shrink is written");
        p.isrChangeDone(new TopicInfo.PartitionInfo(0, List.of(0, 1, 2), 0, 0, List.of(0, 2), 2));
        assertEquals(3, p.highWatermark());
    }

    // an acks=all wait ends with NOT_LEADER_OR_FOLLOWER when leadership moves, never with success
    @Test
    void losingLeadershipEndsReplicationWaits() throws Exception {
        Partition p = partition(DEFAULTS);
        lead(p, 3, List.of(0, 1), List.of(0, 1), 0);
        AppendOutcome.Appended a = assertInstanceOf(AppendOutcome.Appended.class,
                p.appendRecordsAsLeader(batch(-1, 0, "a"), System.currentTimeMillis(), -1));
        java.util.concurrent.CompletableFuture<ErrorCode> acked = p.whenReplicated(a.lastOffset(), a.leaderEpoch(), 60_000);
        follow(p, 4, 1);
        assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, acked.getNow(null));
        lead(p, 5, List.of(0, 1), List.of(0), 1);
        assertEquals(ErrorCode.NOT_LEADER_OR_FOLLOWER, p.whenReplicated(a.lastOffset(), a.leaderEpoch(), 1).getNow(null),
                "a batch of an older leader epoch may have been truncated meanwhile");
    }

    // a follower appends in the epoch it follows only, and truncates to where it agrees with the leader
    @Test
    void followersAppendAndTruncateInTheirEpochOnly() throws Exception {
        Partition leader = new Partition(UUID.randomUUID(), logs.getOrCreate(new TopicPartition("orders", 1)), 1,
                DEFAULTS, waiters, IsrChanger.NONE);
        leader.makeLeader(new TopicInfo.PartitionInfo(1, List.of(1, 0), 1, 2, List.of(1), 0), System.currentTimeMillis());
        leader.appendRecordsAsLeader(batch(-1, 0, "a", "b"), System.currentTimeMillis(), 1);
        leader.appendRecordsAsLeader(batch(-1, 0, "c"), System.currentTimeMillis(), 1);
        ReadResult.Batches copied = assertInstanceOf(ReadResult.Batches.class, leader.readForFollower(0, 1 << 20));
        ByteBuf bytes = Unpooled.buffer(copied.slice().length());
        bytes.writeBytes(copied.slice().channel(), copied.slice().position(), copied.slice().length());
        copied.slice().release();

        Partition p = partition(DEFAULTS);
        follow(p, 2, 1);
        assertEquals(null, p.followerWrites().append(bytes.duplicate(), 1), "a fetch of an older epoch is dropped");
        assertEquals(3, p.followerWrites().append(bytes, 2).lastOffset() + 1);
        assertEquals(3, p.logEndOffset());
        assertEquals(2, p.latestLogEpoch());
        p.followerWrites().followLeaderHighWatermark(10);
        assertEquals(3, p.highWatermark(), "never past its own log end");
        assertTrue(!p.followerWrites().truncate(2, 1));
        assertTrue(p.followerWrites().truncate(2, 2));
        assertEquals(2, p.logEndOffset());
        assertRejected(Errors.NOT_LEADER_OR_FOLLOWER, p.appendRecordsAsLeader(batch(-1, 0, "x"), System.currentTimeMillis(), 1));
        bytes.release();
    }

    // read_committed reads stop at the last stable offset: the first offset of a transaction still
    // open; once it is aborted, the reads go on and name it among the aborted transactions
    @Test
    void readCommittedStopsAtTheLastStableOffset() throws Exception {
        Partition p = partition(DEFAULTS);
        lead(p, 0);
        p.appendAsLeader(batch(-1, 0, "plain"));
        p.appendAsLeader(dev.wharf.testing.ProduceBatch.create().producer(9, (short) 0, 0).transactional().value("t").build());
        assertEquals(2, p.highWatermark());
        assertEquals(1, p.lastStableOffset());
        ReadResult.Batches committed = assertInstanceOf(ReadResult.Batches.class, p.readCommitted(0, 1 << 20));
        assertEquals(1, RecordBatches.split(bytesOf(committed)).size(), "only the batch below the open transaction");
        assertInstanceOf(ReadResult.NoData.class, p.readCommitted(1, 1 << 20));

        p.appendAsLeader(new dev.wharf.wire.records.ControlRecord(dev.wharf.wire.records.ControlRecord.Type.ABORT, 0)
                .toBatch(9, (short) 0, System.currentTimeMillis()));
        assertEquals(3, p.lastStableOffset());
        assertEquals(List.of(new dev.wharf.logstore.AbortedTxn(9, 1, 2, 3)), p.abortedTransactions(0, 3));
        ReadResult.Batches all = assertInstanceOf(ReadResult.Batches.class, p.readCommitted(1, 1 << 20));
        assertEquals(2, RecordBatches.split(bytesOf(all)).size(), "the aborted batch and its marker; the client drops them");
    }

    /** The bytes of a read, its slice released. */
    private static ByteBuf bytesOf(ReadResult.Batches read) throws java.io.IOException {
        ByteBuf out = Unpooled.buffer(read.slice().length());
        out.writeBytes(read.slice().channel(), read.slice().position(), read.slice().length());
        read.slice().release();
        return out;
    }

    private static void assertRejected(Errors expected, AppendOutcome outcome) {
        assertEquals(expected.code(), assertInstanceOf(AppendOutcome.Rejected.class, outcome).error().code);
    }
}

package dev.wharf.logstore;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.CorruptRecordException;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatchBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A follower's log: batches fetched from the leader stored as the leader stored them, divergent
 * tails found and cut as the broker's fetcher will (KIP-101/279), producer state carried over,
 * and what a follower must refuse.
 */
class FollowerAppendTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);

    @TempDir
    Path dir;

    private final TestLogs t = new TestLogs();

    private PartitionLog open(String name, LogConfig config) throws IOException {
        return open(dir.resolve(name), config, true);
    }

    private PartitionLog open(Path logDir, LogConfig config, boolean clean) throws IOException {
        return PartitionLog.open(logDir, TP, config, 0, 0, clean, LogEnvironment.standalone(t.clock::get));
    }

    /** The bytes of a slice, as a fetch response carries them; releases the slice. */
    private static ByteBuf fetched(Slice slice) throws IOException {
        try {
            ByteBuffer bytes = ByteBuffer.allocate(slice.length());
            while (bytes.hasRemaining()) {
                if (slice.channel().read(bytes, slice.position() + bytes.position()) < 0) {
                    throw new IOException("slice runs past the file");
                }
            }
            return Unpooled.wrappedBuffer(bytes.flip());
        } finally {
            slice.release();
        }
    }

    /** One fetch from the follower's log end, as the broker's fetcher sends it. */
    private static ByteBuf fetch(PartitionLog leader, long offset, int maxBytes) throws IOException {
        ReadResult r = leader.read(offset, maxBytes, leader.logEndOffset());
        return fetched(assertInstanceOf(ReadResult.Batches.class, r, "fetch at " + offset).slice());
    }

    /** Fetches until the follower has the leader's log end, {@code maxBytes} at a time; returns the fetches. */
    private static int catchUp(PartitionLog leader, PartitionLog follower, int maxBytes) throws IOException {
        int fetches = 0;
        while (follower.logEndOffset() < leader.logEndOffset()) {
            long from = follower.logEndOffset();
            AppendResult r = follower.appendAsFollower(fetch(leader, from, maxBytes));
            assertTrue(r.firstOffset() >= from && r.lastOffset() < leader.logEndOffset(), r.toString());
            assertEquals(r.lastOffset() + 1, follower.logEndOffset());
            fetches++;
        }
        return fetches;
    }

    /**
     * Cuts the follower's log where it diverges from the leader's, as the broker's fetcher will:
     * ask the leader where the follower's latest epoch ends; if the follower has the epoch the
     * leader answers with, cut at the smaller of the two ends, done; else cut where the follower's
     * epochs up to that one end, and ask again. Returns the rounds it took.
     */
    private static int truncateToDivergence(PartitionLog leader, PartitionLog follower) throws IOException {
        for (int round = 1; ; round++) {
            LeaderEpochCache.EpochEndOffset answer = leader.endOffsetForEpoch(follower.leaderEpochs().latestEpoch());
            if (answer.equals(LeaderEpochCache.EpochEndOffset.UNDEFINED)) {
                follower.truncateTo(0);
                return round;
            }
            LeaderEpochCache.EpochEndOffset own = follower.endOffsetForEpoch(answer.epoch());
            if (own.epoch() == answer.epoch()) {
                follower.truncateTo(Math.min(answer.endOffset(), own.endOffset()));
                return round;
            }
            follower.truncateTo(own.endOffset());
        }
    }

    /** Every batch of the log, as stored (base offset and leader epoch included), in offset order. */
    private static List<ByteBuffer> storedBatches(PartitionLog log) throws IOException {
        List<ByteBuffer> out = new ArrayList<>();
        long next = log.logStartOffset();
        while (next < log.logEndOffset()) {
            ReadResult.Batches r = assertInstanceOf(ReadResult.Batches.class, log.read(next, 1 << 16, log.logEndOffset()));
            try {
                for (RecordBatch b : TestLogs.batches(r.slice())) {
                    out.add(ByteBuffer.wrap(ByteBufUtil.getBytes(b.buffer())));
                    next = b.nextOffset();
                }
            } finally {
                r.slice().release();
            }
        }
        return out;
    }

    private static Set<CompressionType> compressions(List<ByteBuffer> batches) {
        Set<CompressionType> out = EnumSet.noneOf(CompressionType.class);
        batches.forEach(b -> out.add(RecordBatch.wrap(Unpooled.wrappedBuffer(b.duplicate())).compression()));
        return out;
    }

    /** A batch as a leader stored it: {@code n} records from {@code baseOffset}, in leader epoch {@code epoch}. */
    private static ByteBuf storedBatch(long baseOffset, int epoch, int n) {
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE).baseOffset(baseOffset).partitionLeaderEpoch(epoch);
        for (int i = 0; i < n; i++) {
            b.append(1_700_000_000_000L + i, null, ("r" + (baseOffset + i)).getBytes(StandardCharsets.UTF_8), List.of());
        }
        return b.build();
    }

    private static ByteBuf concat(ByteBuf... parts) {
        return Unpooled.wrappedBuffer(parts);
    }

    private static LeaderAppendResult produce(PartitionLog log, int leaderEpoch, long pid, int producerEpoch, int seq, int n)
            throws IOException {
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE).producer(pid, (short) producerEpoch, seq);
        for (int i = 0; i < n; i++) {
            b.append(1_700_000_000_000L + i, null, ("v" + seq + "-" + i).getBytes(StandardCharsets.UTF_8), List.of());
        }
        return log.appendAsLeader(b.build(), leaderEpoch,
                new ProducerBatchInfo(pid, (short) producerEpoch, seq, ProducerBatchInfo.lastSequence(seq, n - 1)));
    }

    private static void copyDir(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(from.relativize(f).toString()));
            }
        }
    }

    // A follower fetching in small chunks while the leader writes across epochs, segment rolls and
    // every codec ends with the leader's batches byte for byte, the same epoch history and log
    // end, and every record readable; a reopened follower (clean or after a crash) still has them.
    @Test
    void followerStoresTheLeadersBatchesAsTheyAre() throws IOException {
        LogConfig config = TestLogs.config(2048, 256);
        PartitionLog leader = open("leader", config);
        PartitionLog follower = open("follower", config);
        int[] epochs = {0, 0, 1, 3, 3, 4};
        CompressionType[] codecs = CompressionType.values();
        int fetches = 0;
        for (int i = 0; i < 180; i++) {
            t.append(leader, 1 + i % 6, epochs[i / 30], codecs[i % codecs.length]);
            if (i % 7 == 6) {
                fetches += catchUp(leader, follower, 300 + 97 * (i % 5));
            }
        }
        fetches += catchUp(leader, follower, 1000);
        assertTrue(fetches > 20, "fetches: " + fetches);
        assertTrue(follower.segmentCount() > 5, "segments: " + follower.segmentCount());

        List<ByteBuffer> leaderBatches = storedBatches(leader);
        assertEquals(leaderBatches, storedBatches(follower));
        assertEquals(EnumSet.allOf(CompressionType.class), compressions(storedBatches(follower)));
        // 30 batches of 1 to 6 records per epoch step: 105 offsets
        assertEquals(List.of(new LeaderEpochCache.EpochEntry(0, 0), new LeaderEpochCache.EpochEntry(1, 210),
                new LeaderEpochCache.EpochEntry(3, 315), new LeaderEpochCache.EpochEntry(4, 525)),
                follower.leaderEpochs().entries());
        assertEquals(leader.leaderEpochs().entries(), follower.leaderEpochs().entries());
        assertEquals(leader.logEndOffset(), follower.logEndOffset());
        assertEquals(t.written, TestLogs.readAll(follower, 0, 1 << 20));
        assertEquals(t.written, TestLogs.readAll(follower, 0, 1));

        // a crash: the files as they are now, without the close (no producer snapshot, indexes untrimmed)
        follower.flush();
        Path crashed = dir.resolve("crashed");
        copyDir(dir.resolve("follower"), crashed);
        follower.close();
        PartitionLog reopened = open("follower", config);
        assertEquals(leaderBatches, storedBatches(reopened));
        assertEquals(leader.leaderEpochs().entries(), reopened.leaderEpochs().entries());
        reopened.close();
        PartitionLog recovered = open(crashed, config, false);
        assertEquals(leaderBatches, storedBatches(recovered));
        assertEquals(leader.leaderEpochs().entries(), recovered.leaderEpochs().entries());
        assertEquals(t.written, TestLogs.readAll(recovered, 0, 1 << 20));
        recovered.close();
        leader.close();
    }

    // A fetch answer cut inside its last batch is stored up to the last whole batch; one with no
    // whole batch at all, or nothing, is refused.
    @Test
    void aBatchCutShortAtTheEndIsLeftOut() throws IOException {
        PartitionLog leader = open("leader", TestLogs.config(1 << 20, 4096));
        PartitionLog follower = open("follower", TestLogs.config(1 << 20, 4096));
        for (int i = 0; i < 5; i++) {
            t.append(leader, 4, 2, CompressionType.NONE);
        }
        ByteBuf all = fetch(leader, 0, 1 << 20);
        int cut = all.readableBytes() - 9;
        AppendResult r = follower.appendAsFollower(all.slice(0, cut));
        assertEquals(new AppendResult(0, 15, t.written.get(15).timestamp(), 4), r);
        assertEquals(16, follower.logEndOffset());

        ByteBuf last = fetch(leader, 16, 1 << 20);
        assertThrows(CorruptRecordException.class, () -> follower.appendAsFollower(last.slice(0, 40)));
        assertThrows(CorruptRecordException.class, () -> follower.appendAsFollower(last.slice(0, 5)));
        assertThrows(IllegalArgumentException.class, () -> follower.appendAsFollower(Unpooled.EMPTY_BUFFER));
        assertEquals(16, follower.logEndOffset());
        follower.appendAsFollower(last);
        assertEquals(storedBatches(leader), storedBatches(follower));
        follower.close();
        leader.close();
    }

    // KIP-101: the old leader wrote batches in epoch 1 that the new leader never got; the new
    // leader wrote others at those offsets in epoch 2. The old leader, now following, cuts its
    // tail where epoch 1 ends on the new leader and ends up with the new leader's log.
    @Test
    void divergentTailIsCutWhereTheLeadersEpochEnds() throws IOException {
        LogConfig config = TestLogs.config(1024, 128);
        PartitionLog a = open("a", config);
        PartitionLog b = open("b", config);
        for (int i = 0; i < 20; i++) {
            t.append(a, 3, 1, CompressionType.NONE); // 0-59, both get them
        }
        catchUp(a, b, 500);
        for (int i = 0; i < 10; i++) {
            t.append(a, 2, 1, CompressionType.LZ4); // 60-79, only a
        }
        for (int i = 0; i < 15; i++) {
            t.append(b, 4, 2, CompressionType.NONE); // 60-119 on b, the new leader
        }
        assertEquals(1, truncateToDivergence(b, a));
        assertEquals(60, a.logEndOffset());
        assertEquals(List.of(new LeaderEpochCache.EpochEntry(1, 0)), a.leaderEpochs().entries());
        catchUp(b, a, 700);
        assertEquals(storedBatches(b), storedBatches(a));
        assertEquals(b.leaderEpochs().entries(), a.leaderEpochs().entries());
        a.close();
        b.close();
    }

    // KIP-279: two divergent epochs. a led epoch 1 (its 10-14 never reached b), b led epoch 2,
    // a led epoch 3 on its own log, b leads epoch 4. The first round cuts a's epoch 3 (b has no
    // epoch 3: it ends a at the end of its epoch 1), the second cuts a's epoch-1 tail.
    @Test
    void twoDivergentEpochsNeedTwoRounds() throws IOException {
        LogConfig config = TestLogs.config(1024, 128);
        PartitionLog a = open("a", config);
        PartitionLog b = open("b", config);
        t.append(a, 10, 1, CompressionType.NONE); // 0-9 in epoch 1
        catchUp(a, b, 1 << 20);
        t.append(a, 5, 1, CompressionType.ZSTD); // 10-14, only on a
        t.append(b, 5, 2, CompressionType.NONE); // 10-24 on b in epoch 2
        t.append(b, 10, 2, CompressionType.GZIP);
        t.append(a, 5, 3, CompressionType.NONE); // 15-19 on a in epoch 3
        t.append(b, 5, 4, CompressionType.SNAPPY); // 25-29 on b in epoch 4
        assertEquals(List.of(new LeaderEpochCache.EpochEntry(1, 0), new LeaderEpochCache.EpochEntry(3, 15)),
                a.leaderEpochs().entries());

        assertEquals(2, truncateToDivergence(b, a));
        assertEquals(10, a.logEndOffset());
        catchUp(b, a, 200);
        assertEquals(storedBatches(b), storedBatches(a));
        assertEquals(List.of(new LeaderEpochCache.EpochEntry(1, 0), new LeaderEpochCache.EpochEntry(2, 10),
                new LeaderEpochCache.EpochEntry(4, 25)), a.leaderEpochs().entries());
        assertEquals(new LeaderEpochCache.EpochEndOffset(2, 25), a.endOffsetForEpoch(3));
        a.close();
        b.close();
    }

    // A follower learns the producers from the batches it stores: once leader, it answers a
    // producer's retry of its last batch as a duplicate at the original offset, accepts the next
    // sequence and refuses a gap; so does it after a clean reopen and after a crash.
    @Test
    void producerStateCarriesOverToAFollowerThatBecomesLeader() throws IOException {
        LogConfig config = TestLogs.config(1024, 256);
        PartitionLog leader = open("leader", config);
        PartitionLog follower = open("follower", config);
        for (int i = 0; i < 30; i++) {
            produce(leader, 0, 7, 0, i * 3, 3); // across several segments
        }
        produce(leader, 0, 8, 2, 0, 1);
        catchUp(leader, follower, 400);
        assertEquals(2, follower.producerState().producerCount());
        follower.flush();
        Path crashed = dir.resolve("crashed");
        copyDir(dir.resolve("follower"), crashed);

        assertEquals(new LeaderAppendResult.Duplicate(87), produce(follower, 1, 7, 0, 87, 3));
        assertEquals(new LeaderAppendResult.Duplicate(90), produce(follower, 1, 8, 2, 0, 1));
        assertEquals(ProducerRejection.OUT_OF_ORDER_SEQUENCE_NUMBER,
                assertInstanceOf(LeaderAppendResult.Rejected.class, produce(follower, 1, 7, 0, 95, 1)).reason());
        assertEquals(91, assertInstanceOf(LeaderAppendResult.Appended.class, produce(follower, 1, 7, 0, 90, 2))
                .result().firstOffset());
        follower.close();

        PartitionLog reopened = open("follower", config);
        assertEquals(new LeaderAppendResult.Duplicate(91), produce(reopened, 1, 7, 0, 90, 2));
        assertEquals(ProducerRejection.OUT_OF_ORDER_SEQUENCE_NUMBER,
                assertInstanceOf(LeaderAppendResult.Rejected.class, produce(reopened, 1, 8, 2, 5, 1)).reason());
        reopened.close();

        PartitionLog recovered = open(crashed, config, false); // no snapshot: rebuilt from the batch headers
        assertEquals(new LeaderAppendResult.Duplicate(87), produce(recovered, 1, 7, 0, 87, 3));
        assertEquals(91, assertInstanceOf(LeaderAppendResult.Appended.class, produce(recovered, 1, 7, 0, 90, 1))
                .result().firstOffset());
        recovered.close();
        leader.close();
    }

    // A follower behind the leader's log start drops its log and starts empty there: offsets,
    // epochs and producers all start afresh, and so does it after a reopen.
    @Test
    void truncateFullyAndStartAtRestartsTheLogEmpty() throws IOException {
        LogConfig config = TestLogs.config(1024, 128);
        PartitionLog follower = open("follower", config);
        for (int i = 0; i < 20; i++) {
            produce(follower, 2, 7, 0, i * 3, 3);
        }
        follower.updateHighWatermark(30);
        assertTrue(follower.segmentCount() > 1);

        follower.truncateFullyAndStartAt(1000);
        assertEquals(1000, follower.logStartOffset());
        assertEquals(1000, follower.logEndOffset());
        assertEquals(1000, follower.highWatermark());
        assertEquals(List.of(), follower.leaderEpochs().entries());
        assertEquals(0, follower.producerState().producerCount());
        assertEquals(List.of(1000L), follower.segmentBaseOffsets());
        assertEquals(new ReadResult.OutOfRange(1000, 1000), follower.read(10, 100, Long.MAX_VALUE));
        assertInstanceOf(ReadResult.NoData.class, follower.read(1000, 100, Long.MAX_VALUE));

        ByteBuf batch = storedBatch(1000, 1, 5); // an epoch older than the dropped log's: it is forgotten
        List<ByteBuffer> expected = List.of(ByteBuffer.wrap(ByteBufUtil.getBytes(batch)));
        follower.appendAsFollower(batch);
        assertEquals(1005, follower.logEndOffset());
        assertEquals(expected, storedBatches(follower));
        assertEquals(List.of(new LeaderEpochCache.EpochEntry(1, 1000)), follower.leaderEpochs().entries());
        follower.close();
        PartitionLog reopened = open("follower", config);
        assertEquals(1000, reopened.logStartOffset());
        assertEquals(expected, storedBatches(reopened));
        assertEquals(List.of(new LeaderEpochCache.EpochEntry(1, 1000)), reopened.leaderEpochs().entries());
        reopened.close();
    }

    // A follower stores nothing it should not: a batch failing its CRC, batches starting before
    // its log end or overlapping each other, an epoch older than its latest or than the batch
    // before. A gap after the log end (the leader's compaction) is taken: the log end jumps.
    @Test
    void refusesCorruptOverlappingAndOlderBatches() throws IOException {
        PartitionLog follower = open("follower", TestLogs.config(1 << 20, 4096));
        follower.appendAsFollower(concat(storedBatch(0, 3, 5), storedBatch(5, 3, 5)));
        assertEquals(10, follower.logEndOffset());

        ByteBuf corrupt = storedBatch(12, 3, 5); // a gap before it would be fine: the CRC is not
        corrupt.setByte(corrupt.writerIndex() - 2, corrupt.getByte(corrupt.writerIndex() - 2) ^ 0x01);
        assertThrows(CorruptRecordException.class, () -> follower.appendAsFollower(corrupt));
        assertThrows(CorruptRecordException.class, () -> follower.appendAsFollower(concat(storedBatch(10, 3, 2), corrupt)));

        assertThrows(IllegalArgumentException.class, () -> follower.appendAsFollower(storedBatch(5, 3, 5)));
        assertThrows(IllegalArgumentException.class, () -> follower.appendAsFollower(storedBatch(9, 3, 2)));
        assertThrows(IllegalArgumentException.class,
                () -> follower.appendAsFollower(concat(storedBatch(10, 3, 5), storedBatch(14, 3, 2))));
        assertThrows(IllegalArgumentException.class, () -> follower.appendAsFollower(storedBatch(10, 2, 5)));
        assertThrows(IllegalArgumentException.class,
                () -> follower.appendAsFollower(concat(storedBatch(10, 4, 5), storedBatch(15, 3, 2))));
        assertEquals(10, follower.logEndOffset());
        assertEquals(List.of(new LeaderEpochCache.EpochEntry(3, 0)), follower.leaderEpochs().entries());

        AppendResult jumped = follower.appendAsFollower(concat(storedBatch(20, 3, 2), storedBatch(30, 5, 3)));
        assertEquals(new AppendResult(20, 32, 1_700_000_000_002L, 2), jumped);
        assertEquals(33, follower.logEndOffset());
        assertEquals(List.of(new LeaderEpochCache.EpochEntry(3, 0), new LeaderEpochCache.EpochEntry(5, 30)),
                follower.leaderEpochs().entries());
        ReadResult.Batches inGap = assertInstanceOf(ReadResult.Batches.class, follower.read(12, 1, 33));
        assertEquals(20, inGap.slice().firstOffset());
        inGap.slice().release();
        follower.close();
    }

    // A gap wider than a segment's 4-byte relative offsets starts a new segment at the batch, even
    // when the active segment is still empty.
    @Test
    void aHugeGapStartsANewSegment() throws IOException {
        PartitionLog follower = open("follower", TestLogs.config(1 << 20, 4096));
        long far = 5L << 32;
        follower.appendAsFollower(storedBatch(far, 0, 3));
        assertEquals(List.of(far), follower.segmentBaseOffsets());
        follower.appendAsFollower(storedBatch(2 * far, 0, 3));
        assertEquals(List.of(far, 2 * far), follower.segmentBaseOffsets());
        assertEquals(2 * far + 3, follower.logEndOffset());
        assertEquals(2, storedBatches(follower).size());
        follower.close();
        PartitionLog reopened = open("follower", TestLogs.config(1 << 20, 4096));
        assertEquals(2 * far + 3, reopened.logEndOffset());
        reopened.close();
    }
}

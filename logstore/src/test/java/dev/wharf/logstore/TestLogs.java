package dev.wharf.logstore;

import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.Header;
import dev.wharf.wire.records.Record;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatchBuilder;
import dev.wharf.wire.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/** Builds batches for log tests and remembers what was written, to check reads against. */
final class TestLogs {
    /** A record as the test wrote it; its offset is known once the log assigned it. */
    record Written(long offset, long timestamp, String key, String value, List<Header> headers) {}

    final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    final List<Written> written = new ArrayList<>();
    private final Random random = new Random(42);

    static LogConfig config(int segmentBytes, int indexInterval) {
        return LogConfig.DEFAULTS.with(java.util.Map.of(
                "segment.bytes", Integer.toString(segmentBytes),
                "index.interval.bytes", Integer.toString(indexInterval),
                "file.delete.delay.ms", "0"));
    }

    /** A batch of {@code n} records with increasing timestamps; not yet offset-assigned. */
    ByteBuf batch(int n, CompressionType compression) {
        RecordBatchBuilder b = new RecordBatchBuilder(compression).producer(7L, (short) 0, 0);
        for (int i = 0; i < n; i++) {
            long ts = clock.addAndGet(1 + random.nextInt(3));
            String key = random.nextInt(4) == 0 ? null : "k" + random.nextInt(1000);
            String value = "v".repeat(random.nextInt(60));
            List<Header> headers = random.nextBoolean() ? List.of() : List.of(new Header("h", new byte[] {1, 2}));
            b.append(ts, key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                    value.getBytes(StandardCharsets.UTF_8), headers);
        }
        return b.build();
    }

    /** Appends a batch of {@code n} records and remembers them with their assigned offsets. */
    AppendResult append(PartitionLog log, int n) throws IOException {
        return append(log, n, 3, random.nextInt(3) == 0 ? CompressionType.LZ4 : CompressionType.NONE);
    }

    /** As {@link #append(PartitionLog, int)}, in leader epoch {@code leaderEpoch}, compressed with {@code compression}. */
    AppendResult append(PartitionLog log, int n, int leaderEpoch, CompressionType compression) throws IOException {
        ByteBuf batch = batch(n, compression);
        AppendResult result = log.append(batch, leaderEpoch);
        RecordBatch appended = RecordBatches.split(batch).get(0);
        for (Record r : appended.records()) {
            written.add(new Written(r.offset(), r.timestamp(), str(r.key()), str(r.value()), r.headers()));
        }
        return result;
    }

    /**
     * A {@code .cleaned} segment at {@code old}'s first base offset holding every batch of {@code old} (a compaction
     * that kept everything), prepared for the swap (aborted transactions carried, fsynced).
     */
    static LogSegment mergedCopy(Path dir, List<LogSegment> old, LogConfig config, long nowMs, FileHandles handles)
            throws IOException {
        LogSegment merged = unpreparedCopy(dir, old, config, nowMs, handles);
        SwapPreparation.prepare(List.of(merged), old);
        return merged;
    }

    /** As {@link #mergedCopy}, not yet prepared for the swap: still writable, nothing carried or fsynced. */
    static LogSegment unpreparedCopy(Path dir, List<LogSegment> old, LogConfig config, long nowMs, FileHandles handles)
            throws IOException {
        LogSegment merged = LogSegment.createCleaned(dir, old.get(0).baseOffset(), config, nowMs, handles);
        for (LogSegment o : old) {
            ByteBuf buf = bytesOf(o);
            merged.append(buf, RecordBatches.split(buf));
        }
        return merged;
    }

    /** Every batch of a segment, read into a heap buffer. */
    static ByteBuf bytesOf(LogSegment segment) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(segment.size());
        SegmentChannel file = segment.acquire();
        try {
            while (bytes.hasRemaining()) {
                file.channel().read(bytes, bytes.position());
            }
        } finally {
            file.release();
        }
        return Unpooled.wrappedBuffer(bytes.flip());
    }

    static String str(ByteBuf b) {
        return b == null ? null : b.toString(StandardCharsets.UTF_8);
    }

    /** The batches of a slice, read from its file. */
    static List<RecordBatch> batches(Slice slice) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(slice.length());
        while (bytes.hasRemaining()) {
            if (slice.channel().read(bytes, slice.position() + bytes.position()) < 0) {
                throw new IOException("slice runs past the file");
            }
        }
        List<RecordBatch> out = RecordBatches.split(Unpooled.wrappedBuffer(bytes.flip()));
        out.forEach(RecordBatch::ensureValid);
        return out;
    }

    /** Replicates the whole of {@code leader} to an empty {@code follower}, a segment's worth per fetch. */
    static void replicate(PartitionLog leader, PartitionLog follower) throws IOException {
        long next = leader.logStartOffset();
        while (next < leader.logEndOffset()) {
            ReadResult r = leader.read(next, Integer.MAX_VALUE, leader.logEndOffset());
            if (!(r instanceof ReadResult.Batches b)) {
                throw new AssertionError("no data at " + next + ": " + r);
            }
            ByteBuffer bytes = ByteBuffer.allocate(b.slice().length());
            try {
                while (bytes.hasRemaining()) {
                    if (b.slice().channel().read(bytes, b.slice().position() + bytes.position()) < 0) {
                        throw new IOException("slice runs past the file");
                    }
                }
            } finally {
                b.slice().release();
            }
            next = follower.appendAsFollower(Unpooled.wrappedBuffer(bytes.flip())).lastOffset() + 1;
        }
    }

    /** Every record from {@code from} to the log end, read through the log as a consumer would. */
    static List<Written> readAll(PartitionLog log, long from, int maxBytes) throws IOException {
        List<Written> out = new ArrayList<>();
        long next = from;
        while (next < log.logEndOffset()) {
            ReadResult r = log.read(next, maxBytes, log.logEndOffset());
            if (!(r instanceof ReadResult.Batches b)) {
                throw new AssertionError("no data at " + next + ": " + r);
            }
            try {
                for (RecordBatch batch : batches(b.slice())) {
                    for (Record rec : batch.records()) {
                        if (rec.offset() >= next) {
                            out.add(new Written(rec.offset(), rec.timestamp(), str(rec.key()), str(rec.value()),
                                    rec.headers()));
                        }
                    }
                    next = batch.nextOffset();
                }
            } finally {
                b.slice().release();
            }
        }
        return out;
    }
}

package dev.wharf.logstore;

import dev.wharf.wire.records.CorruptRecordException;
import dev.wharf.wire.records.RecordBatch;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Reads a sealed segment's batches front to back in chunks of a reusable buffer, for the log
 * cleaner: one positional read brings in many small batches; a batch larger than the buffer gets
 * a buffer of its own size (bounded by the segment's size, which the length field is checked
 * against). Holds a reference on the segment's file until closed. One thread.
 */
final class SegmentScan implements AutoCloseable {
    private final SegmentChannel file;
    private final int limit;
    private final ByteBuffer chunk;
    private final IoThrottler throttle;
    /** File position of {@link #chunk}'s first byte. */
    private long chunkStart;
    private long position;

    SegmentScan(LogSegment segment, ByteBuffer buffer, IoThrottler throttle) throws IOException {
        this.file = segment.acquire();
        this.limit = segment.size();
        this.chunk = buffer;
        this.throttle = throttle;
        chunk.clear().limit(0);
    }

    /** The next batch, or null past the last; a view valid until the next call. */
    RecordBatch next() throws IOException {
        if (position + RecordBatch.LOG_OVERHEAD > limit) {
            return null;
        }
        int length = readInt(position + RecordBatch.LENGTH_OFFSET);
        long size = (long) length + RecordBatch.LOG_OVERHEAD;
        if (length < RecordBatch.HEADER_SIZE - RecordBatch.LOG_OVERHEAD || position + size > limit) {
            throw new CorruptRecordException("batch at position " + position + " of " + file + " claims length "
                    + length + " with " + (limit - position) + " bytes left");
        }
        ByteBuf batch;
        if (size > chunk.capacity()) {
            ByteBuffer own = ByteBuffer.allocate((int) size);
            readFully(own, position);
            batch = Unpooled.wrappedBuffer(own.flip());
        } else {
            ensureChunkHolds(position, (int) size);
            int at = (int) (position - chunkStart);
            batch = Unpooled.wrappedBuffer(chunk.duplicate().position(at).limit(at + (int) size).slice());
        }
        position += size;
        return RecordBatch.wrap(batch);
    }

    private int readInt(long at) throws IOException {
        ensureChunkHolds(at, 4);
        return chunk.getInt((int) (at - chunkStart));
    }

    /** Makes the chunk hold {@code [at, at + n)} (n at most its capacity), reading from {@code at} if it does not. */
    private void ensureChunkHolds(long at, int n) throws IOException {
        if (at >= chunkStart && at + n <= chunkStart + chunk.limit()) {
            return;
        }
        chunk.clear();
        chunk.limit((int) Math.min(chunk.capacity(), limit - at));
        readFully(chunk, at);
        chunk.flip();
        chunkStart = at;
    }

    private void readFully(ByteBuffer dst, long at) throws IOException {
        throttle.acquire(dst.remaining());
        long p = at;
        while (dst.hasRemaining()) {
            int n = file.channel().read(dst, p);
            if (n < 0) {
                throw new IOException("segment " + file + " ended at " + p + " before its size " + limit);
            }
            p += n;
        }
    }

    @Override
    public void close() {
        file.release();
    }
}

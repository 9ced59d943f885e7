package dev.wharf.wire.frame;

import dev.wharf.wire.protocol.RecordInserts;
import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.FileRecords;
import dev.wharf.wire.records.Records;
import io.netty.buffer.ByteBuf;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * An encoded response frame (length prefix included) that never copied its record data: one
 * buffer holding everything but the record sets, plus the record sets to insert at given offsets
 * of it. The frame is the buffer's bytes up to the first insert, the first record set, the buffer's
 * bytes up to the next insert, and so on.
 *
 * <p>{@link #transferTo} sends it to a channel (record sets in files with
 * {@code FileChannel.transferTo}, so they go from the page cache to the socket); {@link #parts()}
 * gives the same as an ordered list for transports that want separate buffers and file regions.
 * Owns one reference to the buffer and to each record set. Not thread-safe.
 */
public final class EncodedResponse {
    private final ByteBuf buffer;
    private final RecordInserts inserts;
    private final long frameSize;
    // Cursor for transferTo: the segment holding the next byte to send, and its start in the frame.
    private int segment;
    private long segmentStart;

    EncodedResponse(ByteBuf buffer, RecordInserts inserts) {
        this.buffer = buffer;
        this.inserts = inserts;
        this.frameSize = buffer.readableBytes() + inserts.totalBytes();
    }

    public long frameSize() {
        return frameSize;
    }

    /** Bytes of record data sent from files. */
    public long fileBytes() {
        long total = 0;
        for (int i = 0; i < inserts.count(); i++) {
            if (inserts.records(i) instanceof FileRecords f) {
                total += f.length();
            }
        }
        return total;
    }

    /** Segments alternate: even ones are buffer ranges, odd ones record sets. */
    private int segmentCount() {
        return 2 * inserts.count() + 1;
    }

    private long segmentLength(int s) {
        if ((s & 1) == 1) {
            return inserts.records(s >> 1).sizeInBytes();
        }
        int i = s >> 1;
        int from = i == 0 ? buffer.readerIndex() : inserts.offset(i - 1);
        int to = i == inserts.count() ? buffer.writerIndex() : inserts.offset(i);
        return to - from;
    }

    private int bufferSegmentStart(int s) {
        int i = s >> 1;
        return i == 0 ? buffer.readerIndex() : inserts.offset(i - 1);
    }

    /**
     * Writes from frame byte {@code position} on until done or the channel takes no more; returns
     * the bytes written. Call again with the position advanced by what was written.
     */
    public long transferTo(WritableByteChannel target, long position) throws IOException {
        if (position < 0 || position > frameSize) {
            throw new IllegalArgumentException("position " + position + " outside a frame of " + frameSize + " bytes");
        }
        if (position < segmentStart) {
            segment = 0;
            segmentStart = 0;
        }
        long written = 0;
        while (segment < segmentCount()) {
            long length = segmentLength(segment);
            long within = position + written - segmentStart;
            if (within >= length) {
                segmentStart += length;
                segment++;
                continue;
            }
            long remaining = length - within;
            long n = writeSegment(target, segment, within, remaining);
            written += n;
            if (n < remaining) {
                break; // the channel is full for now
            }
        }
        return written;
    }

    private long writeSegment(WritableByteChannel target, int s, long within, long remaining) throws IOException {
        if ((s & 1) == 0) {
            return target.write(buffer.nioBuffer(bufferSegmentStart(s) + (int) within, (int) remaining));
        }
        Records r = inserts.records(s >> 1);
        if (r instanceof FileRecords f) {
            long n = f.channel().transferTo(f.position() + within, remaining, target);
            if (n < remaining && f.channel().size() < f.position() + within + remaining) {
                // a full socket also writes short, but a file that lost the bytes would spin forever
                throw new EOFException("log file ends before the records being sent: needed "
                        + (f.position() + within + remaining) + " bytes, file has " + f.channel().size());
            }
            return n;
        }
        ByteBuf b = ((BufferRecords) r).buffer();
        return target.write(b.nioBuffer(b.readerIndex() + (int) within, (int) remaining));
    }

    /**
     * The frame as ordered parts: retained {@link ByteBuf} slices and retained {@link FileRecords}
     * (the caller releases each). Empty segments are left out.
     */
    public List<Object> parts() {
        List<Object> parts = new ArrayList<>(segmentCount());
        for (int s = 0; s < segmentCount(); s++) {
            int length = (int) segmentLength(s);
            if (length == 0) {
                continue;
            }
            if ((s & 1) == 0) {
                parts.add(buffer.retainedSlice(bufferSegmentStart(s), length));
            } else if (inserts.records(s >> 1) instanceof BufferRecords b) {
                parts.add(b.buffer().retainedDuplicate());
            } else {
                parts.add(((FileRecords) inserts.records(s >> 1)).retain());
            }
        }
        return parts;
    }

    /** Releases the buffer and the record sets; call once, after sending or instead of it. */
    public void release() {
        buffer.release();
        for (int i = 0; i < inserts.count(); i++) {
            if (inserts.records(i) instanceof FileRecords f) {
                f.release(); // handed over by encoding (see FileRecords)
            }
        }
        inserts.release();
    }
}

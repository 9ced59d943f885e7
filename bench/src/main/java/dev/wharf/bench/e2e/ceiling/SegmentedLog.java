package dev.wharf.bench.e2e.ceiling;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * A partition's log files as a broker left them ({@code <base offset, 20 digits>.log}, Kafka's
 * and Wharf's layout alike), indexed once by scanning the record batch headers: for each batch its
 * file, byte position, size and offset range. Enough to answer "which bytes hold offset N", with
 * no broker logic: no index files, no validation beyond the header's length.
 * <p>
 * A batch header (magic 2) starts {@code baseOffset int64, batchLength int32} (the size after
 * those 12 bytes), then at byte 23 {@code lastOffsetDelta int32} and at byte 57 the record count.
 */
final class SegmentedLog implements AutoCloseable {
    private static final int HEADER = 61;
    private static final int LENGTH_AT = 8;
    private static final int LAST_OFFSET_DELTA_AT = 23;
    private static final int RECORDS_AT = 57;

    /** One record batch: where it is and which offsets it holds. */
    record Batch(int file, long position, int size, long baseOffset, long lastOffset) {
    }

    /** The bytes of a fetch answer: whole batches, contiguous in one file. */
    record Slice(FileChannel file, long position, long size) {
        static final Slice EMPTY = new Slice(null, 0, 0);
    }

    private final List<FileChannel> files = new ArrayList<>();
    private final List<Batch> batches = new ArrayList<>();
    private long records;

    private SegmentedLog() {
    }

    /** Opens and indexes every {@code .log} file of the partition directory, in base offset order. */
    static SegmentedLog open(Path partitionDir) throws IOException {
        SegmentedLog log = new SegmentedLog();
        List<Path> segments;
        try (Stream<Path> listed = Files.list(partitionDir)) {
            segments = listed.filter(p -> p.getFileName().toString().matches("\\d{20}\\.log")).sorted(Comparator.comparing(Path::toString))
                    .toList();
        }
        if (segments.isEmpty()) {
            throw new IOException("no segment files (<20 digits>.log) in " + partitionDir);
        }
        try {
            for (Path segment : segments) {
                log.index(segment);
            }
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
        return log;
    }

    private void index(Path segment) throws IOException {
        FileChannel channel = FileChannel.open(segment, StandardOpenOption.READ);
        files.add(channel);
        int file = files.size() - 1;
        long size = channel.size();
        long position = 0;
        // mapped in windows below 2 GiB; a batch never spans a window's end because each window starts at a batch
        while (position + HEADER <= size) {
            long window = Math.min(size - position, 1L << 30);
            MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, position, window);
            ByteBuffer view = map.order(ByteOrder.BIG_ENDIAN);
            int at = 0;
            while (at + HEADER <= window) {
                long baseOffset = view.getLong(at);
                int length = view.getInt(at + LENGTH_AT);
                if (length <= 0 || position + at + 12L + length > size) {
                    return; // the end of what was written (a preallocated or torn tail)
                }
                if (at + 12L + length > window && at > 0) {
                    break; // the next window starts at this batch
                }
                long lastOffset = baseOffset + view.getInt(at + LAST_OFFSET_DELTA_AT);
                records += view.getInt(at + RECORDS_AT);
                batches.add(new Batch(file, position + at, 12 + length, baseOffset, lastOffset));
                at += 12 + length;
            }
            position += at;
        }
    }

    long records() {
        return records;
    }

    long logStartOffset() {
        return batches.isEmpty() ? 0 : batches.get(0).baseOffset();
    }

    /** The offset after the last batch's last offset. */
    long highWatermark() {
        return batches.isEmpty() ? 0 : batches.get(batches.size() - 1).lastOffset() + 1;
    }

    /**
     * Whole batches from the one holding {@code offset} on, up to {@code maxBytes} (at least one
     * batch, as a broker answers when the first batch is larger), within one file.
     */
    Slice read(long offset, int maxBytes) {
        int first = firstHolding(offset);
        if (first < 0) {
            return Slice.EMPTY;
        }
        Batch start = batches.get(first);
        long size = start.size();
        for (int i = first + 1; i < batches.size(); i++) {
            Batch next = batches.get(i);
            if (next.file() != start.file() || size + next.size() > maxBytes) {
                break;
            }
            size += next.size();
        }
        return new Slice(files.get(start.file()), start.position(), size);
    }

    /** The index of the first batch whose last offset is at or after {@code offset}, or -1. */
    private int firstHolding(long offset) {
        int lo = 0;
        int hi = batches.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (batches.get(mid).lastOffset() >= offset) {
                found = mid;
                hi = mid - 1;
            } else {
                lo = mid + 1;
            }
        }
        return found;
    }

    @Override
    public void close() throws IOException {
        for (FileChannel f : files) {
            f.close();
        }
    }
}

package dev.wharf.logstore;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/**
 * The open files of sealed (no longer active) segments, bounded: a file opens on first read and
 * the cache lets go of the least recently used when more than {@code maxOpen} are held. Letting go
 * releases the cache's reference on the {@link SegmentChannel}; the file closes once every
 * {@link Slice} read from it is released too, so a send in flight is never cut short. Active
 * segments keep their own write channel and count one handle each. Thread-safe.
 */
public final class FileHandles implements Closeable {
    private final Cache<SegmentLogFile, SegmentChannel> open;

    public FileHandles(int maxOpen) {
        this.open = Caffeine.newBuilder()
                .maximumSize(maxOpen)
                .executor(Runnable::run)
                .removalListener((SegmentLogFile logFile, SegmentChannel file, RemovalCause cause) -> {
                    if (file != null) {
                        file.release();
                    }
                })
                .build();
    }

    /** No practical bound: for tools and tests that open a single log. */
    public static FileHandles unbounded() {
        return new FileHandles(Integer.MAX_VALUE);
    }

    /**
     * The file of a sealed segment, opened if needed; the cache holds the reference, so use it
     * through {@link SegmentLogFile#acquire}. Keyed by the segment's file, not its path: a new
     * segment may reuse the base offset (and file name) of one being deleted.
     */
    SegmentChannel get(SegmentLogFile logFile) throws IOException {
        try {
            return open.get(logFile, f -> {
                try {
                    return new SegmentChannel(FileChannel.open(f.path(), StandardOpenOption.READ));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Takes over the reference of a segment that was just sealed, so its file counts against the bound. */
    void adopt(SegmentLogFile logFile, SegmentChannel file) {
        open.put(logFile, file);
    }

    /** Lets go of the segment's file (it closes when no slice uses it), e.g. when the segment closes. */
    void release(SegmentLogFile logFile) {
        open.invalidate(logFile);
    }

    /** Files of sealed segments held by the cache right now. */
    public long openCount() {
        open.cleanUp();
        return open.estimatedSize();
    }

    /** Lets go of every file; those still used by slices close when those are released. */
    @Override
    public void close() {
        open.invalidateAll();
        open.cleanUp();
    }
}

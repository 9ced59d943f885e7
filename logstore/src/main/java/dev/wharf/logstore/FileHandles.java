package dev.wharf.logstore;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The open file channels of sealed (no longer active) segments, bounded: channels open on first
 * read and the least recently used are closed when more than {@code maxOpen} are open. A closed
 * channel may still be in use by a send that took a {@link Slice} of it, so closing waits
 * {@code graceMs}. Active segments keep their own write channel and count one handle each.
 * Thread-safe.
 */
public final class FileHandles implements Closeable {
    private final Cache<LogSegment, FileChannel> open;
    private final ScheduledExecutorService closer;
    private final Set<FileChannel> closing = ConcurrentHashMap.newKeySet();
    private final long graceMs;

    public FileHandles(int maxOpen, long graceMs) {
        this.graceMs = graceMs;
        this.closer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wharf-file-closer");
            t.setDaemon(true);
            return t;
        });
        this.open = Caffeine.newBuilder()
                .maximumSize(maxOpen)
                .executor(Runnable::run)
                .removalListener((LogSegment segment, FileChannel channel, RemovalCause cause) -> closeLater(channel))
                .build();
    }

    /** No practical bound: for tools and tests that open a single log. */
    public static FileHandles unbounded() {
        return new FileHandles(Integer.MAX_VALUE, 0);
    }

    /**
     * A read channel of a sealed segment's file, opened if needed. Keyed by segment, not path: a
     * new segment may reuse the base offset (and file name) of one being deleted.
     */
    FileChannel get(LogSegment segment) throws IOException {
        try {
            return open.get(segment, s -> {
                try {
                    return FileChannel.open(s.logFile(), StandardOpenOption.READ);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Takes over the channel of a segment that was just sealed, so it counts against the bound. */
    void adopt(LogSegment segment, FileChannel channel) {
        open.put(segment, channel);
    }

    /** Closes the file's channel (after the grace period), e.g. when the segment closes. */
    void release(LogSegment segment) {
        open.invalidate(segment);
    }

    /** Open channels of sealed segments right now. */
    public long openCount() {
        open.cleanUp();
        return open.estimatedSize();
    }

    private void closeLater(FileChannel channel) {
        if (channel == null) {
            return;
        }
        if (graceMs <= 0 || closer.isShutdown()) {
            closeQuietly(channel);
        } else {
            closing.add(channel);
            closer.schedule(() -> {
                if (closing.remove(channel)) {
                    closeQuietly(channel);
                }
            }, graceMs, TimeUnit.MILLISECONDS);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to do with a channel we are done with
        }
    }

    /** Closes every channel now, including those waiting out their grace period. */
    @Override
    public void close() {
        closer.shutdownNow();
        open.invalidateAll();
        open.cleanUp();
        for (FileChannel channel : closing) {
            closeQuietly(channel);
        }
        closing.clear();
    }
}

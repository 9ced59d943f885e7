package dev.wharf.logstore;

import io.netty.util.AbstractReferenceCounted;
import java.lang.ref.Cleaner;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A readable range of a segment file: whole batches, the first starting at offset
 * {@code firstOffset}, to be sent with {@code transferTo}. Reading it needs no lock: the bytes of
 * complete batches never change.
 *
 * <p>Ownership: a slice holds one reference on its segment's file ({@link SegmentChannel}), so the
 * file stays open while the slice is in use even if the segment rolls out of the open-file cache
 * or is deleted. Whoever holds the slice releases it once, when done with it — including when it is
 * never sent (an answer dropped, an error). Handing it on (say, as the owner of a wire
 * {@code FileRecords}) hands on that duty. A slice that becomes unreachable unreleased is released
 * by a cleaner as a safety net, counted in {@link #releasedByCleaner()}, but the file then stays
 * open until a garbage collection notices.
 */
public final class Slice extends AbstractReferenceCounted {
    private static final Logger log = LoggerFactory.getLogger(Slice.class);
    private static final Cleaner CLEANER = Cleaner.create();
    private static final AtomicLong RELEASED_BY_CLEANER = new AtomicLong();

    private final SegmentChannel file;
    private final long position;
    private final int length;
    private final long firstOffset;
    private final Release release;
    private final Cleaner.Cleanable cleanable;

    /** The file reference a slice holds, released once: by the slice or by the cleaner. */
    private static final class Release implements Runnable {
        private final SegmentChannel file;
        private volatile boolean byOwner;

        Release(SegmentChannel file) {
            this.file = file;
        }

        @Override
        public void run() {
            if (!byOwner) {
                RELEASED_BY_CLEANER.incrementAndGet();
                log.debug("a slice of a segment file was never released; the cleaner released it");
            }
            file.release();
        }
    }

    /** Takes over one reference on {@code file} (the caller retained it for this slice). */
    Slice(SegmentChannel file, long position, int length, long firstOffset) {
        this.file = file;
        this.position = position;
        this.length = length;
        this.firstOffset = firstOffset;
        this.release = new Release(file);
        this.cleanable = CLEANER.register(this, release);
    }

    public FileChannel channel() {
        return file.channel();
    }

    public long position() {
        return position;
    }

    public int length() {
        return length;
    }

    public long firstOffset() {
        return firstOffset;
    }

    @Override
    protected void deallocate() {
        release.byOwner = true;
        cleanable.clean();
    }

    @Override
    public Slice touch(Object hint) {
        return this;
    }

    /** Slices released by the cleaner rather than their owner, since start (leaks, for tests). */
    public static long releasedByCleaner() {
        return RELEASED_BY_CLEANER.get();
    }

    @Override
    public String toString() {
        return "Slice(" + position + "+" + length + ", first offset " + firstOffset + ")";
    }
}

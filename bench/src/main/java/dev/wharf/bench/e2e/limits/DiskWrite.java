package dev.wharf.bench.e2e.limits;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The sequential write bandwidth of a disk: a new file in the given directory (the one the brokers'
 * logs go to) is written with 1 MiB writes from one direct buffer, then fsynced; the figure is the
 * bytes over the time from the first write to the end of the fsync, in MB/s (10^6 bytes). Neither
 * broker fsyncs, so for a short burst they can write faster than this (into the page cache), but
 * not for long: the kernel's writeback holds a sustained produce rate to it. The file is deleted
 * afterwards.
 */
public final class DiskWrite {
    private static final int CHUNK = 1 << 20;

    private DiskWrite() {
    }

    public static double measure(Path dir, long bytes) throws IOException {
        Path file = dir.resolve("disk-write.tmp");
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        for (int i = 0; i < CHUNK; i++) {
            chunk.put(i, (byte) (i * 17 + 3));
        }
        try (FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            long start = System.nanoTime();
            for (long written = 0; written < bytes; written += CHUNK) {
                chunk.clear();
                while (chunk.hasRemaining()) {
                    out.write(chunk);
                }
            }
            out.force(true);
            return bytes / ((System.nanoTime() - start) / 1e9) / 1e6;
        } finally {
            Files.deleteIfExists(file);
        }
    }
}

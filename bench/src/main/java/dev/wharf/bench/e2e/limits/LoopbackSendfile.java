package dev.wharf.bench.e2e.limits;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How fast this machine moves file bytes over loopback TCP with sendfile, the path both brokers
 * serve a plaintext fetch by: a sender thread sends a 256 MiB file that is in the page cache with
 * {@code FileChannel.transferTo} to a 127.0.0.1 socket, over and over, and a receiver thread
 * reads into one reused 1 MiB direct buffer and discards, until a byte count or a time bound is
 * reached. The figure is the bytes received over the time from connecting to the receiver's end
 * of stream, in MB/s (10^6 bytes). A consumer does this much and more (it also parses what it
 * reads), so no broker's consume rate can exceed it on this machine. The file is deleted afterwards.
 */
public final class LoopbackSendfile {
    private static final long FILE_BYTES = 256L << 20;
    private static final int CHUNK = 1 << 20;

    private LoopbackSendfile() {
    }

    /** MB/s through the pair; the file goes in {@code dir}. */
    public static double measure(Path dir, long maxBytes, Duration maxTime) throws IOException, InterruptedException {
        Path file = dir.resolve("loopback-sendfile.tmp");
        ExecutorService receiver = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "loopback-receiver");
            t.setDaemon(true);
            return t;
        });
        try (FileChannel source = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE);
                ServerSocketChannel server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0))) {
            fill(source);
            Future<Long> received = receiver.submit(() -> drain(server));
            long start = System.nanoTime();
            long deadline = start + maxTime.toNanos();
            try (SocketChannel out = SocketChannel.open(server.getLocalAddress())) {
                long sent = 0;
                while (sent < maxBytes && System.nanoTime() < deadline) {
                    long position = 0;
                    while (position < FILE_BYTES) {
                        long n = source.transferTo(position, FILE_BYTES - position, out);
                        if (n <= 0) {
                            throw new IOException("transferTo sent nothing at " + position + " of " + FILE_BYTES);
                        }
                        position += n;
                    }
                    sent += FILE_BYTES;
                }
            }
            long bytes = received.get(maxTime.toSeconds() + 60, TimeUnit.SECONDS);
            return bytes / ((System.nanoTime() - start) / 1e9) / 1e6;
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("the loopback receiver failed: " + e, e);
        } finally {
            receiver.shutdownNow();
            Files.deleteIfExists(file);
        }
    }

    /** Writes the file and syncs it, so that it is in the page cache and nothing of it is dirty. */
    private static void fill(FileChannel file) throws IOException {
        ByteBuffer chunk = ByteBuffer.allocateDirect(CHUNK);
        for (int i = 0; i < CHUNK; i++) {
            chunk.put(i, (byte) (i * 31));
        }
        for (long written = 0; written < FILE_BYTES; written += CHUNK) {
            chunk.clear();
            while (chunk.hasRemaining()) {
                file.write(chunk);
            }
        }
        file.force(true);
    }

    private static long drain(ServerSocketChannel server) throws IOException {
        try (SocketChannel in = server.accept()) {
            ByteBuffer buffer = ByteBuffer.allocateDirect(CHUNK);
            long total = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
                buffer.clear();
            }
            return total;
        }
    }
}

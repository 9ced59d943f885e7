package dev.wharf.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What a broker holds beyond memory: its open file descriptors ({@code /proc/<pid>/fd}: files,
 * sockets, pipes, epoll sets) and the disk its log directory takes ({@code du -sk}: allocated
 * blocks, so a sparse, preallocated index counts only for what it has written).
 */
final class BrokerFootprint {
    private BrokerFootprint() {
    }

    /** The number of file descriptors {@code pid} has open now. */
    static int openFds(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            return (int) fds.count();
        }
    }

    /** The disk blocks under {@code dir}, in MiB, as {@code du -sk} counts them. */
    static double diskMiB(Path dir) throws IOException, InterruptedException {
        Process du = new ProcessBuilder("du", "-sk", dir.toString()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(du.getInputStream().readAllBytes()).trim();
        if (!du.waitFor(60, TimeUnit.SECONDS) || du.exitValue() != 0 || out.isEmpty()) {
            du.destroyForcibly();
            throw new IOException("du -sk " + dir + " failed: " + out);
        }
        return Long.parseLong(out.split("\\s+")[0]) / 1024.0;
    }
}

package dev.wharf.server.replica;

import dev.wharf.logstore.TopicPartition;
import java.io.IOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The high watermarks of the partitions in one log directory, in the file
 * {@code replication-offset-checkpoint} as Kafka keeps it:
 *
 * <pre>
 * 0                      format version
 * 2                      number of entries
 * orders 0 1042          topic, partition, high watermark
 * orders 1 977
 * </pre>
 *
 * Written whole to a temporary file, forced to disk and renamed over the old one, so a crash
 * leaves the old or the new file, never a mix. A file that cannot be parsed is reported and
 * ignored: the high watermarks then start at the log start and catch up as replicas report.
 * Not thread-safe: the replica manager writes it from one thread at a time.
 */
final class HighWatermarkCheckpoint {
    static final String FILE_NAME = "replication-offset-checkpoint";
    private static final Logger log = LoggerFactory.getLogger(HighWatermarkCheckpoint.class);
    private static final int VERSION = 0;

    private final Path file;

    HighWatermarkCheckpoint(Path logDir) {
        this.file = logDir.resolve(FILE_NAME);
    }

    void write(Map<TopicPartition, Long> highWatermarks) throws IOException {
        Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            w.write(VERSION + "\n" + highWatermarks.size() + "\n");
            for (Map.Entry<TopicPartition, Long> e : highWatermarks.entrySet()) {
                w.write(e.getKey().topic() + " " + e.getKey().partition() + " " + e.getValue() + "\n");
            }
        }
        try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            c.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** The checkpointed high watermarks; empty when there is no file or it is not one we can read. */
    Map<TopicPartition, Long> read() {
        Map<TopicPartition, Long> out = new HashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != VERSION) {
                throw new IllegalArgumentException("unknown format");
            }
            int count = Integer.parseInt(lines.get(1).trim());
            if (count != lines.size() - 2) {
                throw new IllegalArgumentException(count + " entries announced, " + (lines.size() - 2) + " found");
            }
            for (String line : lines.subList(2, lines.size())) {
                String[] f = line.trim().split(" ");
                if (f.length != 3) {
                    throw new IllegalArgumentException("bad entry: " + line);
                }
                out.put(new TopicPartition(f[0], Integer.parseInt(f[1])), Long.parseLong(f[2]));
            }
            return out;
        } catch (IOException | RuntimeException e) {
            log.warn("ignoring unreadable high watermark checkpoint file={} reason={}", file, e.toString());
            return new HashMap<>();
        }
    }
}

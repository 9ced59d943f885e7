package dev.wharf.logstore;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A per-log-directory checkpoint of one offset per partition (recovery points, log start offsets),
 * in Kafka's text format:
 *
 * <pre>
 *   0                      format version
 *   2                      number of entries
 *   orders 0 1200          topic, partition, offset
 *   orders 1 977
 * </pre>
 *
 * Written to a temporary file, synced, then renamed over the old one, so a crash leaves either the
 * old or the new checkpoint. Not thread-safe: the log manager serializes writes.
 */
final class OffsetCheckpointFile {
    private OffsetCheckpointFile() {}

    static Map<TopicPartition, Long> read(Path file) throws IOException {
        Map<TopicPartition, Long> out = new HashMap<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.size() < 2 || !lines.get(0).trim().equals("0")) {
            throw new IOException("unreadable checkpoint " + file);
        }
        int n = Integer.parseInt(lines.get(1).trim());
        if (lines.size() < 2 + n) {
            throw new IOException("checkpoint " + file + " promises " + n + " entries, has " + (lines.size() - 2));
        }
        for (int i = 0; i < n; i++) {
            String[] parts = lines.get(2 + i).trim().split(" ");
            if (parts.length != 3) {
                throw new IOException("bad checkpoint line in " + file + ": " + lines.get(2 + i));
            }
            out.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
        }
        return out;
    }

    static void write(Path file, Map<TopicPartition, Long> offsets) throws IOException {
        StringBuilder b = new StringBuilder("0\n").append(offsets.size()).append('\n');
        offsets.forEach((tp, offset) -> b.append(tp.topic()).append(' ').append(tp.partition()).append(' ')
                .append(offset).append('\n'));
        writeAtomically(file, b.toString());
    }

    /** Writes a temporary file, syncs it and renames it over {@code file}. */
    static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = SegmentFiles.withSuffix(file, SegmentFiles.TMP);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(java.nio.ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}

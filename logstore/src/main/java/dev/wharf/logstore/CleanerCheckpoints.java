package dev.wharf.logstore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each compacted log's clean part ends, per log dir in {@value #FILE} (the format of the
 * recovery point checkpoint, see {@link OffsetCheckpointFile}), as Kafka keeps it. Written after
 * each round's swaps, so a crash at worst cleans a range again: the checkpoint is a hint, never
 * needed for correctness. Thread-safe.
 */
final class CleanerCheckpoints {
    static final String FILE = "cleaner-offset-checkpoint";
    private static final Logger log = LoggerFactory.getLogger(CleanerCheckpoints.class);

    private final Map<Path, Map<TopicPartition, Long>> byDir = new HashMap<>();

    /** The first dirty offset recorded for {@code tp} in {@code logDir}; -1 when none. */
    synchronized long get(Path logDir, TopicPartition tp) {
        return dir(logDir).getOrDefault(tp, -1L);
    }

    /** Records that {@code tp} in {@code logDir} is clean below {@code offset}. */
    synchronized void update(Path logDir, TopicPartition tp, long offset) throws IOException {
        Map<TopicPartition, Long> offsets = dir(logDir);
        offsets.put(tp, offset);
        OffsetCheckpointFile.write(logDir.resolve(FILE), offsets);
    }

    /** Forgets {@code tp} (its log is deleted or moved away from {@code logDir}). */
    synchronized void remove(Path logDir, TopicPartition tp) throws IOException {
        Map<TopicPartition, Long> offsets = dir(logDir);
        if (offsets.remove(tp) != null) {
            OffsetCheckpointFile.write(logDir.resolve(FILE), offsets);
        }
    }

    private Map<TopicPartition, Long> dir(Path logDir) {
        Map<TopicPartition, Long> offsets = byDir.get(logDir);
        if (offsets == null) {
            try {
                offsets = new HashMap<>(OffsetCheckpointFile.read(logDir.resolve(FILE)));
            } catch (IOException | RuntimeException unreadable) {
                // only a hint: cleaning starts over from each log's start
                log.warn("ignoring unreadable cleaner checkpoint dir={}: {}", logDir, unreadable.toString());
                offsets = new HashMap<>();
            }
            byDir.put(logDir, offsets);
        }
        return offsets;
    }
}

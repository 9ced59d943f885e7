package dev.wharf.server.replica;

import dev.wharf.logstore.LogManager;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.TopicPartition;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The high watermarks of this broker's logs on disk: read from every log dir's
 * {@code replication-offset-checkpoint} at start-up and handed to each partition as it opens,
 * and written back for every log (from its open partition, or as last read for a log not opened
 * since).
 *
 * <p>Threads: all methods are synchronized; {@link #checkpoint} runs on the broker's scheduler and
 * at shutdown, the others on {@code wharf-zk-events} as partitions open and go.
 */
final class HighWatermarks {
    private static final Logger log = LoggerFactory.getLogger(HighWatermarks.class);

    private final LogManager logs;
    /** As last checkpointed, for logs not opened as partitions since. */
    private final Map<TopicPartition, Long> checkpointed = new HashMap<>();

    HighWatermarks(LogManager logs) {
        this.logs = logs;
        for (Path dir : logs.onlineDirs()) {
            checkpointed.putAll(new HighWatermarkCheckpoint(dir).read());
        }
    }

    /** The checkpointed high watermark of a log being opened as a partition, or null; the partition owns it from now on. */
    synchronized Long take(TopicPartition tp) {
        return checkpointed.remove(tp);
    }

    /** Forgets a log that is being deleted. */
    synchronized void forget(TopicPartition tp) {
        checkpointed.remove(tp);
    }

    /** Writes every online log dir's checkpoint; {@code open} gives the open partition of a log, or null. */
    synchronized void checkpoint(Function<TopicPartition, Partition> open) {
        Map<Path, Map<TopicPartition, Long>> byDir = new HashMap<>();
        for (Map.Entry<TopicPartition, PartitionLog> e : logs.all().entrySet()) {
            Partition p = open.apply(e.getKey());
            Long hw = p != null ? Long.valueOf(p.highWatermark()) : checkpointed.get(e.getKey());
            if (hw != null) {
                byDir.computeIfAbsent(e.getValue().dir().toAbsolutePath().normalize().getParent(), d -> new HashMap<>()).put(e.getKey(), hw);
            }
        }
        for (Path dir : logs.onlineDirs()) {
            try {
                new HighWatermarkCheckpoint(dir).write(byDir.getOrDefault(dir.toAbsolutePath().normalize(), Map.of()));
            } catch (IOException e) {
                log.warn("cannot checkpoint high watermarks dir={}", dir, e);
            }
        }
    }
}

package dev.wharf.server;

import dev.wharf.logstore.StoredBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Idempotent-producer state of one partition: per producer id, its epoch and its last five
 * batches' sequence ranges and offsets. A batch is checked before it is appended:
 *
 * <ul>
 *   <li>an older epoch than the producer's is fenced (INVALID_PRODUCER_EPOCH);
 *   <li>a repeat of one of the last five batches is a duplicate, answered with its original offset;
 *   <li>otherwise the first sequence must follow the last one (or be 0 for a new epoch), else
 *       OUT_OF_ORDER_SEQUENCE_NUMBER.
 * </ul>
 *
 * Saved to {@code producer-state-snapshot} in the partition directory at clean shutdown (with the
 * log end it is valid for); rebuilt from batch headers when that is missing or stale. Callers
 * serialize check, append and record per partition (see {@code ProduceHandler}).
 */
public final class ProducerStateTable {
    static final String SNAPSHOT_FILE = "producer-state-snapshot";
    private static final int BATCHES_KEPT = 5;
    /** Snapshot format version; snapshots of another version are rebuilt from the log. */
    private static final String FORMAT = "1";

    /** A batch as remembered: sequence range and where it landed. */
    record Batch(int firstSequence, int lastSequence, long firstOffset, long lastOffset) {}

    private static final class Producer {
        short epoch;
        /** Broker time of its last append (or of the rebuild that found it), for expiration. */
        long lastAppendMs;
        final Deque<Batch> batches = new ArrayDeque<>(BATCHES_KEPT);
    }

    /** The verdict on an incoming batch. */
    public sealed interface Check {
        record Append() implements Check {}

        record Duplicate(long firstOffset) implements Check {}

        record Reject(ErrorCode error) implements Check {}
    }

    private static final Check.Append APPEND = new Check.Append();

    private final Map<Long, Producer> producers = new HashMap<>();

    public Check check(long producerId, short epoch, int firstSequence, int lastSequence) {
        if (producerId < 0) {
            return APPEND; // not an idempotent producer
        }
        Producer p = producers.get(producerId);
        if (p == null) {
            return APPEND;
        }
        if (epoch < p.epoch) {
            return new Check.Reject(ErrorCode.INVALID_PRODUCER_EPOCH);
        }
        if (epoch > p.epoch) {
            return firstSequence == 0 ? APPEND : new Check.Reject(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
        }
        for (Batch b : p.batches) {
            if (b.firstSequence() == firstSequence && b.lastSequence() == lastSequence) {
                return new Check.Duplicate(b.firstOffset());
            }
        }
        Batch last = p.batches.peekLast();
        if (last != null && firstSequence != next(last.lastSequence())) {
            return new Check.Reject(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
        }
        return APPEND;
    }

    /** The sequence of a batch's last record: sequences wrap from 2^31-1 to 0. */
    public static int lastSequence(int baseSequence, int lastOffsetDelta) {
        long last = (long) baseSequence + lastOffsetDelta;
        return (int) (last > Integer.MAX_VALUE ? last - Integer.MAX_VALUE - 1 : last);
    }

    private static int next(int sequence) {
        return sequence == Integer.MAX_VALUE ? 0 : sequence + 1;
    }

    /** Remembers a batch appended at broker time {@code nowMs}. */
    public void record(long producerId, short epoch, int firstSequence, int lastSequence, long firstOffset, long lastOffset,
            long nowMs) {
        if (producerId < 0) {
            return;
        }
        Producer p = producers.computeIfAbsent(producerId, k -> new Producer());
        p.lastAppendMs = Math.max(p.lastAppendMs, nowMs);
        if (epoch != p.epoch) {
            p.batches.clear();
            p.epoch = epoch;
        }
        if (p.batches.size() == BATCHES_KEPT) {
            p.batches.removeFirst();
        }
        p.batches.addLast(new Batch(firstSequence, lastSequence, firstOffset, lastOffset));
    }

    /** Rebuilds from the log: every idempotent data batch, in offset order. */
    public void replay(StoredBatch b) {
        if (b.producerId() >= 0 && !b.control()) {
            // the header has no append time: count from the rebuild, so nothing expires early
            record(b.producerId(), b.producerEpoch(), b.baseSequence(), b.lastSequence(), b.baseOffset(), b.lastOffset(),
                    System.currentTimeMillis());
        }
    }

    /**
     * Forgets producers that have not appended for {@code expirationMs} (Kafka's
     * producer.id.expiration.ms): a producer coming back after that starts afresh, as in Kafka.
     * Returns how many were forgotten.
     */
    public int expire(long nowMs, long expirationMs) {
        int before = producers.size();
        producers.values().removeIf(p -> nowMs - p.lastAppendMs >= expirationMs);
        return before - producers.size();
    }

    /**
     * Writes the table, valid for a log ending at {@code logEndOffset}. Format: a line {@code 1
     * <logEndOffset>}, then per producer {@code <id> <epoch> <lastAppendMs>} followed by its batches as
     * {@code firstSeq lastSeq firstOffset lastOffset} groups.
     */
    public void save(Path partitionDir, long logEndOffset) throws IOException {
        StringBuilder b = new StringBuilder(FORMAT + " ").append(logEndOffset).append('\n');
        producers.forEach((id, p) -> {
            b.append(id).append(' ').append(p.epoch).append(' ').append(p.lastAppendMs);
            for (Batch batch : p.batches) {
                b.append(' ').append(batch.firstSequence()).append(' ').append(batch.lastSequence()).append(' ')
                        .append(batch.firstOffset()).append(' ').append(batch.lastOffset());
            }
            b.append('\n');
        });
        Path tmp = partitionDir.resolve(SNAPSHOT_FILE + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(b.toString());
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true); // on disk before the rename makes it the snapshot
        }
        Files.move(tmp, partitionDir.resolve(SNAPSHOT_FILE), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Loads the snapshot if it was taken at {@code logEndOffset} (and deletes it: from now on the
     * live table is the truth); returns false when there is none or it is stale.
     */
    public boolean load(Path partitionDir, long logEndOffset) throws IOException {
        Path file = partitionDir.resolve(SNAPSHOT_FILE);
        if (!Files.exists(file)) {
            return false;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String[] head = lines.get(0).split(" ");
            if (!head[0].equals(FORMAT) || Long.parseLong(head[1]) != logEndOffset) {
                return false;
            }
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split(" ");
                long id = Long.parseLong(f[0]);
                short epoch = Short.parseShort(f[1]);
                long lastAppendMs = Long.parseLong(f[2]);
                for (int i = 3; i + 3 < f.length; i += 4) {
                    record(id, epoch, Integer.parseInt(f[i]), Integer.parseInt(f[i + 1]), Long.parseLong(f[i + 2]),
                            Long.parseLong(f[i + 3]), lastAppendMs);
                }
            }
            return true;
        } catch (RuntimeException e) {
            producers.clear();
            return false; // unreadable: rebuild from the log instead
        } finally {
            Files.deleteIfExists(file);
        }
    }

    int producerCount() {
        return producers.size();
    }
}

package dev.wharf.logstore;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Idempotent-producer state of one partition, owned by its {@link PartitionLog}: per producer id,
 * its epoch and its last five batches' sequence ranges and offsets. A batch is checked before it
 * is appended:
 *
 * <ul>
 *   <li>an older epoch than the producer's is fenced ({@link ProducerRejection#INVALID_PRODUCER_EPOCH});
 *   <li>a repeat of one of the last five batches is a duplicate, answered with its original offset;
 *   <li>otherwise the first sequence must follow the last one (or be 0 for a new epoch), else
 *       {@link ProducerRejection#OUT_OF_ORDER_SEQUENCE_NUMBER}.
 * </ul>
 *
 * <p>Locking: every method is atomic on its own (synchronized on the table). Check, append and
 * record must also be atomic together per partition; {@link PartitionLog#appendAsLeader} does all
 * three under the log's append lock, and every other change (truncation, log start moves,
 * expiry, snapshot) also runs under that lock. Only the log changes the table; others may query it.
 * A follower's log learns each batch it stores from the leader as a rebuild does (see
 * {@link #replay}), so that it checks a producer's retries and sequences if it becomes leader.
 *
 * <p>It also keeps the producers' open transactions (see {@link OpenTransactions}), learned from
 * every batch the log stores ({@link #replayTransaction}), whichever way it came in.
 *
 * <p>Snapshot: {@value #SNAPSHOT_FILE} in the partition directory, the name brokers before this
 * class moved into the log store already wrote. Written when the log closes cleanly, with the log
 * end it is valid for; read and deleted when the log opens (from then on the live table is the
 * truth). Text, one line per entry; version 2 adds the open transactions to version 1, which is
 * still read (it knows of no transaction):
 *
 * <pre>
 *   2 &lt;logEndOffset&gt; &lt;lastMarkerOffset&gt;                  format version, log end it is valid for,
 *                                                         largest marker offset seen (-1: none)
 *   &lt;producerId&gt; &lt;epoch&gt; &lt;lastAppendMs&gt; {&lt;firstSeq&gt; &lt;lastSeq&gt; &lt;firstOffset&gt; &lt;lastOffset&gt;}...
 *   txn &lt;producerId&gt; &lt;firstOffset&gt;                      an open transaction
 *   coord &lt;producerId&gt; &lt;coordinatorEpoch&gt;                 the coordinator epoch of its last marker
 * </pre>
 *
 * Version 1 has the header {@code 1 <logEndOffset>} and no {@code txn} lines. When the snapshot
 * is missing, stale or unreadable the table is rebuilt from the batch headers of the log.
 */
public final class ProducerStateTable {
    static final String SNAPSHOT_FILE = "producer-state-snapshot";
    private static final int BATCHES_KEPT = 5;
    /** Snapshot format version; snapshots of another version are rebuilt from the log. */
    private static final String FORMAT = "2";
    /** The format before transactions, still read. */
    private static final String FORMAT_V1 = "1";
    private static final String TXN = "txn";
    private static final String COORDINATOR = "coord";

    /** One producer as DescribeProducers reports it. */
    public record ProducerView(long producerId, short epoch, int lastSequence, long lastAppendMs, int coordinatorEpoch,
            long currentTxnStartOffset) {}

    /** A batch as remembered: sequence range and where it landed. */
    record Batch(int firstSequence, int lastSequence, long firstOffset, long lastOffset) {}

    private static final class Producer {
        short epoch;
        /** The epoch of the transaction coordinator that wrote this producer's last marker; -1 when none is known. */
        int coordinatorEpoch = -1;
        /** Broker time of its last append (or of the rebuild that found it), for expiration. */
        long lastAppendMs;
        final Deque<Batch> batches = new ArrayDeque<>(BATCHES_KEPT);
    }

    /** The verdict on an incoming batch. */
    public sealed interface Check {
        record Append() implements Check {}

        record Duplicate(long firstOffset) implements Check {}

        record Reject(ProducerRejection reason) implements Check {}
    }

    private static final Check.Append APPEND = new Check.Append();

    private final Map<Long, Producer> producers = new HashMap<>();
    /**
     * Verification guards (KIP-890): set when the leader asks the coordinator whether a producer's
     * batch may open a transaction here, voided by that producer's next marker or append.
     */
    private final Map<Long, VerificationGuard> guards = new HashMap<>();

    private final OpenTransactions transactions = new OpenTransactions();

    /** Whether a batch from this producer may be appended now (nothing changes). */
    public synchronized Check check(ProducerBatchInfo batch) {
        if (batch.producerId() < 0) {
            return APPEND; // not an idempotent producer
        }
        Producer p = producers.get(batch.producerId());
        if (p == null) {
            return APPEND;
        }
        if (batch.producerEpoch() < p.epoch) {
            return new Check.Reject(ProducerRejection.INVALID_PRODUCER_EPOCH);
        }
        if (batch.producerEpoch() > p.epoch) {
            return batch.firstSequence() == 0 ? APPEND : new Check.Reject(ProducerRejection.OUT_OF_ORDER_SEQUENCE_NUMBER);
        }
        for (Batch b : p.batches) {
            if (b.firstSequence() == batch.firstSequence() && b.lastSequence() == batch.lastSequence()) {
                return new Check.Duplicate(b.firstOffset());
            }
        }
        Batch last = p.batches.peekLast();
        if (last != null && batch.firstSequence() != next(last.lastSequence())) {
            return new Check.Reject(ProducerRejection.OUT_OF_ORDER_SEQUENCE_NUMBER);
        }
        return APPEND;
    }

    /**
     * Starts a verification of {@code producerId}'s next transactional batch, of
     * {@code producerEpoch}, whose first sequence is {@code firstSequence} (KIP-890): the token
     * returned is what {@link #guardRefusal} checks at append time, so that a marker ending that
     * transaction, or another batch, landing while the coordinator is asked voids the answer. A
     * guard already in place for the same epoch is shared: the first batches of a transaction may
     * be in flight, and verified, together (Kafka keeps one verification entry per producer too).
     */
    public synchronized Object newVerificationGuard(long producerId, short producerEpoch, boolean version2, int firstSequence) {
        VerificationGuard existing = guards.get(producerId);
        if (existing != null && existing.epoch == producerEpoch && existing.version2 == version2) {
            existing.lowestSequence = Math.min(existing.lowestSequence, firstSequence);
            return existing;
        }
        VerificationGuard guard = new VerificationGuard(producerEpoch, version2, firstSequence);
        guards.put(producerId, guard);
        return guard;
    }

    /**
     * Why a verified transactional batch of {@code producerEpoch} may not be appended now, or null
     * when it may: its transaction is open here already, or its guard is intact and the batch is
     * the lowest in sequence verified under it. A later batch confirmed before the first one must
     * wait (OUT_OF_ORDER_SEQUENCE_NUMBER, which the client retries): once appended it would leave
     * the first, and so the transaction, unappendable (an empty producer entry after a version 2
     * marker, or a new one, takes any sequence).
     */
    synchronized ProducerRejection guardRefusal(long producerId, short producerEpoch, int firstSequence, Object guard) {
        if (ongoingIn(producerId, producerEpoch)) {
            return null;
        }
        if (guards.get(producerId) != guard) {
            return ProducerRejection.INVALID_TXN_STATE;
        }
        return firstSequence > ((VerificationGuard) guard).lowestSequence ? ProducerRejection.OUT_OF_ORDER_SEQUENCE_NUMBER : null;
    }

    /**
     * Whether {@code producerId} has a transaction open here in {@code producerEpoch}. A batch of a
     * newer epoch starts a new transaction even while the last one's marker is still on its way
     * (transaction version 2 bumps the epoch with every commit), so it needs the coordinator's word.
     */
    public synchronized boolean ongoingIn(long producerId, short producerEpoch) {
        Producer p = producers.get(producerId);
        return transactions.isOpen(producerId) && p != null && p.epoch == producerEpoch;
    }

    /**
     * Whether a transaction marker of this producer may be appended now (KIP-98): its epoch must not
     * be older than the producer's (a zombie coordinator request), nor its coordinator epoch older
     * than the one of the last marker (a coordinator that lost its partition).
     */
    public synchronized Check checkMarker(long producerId, short producerEpoch, int coordinatorEpoch) {
        Producer p = producers.get(producerId);
        if (p == null) {
            return APPEND;
        }
        if (producerEpoch < p.epoch) {
            return new Check.Reject(ProducerRejection.INVALID_PRODUCER_EPOCH);
        }
        if (coordinatorEpoch < p.coordinatorEpoch) {
            return new Check.Reject(ProducerRejection.TRANSACTION_COORDINATOR_FENCED);
        }
        return APPEND;
    }

    /**
     * Remembers a marker appended at broker time {@code nowMs}: the producer is now in the marker's
     * epoch (a newer one forgets the older epoch's batches: its next batch starts a new sequence).
     */
    synchronized void recordMarker(long producerId, short producerEpoch, int coordinatorEpoch, long nowMs) {
        VerificationGuard guard = guards.get(producerId);
        if (guard != null && guard.voidedBy(producerEpoch)) {
            guards.remove(producerId);
        }
        Producer p = producerIn(producerId, producerEpoch, nowMs);
        p.coordinatorEpoch = Math.max(p.coordinatorEpoch, coordinatorEpoch);
    }

    /** The producer's entry (created if new), active at {@code nowMs} and in {@code epoch}: a newer epoch forgets the older one's batches. */
    private Producer producerIn(long producerId, short epoch, long nowMs) {
        Producer p = producers.computeIfAbsent(producerId, k -> new Producer());
        p.lastAppendMs = Math.max(p.lastAppendMs, nowMs);
        if (epoch != p.epoch) {
            p.batches.clear();
            p.epoch = epoch;
        }
        return p;
    }

    /** Every producer remembered, with its open transaction's first offset (-1 for none). */
    public synchronized List<ProducerView> producers() {
        List<ProducerView> out = new ArrayList<>(producers.size());
        producers.forEach((id, p) -> {
            Batch last = p.batches.peekLast();
            out.add(new ProducerView(id, p.epoch, last == null ? -1 : last.lastSequence(), p.lastAppendMs,
                    p.coordinatorEpoch, transactions.firstOffsetOf(id).orElse(-1)));
        });
        return out;
    }

    /**
     * What a producer's last stored batch is, for the log cleaner, which keeps that batch (empty if
     * need be) so a rebuild finds the same epoch and last sequence: {@code lastDataOffset} is the
     * last offset of its last data batch, -1 when its current epoch has none (only a marker).
     */
    record LastBatch(short epoch, long lastDataOffset) {}

    /** Every producer's {@link LastBatch}, by producer id. */
    synchronized Map<Long, LastBatch> lastBatches() {
        Map<Long, LastBatch> out = new HashMap<>();
        producers.forEach((id, p) -> {
            Batch last = p.batches.peekLast();
            out.put(id, new LastBatch(p.epoch, last == null ? -1 : last.lastOffset()));
        });
        return out;
    }

    private static int next(int sequence) {
        return sequence == Integer.MAX_VALUE ? 0 : sequence + 1;
    }

    /** Remembers a batch appended at broker time {@code nowMs} to offsets {@code firstOffset..lastOffset}. */
    synchronized void record(ProducerBatchInfo batch, long firstOffset, long lastOffset, long nowMs) {
        record(batch.producerId(), batch.producerEpoch(), batch.firstSequence(), batch.lastSequence(), firstOffset,
                lastOffset, nowMs);
    }

    private void record(long producerId, short epoch, int firstSequence, int lastSequence, long firstOffset,
            long lastOffset, long nowMs) {
        if (producerId < 0) {
            return;
        }
        guards.remove(producerId);
        Producer p = producerIn(producerId, epoch, nowMs);
        if (p.batches.size() == BATCHES_KEPT) {
            p.batches.removeFirst();
        }
        p.batches.addLast(new Batch(firstSequence, lastSequence, firstOffset, lastOffset));
    }

    /**
     * Rebuilds from the log: every idempotent data batch, in offset order. The header has no append
     * time, so producers count as active at {@code nowMs} (nothing expires early).
     */
    synchronized void replay(StoredBatch b, long nowMs) {
        if (b.producerId() < 0) {
            return;
        }
        if (b.control()) {
            // the header has no coordinator epoch (it is in the record): -1 lets the next marker set it
            recordMarker(b.producerId(), b.producerEpoch(), -1, nowMs);
        } else {
            record(b.producerId(), b.producerEpoch(), b.baseSequence(), b.lastSequence(), b.baseOffset(), b.lastOffset(),
                    nowMs);
        }
    }

    /**
     * Learns a stored batch's part in a transaction (see {@link OpenTransactions#onBatch}), in
     * offset order; returns the transaction its marker completed, or null.
     */
    synchronized OpenTransactions.Completed replayTransaction(StoredBatch b) {
        return transactions.onBatch(b.producerId(), b.transactional(), b.control(), b.baseOffset(), b.lastOffset());
    }

    /** The first offset of the oldest transaction still open, if any. */
    /** Read without the table's lock: fetches ask for it on every read. */
    public OptionalLong firstUnstableOffset() {
        return transactions.firstUnstableOffset();
    }

    /** The first offset of {@code producerId}'s open transaction, if it has one. */
    public synchronized OptionalLong currentTxnFirstOffset(long producerId) {
        return transactions.firstOffsetOf(producerId);
    }

    /**
     * The log now ends at {@code logEndOffset}: forgets the transactions starting there or later.
     * Returns false when a marker may have been cut off, reopening the transaction it closed: the
     * caller then replays the log with {@link #restartTransactionsFrom} and {@link #replayTransaction}.
     */
    synchronized boolean truncateTransactions(long logEndOffset) {
        return transactions.truncateFromEnd(logEndOffset);
    }

    /** Forgets transactions starting at {@code offset} or later: the log is replayed from there. */
    synchronized void restartTransactionsFrom(long offset) {
        transactions.keepOnlyBelow(offset);
    }

    /**
     * The log now ends at {@code logEndOffset}: batches from there on are forgotten, and so is a
     * producer left with none (its earlier batches, if any, were of an older epoch and no longer
     * remembered: it is treated as new, as after expiry).
     */
    synchronized void truncateFromEnd(long logEndOffset) {
        producers.entrySet().removeIf(e -> {
            e.getValue().batches.removeIf(b -> b.lastOffset() >= logEndOffset);
            return e.getValue().batches.isEmpty() && !transactions.isOpen(e.getKey());
        });
    }

    /** Forgets every producer (the log was dropped whole). */
    synchronized void clear() {
        producers.clear();
        guards.clear();
        transactions.clear();
    }

    /** The log now starts at {@code logStartOffset}: producers whose last batch is below it are forgotten. */
    synchronized void truncateFromStart(long logStartOffset) {
        producers.entrySet().removeIf(e -> (e.getValue().batches.isEmpty()
                || e.getValue().batches.peekLast().lastOffset() < logStartOffset) && !transactions.isOpen(e.getKey()));
    }

    /**
     * Forgets producers that have not appended for {@code expirationMs} (Kafka's
     * producer.id.expiration.ms): a producer coming back after that starts afresh, as in Kafka.
     * Returns how many were forgotten.
     */
    synchronized int expire(long nowMs, long expirationMs) {
        int before = producers.size();
        // as Kafka, a producer in a transaction stays until its marker
        producers.entrySet().removeIf(e -> nowMs - e.getValue().lastAppendMs >= expirationMs
                && !transactions.isOpen(e.getKey()));
        return before - producers.size();
    }

    /** Producers remembered right now. */
    public synchronized int producerCount() {
        return producers.size();
    }

    /** Writes the snapshot (see the class comment), valid for a log ending at {@code logEndOffset}. */
    synchronized void save(Path partitionDir, long logEndOffset) throws IOException {
        StringBuilder b = new StringBuilder(FORMAT + " ").append(logEndOffset).append(' ')
                .append(transactions.lastMarkerOffset()).append('\n');
        producers.forEach((id, p) -> {
            b.append(id).append(' ').append(p.epoch).append(' ').append(p.lastAppendMs);
            for (Batch batch : p.batches) {
                b.append(' ').append(batch.firstSequence()).append(' ').append(batch.lastSequence()).append(' ')
                        .append(batch.firstOffset()).append(' ').append(batch.lastOffset());
            }
            b.append('\n');
            if (p.coordinatorEpoch >= 0) {
                b.append(COORDINATOR).append(' ').append(id).append(' ').append(p.coordinatorEpoch).append('\n');
            }
        });
        transactions.byProducer().forEach((id, first) -> b.append(TXN).append(' ').append(id).append(' ').append(first)
                .append('\n'));
        Path file = partitionDir.resolve(SNAPSHOT_FILE);
        Path tmp = SegmentFiles.withSuffix(file, SegmentFiles.TMP);
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(b.toString());
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(true); // on disk before the rename makes it the snapshot
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Loads the snapshot if it was taken at {@code logEndOffset}, and deletes it; returns false
     * (the table left empty) when there is none or it is stale or unreadable.
     */
    synchronized boolean load(Path partitionDir, long logEndOffset) throws IOException {
        Path file = partitionDir.resolve(SNAPSHOT_FILE);
        if (!Files.exists(file)) {
            return false;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            String[] head = lines.get(0).split(" ");
            boolean v1 = head[0].equals(FORMAT_V1);
            if (!(v1 || head[0].equals(FORMAT)) || Long.parseLong(head[1]) != logEndOffset) {
                return false;
            }
            // version 1 kept no markers: any may lie anywhere in the log
            transactions.setLastMarkerOffset(v1 ? Long.MAX_VALUE : Long.parseLong(head[2]));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split(" ");
                if (f[0].equals(TXN)) {
                    transactions.open(Long.parseLong(f[1]), Long.parseLong(f[2]));
                    continue;
                }
                if (f[0].equals(COORDINATOR)) {
                    Producer p = producers.get(Long.parseLong(f[1]));
                    if (p != null) {
                        p.coordinatorEpoch = Integer.parseInt(f[2]);
                    }
                    continue;
                }
                long id = Long.parseLong(f[0]);
                short epoch = Short.parseShort(f[1]);
                long lastAppendMs = Long.parseLong(f[2]);
                Producer p = producers.computeIfAbsent(id, k -> new Producer()); // a marker may be all it has
                p.epoch = epoch;
                p.lastAppendMs = lastAppendMs;
                for (int i = 3; i + 3 < f.length; i += 4) {
                    record(id, epoch, Integer.parseInt(f[i]), Integer.parseInt(f[i + 1]), Long.parseLong(f[i + 2]),
                            Long.parseLong(f[i + 3]), lastAppendMs);
                }
            }
            return true;
        } catch (RuntimeException e) {
            clear();
            return false; // unreadable: rebuild from the log instead
        } finally {
            Files.deleteIfExists(file);
        }
    }

    /** Deletes a snapshot, if any (the log is being deleted). */
    static void deleteSnapshot(Path partitionDir) throws IOException {
        Files.deleteIfExists(partitionDir.resolve(SNAPSHOT_FILE));
    }
}

package dev.wharf.logstore;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The transactions (KIP-98) of one partition still waiting for their marker: per producer id, the
 * offset of its open transaction's first batch. A transactional data batch opens one for its
 * producer unless one is open; a control batch (commit or abort marker) of that producer closes
 * it. The smallest first offset open is the first unstable offset, which bounds the last stable
 * offset. Kept apart from the producers' sequence state: a transaction stays open until its marker
 * even when its producer is forgotten (the log start moved past its batches), as in Kafka.
 *
 * <p>Not thread-safe: owned by {@link ProducerStateTable}, which synchronizes every call.
 */
final class OpenTransactions {
    /** A transaction ended by a marker at {@code lastOffset}. */
    record Completed(long producerId, long firstOffset, long lastOffset, long lastStableOffset) {
        /** Its entry in the transaction index, if the marker was an abort. */
        AbortedTxn aborted() {
            return new AbortedTxn(producerId, firstOffset, lastOffset, lastStableOffset);
        }
    }

    private final Map<Long, Long> firstOffsetByProducer = new HashMap<>();
    private final TreeMap<Long, Long> producerByFirstOffset = new TreeMap<>();
    /**
     * The largest offset of a marker seen, {@link Long#MAX_VALUE} when unknown (loaded from a
     * snapshot that did not keep it). A truncation to at or below it may reopen transactions its
     * markers closed, which only a replay of the log can tell.
     */
    private long lastMarkerOffset = -1;
    /**
     * The smallest open transaction's first offset, -1 for none: published after every change so
     * that fetches read it (for the last stable offset) without the producer table's lock.
     */
    private volatile long firstUnstable = -1;

    private void publish() {
        firstUnstable = producerByFirstOffset.isEmpty() ? -1 : producerByFirstOffset.firstKey();
    }

    /**
     * Learns a batch, in offset order; returns the transaction its marker completed, or null.
     * Non-transactional batches and batches without a producer change nothing.
     */
    Completed onBatch(long producerId, boolean transactional, boolean control, long baseOffset, long lastOffset) {
        if (producerId < 0 || !transactional) {
            return null;
        }
        if (!control) {
            if (!firstOffsetByProducer.containsKey(producerId)) {
                firstOffsetByProducer.put(producerId, baseOffset);
                producerByFirstOffset.put(baseOffset, producerId);
                publish();
            }
            return null;
        }
        lastMarkerOffset = lastMarkerOffset == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(lastMarkerOffset, lastOffset);
        Long first = firstOffsetByProducer.remove(producerId);
        if (first != null) {
            producerByFirstOffset.remove(first);
            publish();
        }
        // as Kafka: a marker without an open transaction completes an empty one starting at itself
        long firstOffset = first == null ? baseOffset : first;
        long lastStable = producerByFirstOffset.isEmpty() ? lastOffset + 1 : producerByFirstOffset.firstKey();
        return new Completed(producerId, firstOffset, lastOffset, lastStable);
    }

    /** Any thread, no lock (see {@link #firstUnstable}). */
    OptionalLong firstUnstableOffset() {
        long first = firstUnstable;
        return first < 0 ? OptionalLong.empty() : OptionalLong.of(first);
    }

    OptionalLong firstOffsetOf(long producerId) {
        Long first = firstOffsetByProducer.get(producerId);
        return first == null ? OptionalLong.empty() : OptionalLong.of(first);
    }

    boolean isOpen(long producerId) {
        return firstOffsetByProducer.containsKey(producerId);
    }

    /** Open transactions, by producer id (for the snapshot). */
    Map<Long, Long> byProducer() {
        return Map.copyOf(firstOffsetByProducer);
    }

    /** Reopens a transaction loaded from a snapshot. */
    void open(long producerId, long firstOffset) {
        Long previous = firstOffsetByProducer.put(producerId, firstOffset);
        if (previous != null) {
            producerByFirstOffset.remove(previous);
        }
        producerByFirstOffset.put(firstOffset, producerId);
        publish();
    }

    long lastMarkerOffset() {
        return lastMarkerOffset;
    }

    void setLastMarkerOffset(long offset) {
        lastMarkerOffset = offset;
    }

    /**
     * The log now ends at {@code logEndOffset}: transactions starting there or later are gone.
     * Returns false when a marker may have been cut off too, which would reopen the transaction it
     * closed: then the caller replays the log (see {@link #keepOnlyBelow}).
     */
    boolean truncateFromEnd(long logEndOffset) {
        boolean markersKept = lastMarkerOffset < logEndOffset;
        keepOnlyBelow(logEndOffset);
        return markersKept;
    }

    /** Forgets the transactions starting at {@code offset} or later, before a replay of the log from there. */
    void keepOnlyBelow(long offset) {
        producerByFirstOffset.tailMap(offset, true).values().forEach(firstOffsetByProducer::remove);
        producerByFirstOffset.tailMap(offset, true).clear();
        publish();
        if (lastMarkerOffset >= offset) {
            lastMarkerOffset = -1; // the replay learns the markers again
        }
    }

    void clear() {
        firstOffsetByProducer.clear();
        producerByFirstOffset.clear();
        lastMarkerOffset = -1;
        publish();
    }
}

package dev.wharf.logstore;

import dev.wharf.wire.records.RecordBatch;

/**
 * What the header of a stored batch says about who wrote it: offsets, producer identity and
 * sequence. Enough to rebuild idempotent-producer state without reading records.
 */
public record StoredBatch(long baseOffset, long lastOffset, long producerId, short producerEpoch, int baseSequence,
        boolean transactional, boolean control) {

    /** The same fields of a batch in memory (one a follower is about to store). */
    static StoredBatch of(RecordBatch b) {
        return new StoredBatch(b.baseOffset(), b.lastOffset(), b.producerId(), b.producerEpoch(), b.baseSequence(),
                b.isTransactional(), b.isControl());
    }

    /** The sequence number of the batch's last record (sequences wrap at 2^31). */
    public int lastSequence() {
        long last = (long) baseSequence + (lastOffset - baseOffset);
        return (int) (last > Integer.MAX_VALUE ? last - Integer.MAX_VALUE - 1 : last);
    }
}

package dev.wharf.logstore;

/**
 * What the header of a stored batch says about who wrote it: offsets, producer identity and
 * sequence. Enough to rebuild idempotent-producer state without reading records.
 */
public record StoredBatch(long baseOffset, long lastOffset, long producerId, short producerEpoch, int baseSequence,
        boolean transactional, boolean control) {

    /** The sequence number of the batch's last record (sequences wrap at 2^31). */
    public int lastSequence() {
        long last = (long) baseSequence + (lastOffset - baseOffset);
        return (int) (last > Integer.MAX_VALUE ? last - Integer.MAX_VALUE - 1 : last);
    }
}

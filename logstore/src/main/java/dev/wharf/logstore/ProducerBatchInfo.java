package dev.wharf.logstore;

import dev.wharf.wire.records.RecordBatch;

/**
 * Who wrote a batch and which sequence numbers it carries: what the producer state checks before
 * an append. A producer id below 0 is a producer without idempotence; nothing is checked.
 */
public record ProducerBatchInfo(long producerId, short producerEpoch, int firstSequence, int lastSequence) {
    /** For appends that are not from an idempotent producer. */
    public static final ProducerBatchInfo NONE = new ProducerBatchInfo(-1, (short) -1, -1, -1);

    /** The producer fields of a batch's header. */
    public static ProducerBatchInfo of(RecordBatch batch) {
        return new ProducerBatchInfo(batch.producerId(), batch.producerEpoch(), batch.baseSequence(),
                lastSequence(batch.baseSequence(), batch.lastOffsetDelta()));
    }

    /** The sequence of a batch's last record: sequences wrap from 2^31-1 to 0. */
    public static int lastSequence(int baseSequence, int lastOffsetDelta) {
        long last = (long) baseSequence + lastOffsetDelta;
        return (int) (last > Integer.MAX_VALUE ? last - Integer.MAX_VALUE - 1 : last);
    }
}

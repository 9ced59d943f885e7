package dev.wharf.server.replica;

import dev.wharf.server.ErrorCode;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.TimestampType;

/**
 * The checks a client's batch passes before it is appended as the leader: size (against
 * max.message.bytes, then the segment size), CRC-32C, record
 * count, no control batches, transactional ones only with a producer id,
 * CreateTime timestamps within the topic's bounds, and on a compacted topic a key on every record
 * (compaction keeps the latest record per key; Kafka refuses keyless ones too). Stateless.
 */
final class BatchValidator {
    /** Why a batch was refused. */
    record Refusal(ErrorCode error, String message) {}

    private BatchValidator() {}

    /** Null when the batch may be appended; otherwise why not. Throws CorruptRecordException on a bad CRC. */
    static Refusal check(RecordBatch batch, ProduceConfig config, long nowMs) {
        if (batch.sizeInBytes() > config.maxBatchBytes()) {
            return new Refusal(ErrorCode.MESSAGE_TOO_LARGE, null);
        }
        if (batch.sizeInBytes() > config.segmentBytes()) {
            // a segment holds whole batches: Kafka's RecordBatchTooLargeException
            return new Refusal(ErrorCode.RECORD_LIST_TOO_LARGE, "batch of " + batch.sizeInBytes()
                    + " bytes is larger than the segment size " + config.segmentBytes());
        }
        batch.ensureValid();
        if (batch.recordCount() <= 0 || batch.lastOffsetDelta() != batch.recordCount() - 1) {
            return new Refusal(ErrorCode.INVALID_RECORD, "record count " + batch.recordCount()
                    + " does not match last offset delta " + batch.lastOffsetDelta());
        }
        if (batch.isControl()) {
            // transaction markers are written by the broker's coordinator, never by clients
            return new Refusal(ErrorCode.INVALID_RECORD, "clients cannot write control batches");
        }
        if (batch.isTransactional() && batch.producerId() < 0) {
            return new Refusal(ErrorCode.INVALID_RECORD, "a transactional batch needs a producer id");
        }
        if (!timestampAcceptable(batch, config, nowMs)) {
            return new Refusal(ErrorCode.INVALID_TIMESTAMP, "timestamp " + batch.maxTimestamp()
                    + " is out of the range allowed by the topic");
        }
        // decompresses the batch: only compacted topics pay for it
        if (config.compacted() && batch.records().stream().anyMatch(r -> r.key() == null)) {
            return new Refusal(ErrorCode.INVALID_RECORD, "Compacted topic cannot accept message without key");
        }
        return null;
    }

    /** CreateTime batches lie within before.max.ms before and after.max.ms after now (Kafka's defaults: any time before, 1 hour ahead). */
    private static boolean timestampAcceptable(RecordBatch batch, ProduceConfig config, long now) {
        if (batch.timestampType() != TimestampType.CREATE_TIME) {
            return true;
        }
        long before = config.timestampBeforeMaxMs();
        long ts = batch.maxTimestamp();
        return (before == Long.MAX_VALUE || ts >= now - before) && ts <= now + config.timestampAfterMaxMs();
    }
}

package dev.wharf.logstore;

import dev.wharf.wire.records.BatchRewriter;
import dev.wharf.wire.records.Record;
import dev.wharf.wire.records.RecordBatch;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Kafka's cleaning rules for one batch, as its Cleaner applies them (records by key through the
 * {@link OffsetMap}, transactions through {@link TransactionCleaning}, tombstones and markers by
 * delete horizon, KIP-534):
 *
 * <ul>
 *   <li>a record stays if it is past what the map covers, or is the latest of its key and is not
 *       a tombstone whose batch's delete horizon has passed; keyless records go;
 *   <li>records of aborted transactions go, and markers with no data left go once their horizon
 *       has passed;
 *   <li>a batch whose kept records include a tombstone, or a marker with no data left, gets a
 *       delete horizon of now + {@code delete.retention.ms} if it has none;
 *   <li>the last batch of an active producer stays, empty if need be, so a rebuild of producer
 *       state finds its epoch and last sequence; so does the last batch of a cleaned segment, so
 *       that segment ends where the old ones did.
 * </ul>
 *
 * A batch that keeps every record and needs no horizon is copied unchanged. One per round.
 */
final class BatchFilter {
    private final OffsetMap map;
    private final TransactionCleaning transactions;
    private final Map<Long, ProducerStateTable.LastBatch> activeProducers;
    private final long nowMs;
    private final long deleteRetentionMs;
    private final int maxDecompressedBytes;

    BatchFilter(OffsetMap map, TransactionCleaning transactions, Map<Long, ProducerStateTable.LastBatch> activeProducers,
            long nowMs, long deleteRetentionMs, int maxDecompressedBytes) {
        this.map = map;
        this.transactions = transactions;
        this.activeProducers = activeProducers;
        this.nowMs = nowMs;
        this.deleteRetentionMs = deleteRetentionMs;
        this.maxDecompressedBytes = maxDecompressedBytes;
    }

    /**
     * What of {@code batch} stays: null for nothing, {@code batch}'s own buffer when all of it,
     * else a rewritten batch. {@code lastOfSegment}: it is the last batch of the cleaned segment.
     */
    ByteBuf filter(RecordBatch batch, boolean lastOfSegment) {
        boolean control = batch.isControl();
        boolean discardable = control ? transactions.onControlBatch(batch) : transactions.onDataBatch(batch);
        OptionalLong horizon = batch.deleteHorizonMs();
        boolean discardRecords = control
                ? discardable && horizon.isPresent() && horizon.getAsLong() <= nowMs
                : discardable;
        boolean retainEmpty = lastOfSegment || lastOfActiveProducer(batch);
        if (discardRecords && !retainEmpty) {
            return null;
        }
        List<Record> kept = new ArrayList<>();
        boolean keptAll = true;
        boolean tombstones = false;
        Iterator<Record> records = batch.iterator(maxDecompressedBytes);
        while (records.hasNext()) {
            Record r = records.next();
            if (!discardRecords && (control || retained(r, horizon))) {
                kept.add(r);
                tombstones |= r.value() == null;
            } else {
                keptAll = false;
            }
        }
        boolean needsHorizon = (tombstones || (control && discardable)) && horizon.isEmpty();
        if (!kept.isEmpty()) {
            if (keptAll && !needsHorizon) {
                return batch.buffer();
            }
            return BatchRewriter.retained(batch, kept,
                    needsHorizon ? OptionalLong.of(nowMs + deleteRetentionMs) : OptionalLong.empty());
        }
        if (!retainEmpty) {
            return null;
        }
        return batch.recordCount() == 0 ? batch.buffer() : BatchRewriter.empty(batch);
    }

    private boolean retained(Record r, OptionalLong horizon) {
        if (r.key() == null) {
            return false;
        }
        if (r.offset() > map.latestOffset()) {
            return true;
        }
        if (r.offset() < map.get(r.key())) {
            return false;
        }
        return r.value() != null || horizon.isEmpty() || nowMs < horizon.getAsLong();
    }

    private boolean lastOfActiveProducer(RecordBatch batch) {
        if (batch.producerId() < 0) {
            return false;
        }
        ProducerStateTable.LastBatch last = activeProducers.get(batch.producerId());
        if (last == null) {
            return false;
        }
        return last.lastDataOffset() >= 0
                ? batch.lastOffset() == last.lastDataOffset()
                : batch.isControl() && batch.producerEpoch() == last.epoch();
    }
}

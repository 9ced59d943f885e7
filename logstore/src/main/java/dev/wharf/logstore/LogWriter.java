package dev.wharf.logstore;

import dev.wharf.wire.records.ControlRecord;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.util.List;

/**
 * The appends of a {@link PartitionLog}. As leader, {@link #append} assigns offsets from the log
 * end and stamps the leader epoch; {@link #appendAsLeader} first checks a producer's batch against
 * the {@link ProducerStateTable} and records it there, {@link #appendMarker} does the same for a
 * transaction marker. As follower, {@link #appendAsFollower} stores the leader's batches as they
 * are and replays them into the producer state. Each records where a newer epoch starts, then
 * writes to the active segment (rolling it when needed), keeps the open transactions in step,
 * indexes each abort marker in its segment's {@link TransactionIndex}, publishes the new log end
 * and tells the {@link LogFlusher}.
 *
 * <p>Threads: not thread-safe. Every method but the static ones runs under the log's lock, taken
 * by {@link PartitionLog}, which does some work that needs no log state before taking it
 * (splitting the record set of {@link #append}, checking a follower's batches, building a marker).
 */
final class LogWriter {
    private final LogParts parts;

    LogWriter(LogParts parts) {
        this.parts = parts;
    }

    /** The batches of a leader's record set, which must hold one. Needs no lock. */
    static List<RecordBatch> batchesOf(ByteBuf records) {
        List<RecordBatch> batches = RecordBatches.split(records);
        if (batches.isEmpty()) {
            throw new IllegalArgumentException("nothing to append");
        }
        return batches;
    }

    /** A transaction marker: a control batch of one record holding the decision and the coordinator epoch. */
    static ByteBuf markerBatch(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch, long now) {
        return new ControlRecord(commit ? ControlRecord.Type.COMMIT : ControlRecord.Type.ABORT, coordinatorEpoch)
                .toBatch(producerId, producerEpoch, now);
    }

    /** See {@link PartitionLog#appendAsLeader(ByteBuf, int, ProducerBatchInfo, Object)}. */
    LeaderAppendResult appendAsLeader(ByteBuf records, int leaderEpoch, ProducerBatchInfo producer, Object txnGuard)
            throws IOException {
        ProducerRejection unverified = txnGuard == null ? null
                : parts.producers().guardRefusal(producer.producerId(), producer.producerEpoch(), producer.firstSequence(), txnGuard);
        if (unverified != null) {
            return new LeaderAppendResult.Rejected(unverified);
        }
        ProducerStateTable.Check check = parts.producers().check(producer);
        if (check instanceof ProducerStateTable.Check.Duplicate d) {
            return new LeaderAppendResult.Duplicate(d.firstOffset());
        }
        if (check instanceof ProducerStateTable.Check.Reject r) {
            return new LeaderAppendResult.Rejected(r.reason());
        }
        AppendResult appended = append(records, batchesOf(records), leaderEpoch);
        parts.producers().record(producer, appended.firstOffset(), appended.lastOffset(), parts.clock().getAsLong());
        return new LeaderAppendResult.Appended(appended);
    }

    /**
     * See {@link PartitionLog#appendMarker}: {@code marker} is the control batch, built at
     * {@code now} for the producer's {@code producerId} and {@code producerEpoch}.
     */
    LeaderAppendResult appendMarker(ByteBuf marker, long producerId, short producerEpoch, int coordinatorEpoch,
            int leaderEpoch, long now) throws IOException {
        ProducerStateTable.Check check = parts.producers().checkMarker(producerId, producerEpoch, coordinatorEpoch);
        if (check instanceof ProducerStateTable.Check.Reject r) {
            return new LeaderAppendResult.Rejected(r.reason());
        }
        AppendResult appended = append(marker, batchesOf(marker), leaderEpoch);
        parts.producers().recordMarker(producerId, producerEpoch, coordinatorEpoch, now);
        return new LeaderAppendResult.Appended(appended);
    }

    /** See {@link PartitionLog#append}; {@code batches} are those of {@code records} (see {@link #batchesOf}). */
    AppendResult append(ByteBuf records, List<RecordBatch> batches, int leaderEpoch) throws IOException {
        if (leaderEpoch < parts.offsets().latestEpoch()) {
            throw new IllegalArgumentException("append with leader epoch " + leaderEpoch + " after epoch "
                    + parts.offsets().latestEpoch());
        }
        long next = parts.offsets().end();
        for (RecordBatch b : batches) {
            b.setBaseOffset(next);
            b.setPartitionLeaderEpoch(leaderEpoch);
            next = b.nextOffset();
        }
        startEpoch(leaderEpoch, parts.offsets().end());
        return write(records, batches);
    }

    /** See {@link PartitionLog#appendAsFollower}; {@code fetched} passed {@link FollowerBatches#parse}. */
    AppendResult appendAsFollower(FollowerBatches fetched) throws IOException {
        fetched.checkContinues(parts.offsets().end(), parts.offsets().latestEpoch());
        for (RecordBatch b : fetched.batches()) {
            startEpoch(b.partitionLeaderEpoch(), b.baseOffset());
        }
        AppendResult appended = write(fetched.bytes(), fetched.batches());
        long now = parts.clock().getAsLong();
        for (RecordBatch b : fetched.batches()) {
            parts.producers().replay(StoredBatch.of(b), now);
        }
        return appended;
    }

    /** Records that {@code epoch} starts at {@code offset} if it is newer than the latest. */
    private void startEpoch(int epoch, long offset) {
        if (epoch > parts.offsets().latestEpoch()) {
            parts.epochs().assign(epoch, offset);
            parts.offsets().setLatestEpoch(epoch);
        }
    }

    /**
     * Writes batches whose offsets and epochs are final to the active segment (rolling it when
     * needed) and publishes the new log end to readers.
     */
    private AppendResult write(ByteBuf records, List<RecordBatch> batches) throws IOException {
        long first = batches.get(0).baseOffset();
        long next = batches.get(batches.size() - 1).nextOffset();
        long maxTimestamp = -1;
        long messages = 0;
        for (RecordBatch b : batches) {
            maxTimestamp = Math.max(maxTimestamp, b.maxTimestamp());
            messages += b.recordCount();
        }
        boolean[] aborts = new boolean[batches.size()]; // read first: a bad marker fails the append whole
        for (int i = 0; i < aborts.length; i++) {
            aborts[i] = TransactionIndex.isAbortMarker(batches.get(i));
        }
        long now = parts.clock().getAsLong();
        LogSegment target = parts.segments().forAppend(records.readableBytes(), first, next, parts.config().get(), now);
        target.append(records, batches);
        for (int i = 0; i < aborts.length; i++) {
            OpenTransactions.Completed txn = parts.producers().replayTransaction(StoredBatch.of(batches.get(i)));
            if (txn != null && aborts[i]) {
                target.appendAbortedTxn(txn.aborted());
            }
        }
        parts.offsets().publishEnd(next);
        parts.flusher().appended(messages, next, now, parts.config().get());
        return new AppendResult(first, next - 1, maxTimestamp, batches.size());
    }
}

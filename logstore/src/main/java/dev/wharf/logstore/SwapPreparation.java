package dev.wharf.logstore;

import java.io.IOException;
import java.util.List;

/**
 * Readies replacements written as {@code .cleaned} for {@link PartitionLog#replaceSegments}, with
 * no lock held (the caller, the cleaner, owns the replacements until it hands them over; the old
 * segments are sealed, so reading their transaction indexes races nothing): gives the replacements
 * the aborted-transaction entries still true of them, then seals and fsyncs them, so that the swap
 * under the partition's lock only renames.
 *
 * <p>The aborted-transaction rule. An entry {@code (producerId, firstOffset, lastOffset,
 * lastStableOffset)} of an old segment names the abort marker at {@code lastOffset}. It goes into
 * the replacement whose offset range holds {@code lastOffset} if, and only if, that replacement
 * still has a batch holding {@code lastOffset} and that batch is an abort marker (offsets are never
 * reassigned, so it is that producer's same marker); the entry is copied unchanged. Otherwise it
 * is dropped: a read_committed consumer adds the producer to its aborted set at {@code firstOffset}
 * and takes it out only at the producer's abort marker, so an entry whose marker is gone would
 * make it skip the producer's later committed batches.
 */
final class SwapPreparation {
    private SwapPreparation() {}

    /**
     * Carries the aborted-transaction entries of {@code old} whose markers survive into
     * {@code replacements} (both in offset order), then seals and fsyncs every replacement. The
     * replacements must not hold entries at or after those carried.
     */
    static void prepare(List<LogSegment> replacements, List<LogSegment> old) throws IOException {
        for (LogSegment o : old) {
            for (AbortedTxn txn : o.abortedTxns()) {
                LogSegment holder = holderOf(replacements, txn.lastOffset());
                if (holder != null && holder.isAbortMarkerAt(txn.lastOffset())) {
                    holder.appendAbortedTxn(txn);
                }
            }
        }
        for (LogSegment r : replacements) {
            r.seal(); // trims the indexes; before the fsync, so the trimmed files are the durable ones
            r.flush();
        }
    }

    /** The replacement whose offsets include {@code offset}, if any. */
    private static LogSegment holderOf(List<LogSegment> replacements, long offset) {
        for (LogSegment r : replacements) {
            if (r.baseOffset() <= offset && offset < r.nextOffset()) {
                return r;
            }
        }
        return null;
    }
}

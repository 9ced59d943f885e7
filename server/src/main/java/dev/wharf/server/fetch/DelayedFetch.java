package dev.wharf.server.fetch;

import dev.wharf.server.purgatory.DelayedOperation;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.concurrent.CompletableFuture;

/**
 * A fetch waiting for {@code minBytes} to be readable in its partitions, or for its
 * {@code maxWaitMs}. Each check reads its partitions afresh (reading only locates batches) and,
 * when enough is there, answers from that very read; at the deadline it answers with whatever
 * there is. Checks run on the thread that moved a high watermark, or the timer.
 */
final class DelayedFetch extends DelayedOperation {
    private final FetchReader reader;
    private final int minBytes;
    private final CompletableFuture<ApiMessage> result;
    /** The read that completed this fetch, set under the operation's monitor just before completing. */
    private FetchReader.Answer ready;
    private RuntimeException failure;

    DelayedFetch(FetchReader reader, long maxWaitMs, int minBytes, CompletableFuture<ApiMessage> result) {
        super(maxWaitMs);
        this.reader = reader;
        this.minBytes = Math.max(1, minBytes);
        this.result = result;
    }

    @Override
    protected boolean tryComplete() {
        FetchReader.Answer answer;
        try {
            answer = reader.read();
        } catch (RuntimeException e) {
            // never thrown into the appending thread: the failure is this request's alone
            failure = e;
            return forceComplete();
        }
        if (answer.bytes() < minBytes && !answer.hasErrors()) {
            answer.discard();
            return false;
        }
        ready = answer;
        return forceComplete();
    }

    @Override
    protected void onComplete() {
        if (failure != null) {
            result.completeExceptionally(failure);
            return;
        }
        try {
            FetchReader.Answer answer = ready != null ? ready : reader.read();
            result.complete(answer.told());
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }
}

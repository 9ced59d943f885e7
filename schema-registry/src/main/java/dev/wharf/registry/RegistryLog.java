package dev.wharf.registry;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Where the registry's records go: the broker's replicated {@code _schemas} log, written by one
 * broker only (the leader of its partition), one write at a time.
 */
public interface RegistryLog {
    /**
     * Runs {@code write} on the writer after every write queued before it: its records are decided
     * against the state as it is then, appended, and once every in-sync replica has them,
     * {@link Write#applied} runs. The future completes with what {@code applied} or
     * {@code failed} returned, never exceptionally.
     */
    <T> CompletableFuture<T> write(Write<T> write);

    /** The registry URL of the writer when another broker writes and this one follows its log; empty otherwise. */
    default Optional<String> forwardTo() {
        return Optional.empty();
    }

    /**
     * Why this copy cannot answer at all (it neither writes nor follows the log), so that a request
     * gets an error rather than an empty registry; empty when it can.
     */
    default Optional<String> unavailable() {
        return Optional.empty();
    }

    /** How far into the log this copy's state goes (an offset past the last record it has applied); -1 if unknown. */
    default long position() {
        return -1;
    }

    /** Completes once this copy's state has reached {@code position} of the log, or after a bounded wait. */
    default CompletableFuture<Void> awaitPosition(long position) {
        return CompletableFuture.completedFuture(null);
    }

    /** One change of the registry; none of its steps throws. */
    interface Write<T> {
        /** What to append, decided against the current state; may be none. */
        List<RegistryRecords.Entry> records();

        /** The records are durable (or there were none): applies them; the result answers the request. */
        T applied();

        /** Nothing was written: {@code cause} says why, as a {@link RegistryException} when the log knows the answer. */
        T failed(Exception cause);
    }
}

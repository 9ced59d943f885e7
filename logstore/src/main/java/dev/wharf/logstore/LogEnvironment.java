package dev.wharf.logstore;

import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;

/**
 * What partition logs share with their manager: the clock, how unlinked segments get deleted, and
 * the bounded pool of open file handles.
 *
 * @param segmentDeleter runs the task that closes and deletes a segment unlinked from its log (files
 *     already renamed), typically after {@code file.delete.delay.ms} so that reads that found the
 *     segment before it was unlinked can still open its file (slices keep theirs open by reference)
 * @param flushed told how long (ms) each fsync of a log took (the broker's LogFlushStats), on the
 *     thread that flushed, under the log's lock: must not block
 */
public record LogEnvironment(LongSupplier clock, Consumer<Runnable> segmentDeleter, FileHandles handles,
        LongConsumer flushed) {

    /** Without a listener for flushes. */
    public LogEnvironment(LongSupplier clock, Consumer<Runnable> segmentDeleter, FileHandles handles) {
        this(clock, segmentDeleter, handles, ms -> { });
    }

    /** For a log used on its own (tools, tests, benchmarks): deletes at once, no handle bound. */
    public static LogEnvironment standalone(LongSupplier clock) {
        return new LogEnvironment(clock, Runnable::run, FileHandles.unbounded());
    }
}

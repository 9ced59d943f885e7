package dev.wharf.server.group;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of a {@code __consumer_offsets} partition: a queue of {@link LogWrite}s run one at
 * a time, in the order they were queued, on the io executor. Each write decides its records, has
 * them appended, then applies its change to memory before the next write starts, so memory
 * changes in the order of the log: of two commits racing, the one written last is the one kept.
 *
 * <p>Queueing never blocks and never runs a write in the caller, so code holding a group's monitor
 * may queue (that is how it fixes the order of its writes) while the append itself happens with
 * no group monitor held. Threads: any thread queues; one io thread at a time drains. {@code this}
 * guards the queue and the draining flag; the {@link GroupLog} is touched only by the drainer.
 */
final class PartitionWriter {
    private static final Logger log = LoggerFactory.getLogger(PartitionWriter.class);

    /** A change that goes through the log. Every step runs on the writer, one write at a time. */
    interface LogWrite<T> {
        /** Decides what to append; may take a group's monitor briefly, never does I/O. */
        List<GroupLog.Entry> records();

        /** The records are durable: applies the change to memory; the result answers the request. */
        T applied();

        /** The append failed: undoes what {@link #records} changed; the result answers the request. */
        T failed(Exception cause);
    }

    /** Appends records decided beforehand; true once durable, false if the append failed. */
    static LogWrite<Boolean> fixed(List<GroupLog.Entry> records) {
        return new LogWrite<>() {
            @Override
            public List<GroupLog.Entry> records() {
                return records;
            }

            @Override
            public Boolean applied() {
                return true;
            }

            @Override
            public Boolean failed(Exception cause) {
                return false;
            }
        };
    }

    private final GroupLog groupLog;
    private final Executor io;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean draining;

    PartitionWriter(GroupLog groupLog, Executor io) {
        this.groupLog = groupLog;
        this.io = io;
    }

    GroupLog groupLog() {
        return groupLog;
    }

    /** Queues a write; the future completes (never exceptionally) once it was applied or failed. */
    <T> CompletableFuture<T> write(LogWrite<T> write) {
        CompletableFuture<T> done = new CompletableFuture<>();
        Runnable task = () -> run(write, done);
        boolean start;
        synchronized (this) {
            queue.add(task);
            start = !draining;
            draining = true;
        }
        if (start) {
            io.execute(this::drain);
        }
        return done;
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            next.run();
        }
    }

    private <T> void run(LogWrite<T> write, CompletableFuture<T> done) {
        T result;
        try {
            List<GroupLog.Entry> records = write.records();
            try {
                groupLog.write(records);
            } catch (Exception e) {
                log.error("cannot write to the group log", e);
                result = write.failed(e);
                done.complete(result);
                return;
            }
            result = write.applied();
        } catch (RuntimeException e) {
            log.error("group log write failed", e);
            done.completeExceptionally(e);
            return;
        }
        done.complete(result);
    }
}

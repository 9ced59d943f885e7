package dev.wharf.server.coordinator;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.replica.NotLeaderException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of a coordinator's partition ({@code __consumer_offsets}, {@code __transaction_state}): a queue of {@link LogWrite}s run one at
 * a time, in the order they were queued, on the io executor. Each write decides its records, has
 * them appended, waits until every in-sync replica has them (acks=all, as Kafka's coordinator
 * writes: a committed offset survives the loss of the leader), then applies its change to memory
 * before the next write starts, so memory changes in the order of the log: of two commits racing,
 * the one written last is the one kept. The wait holds no thread: the next step runs on the io
 * executor once the high watermark passes.
 *
 * <p>Queueing never blocks and never runs a write in the caller, so code holding a group's monitor
 * may queue (that is how it fixes the order of its writes) while the append itself happens with
 * no group monitor held. Threads: any thread queues; one io thread at a time drains. {@code this}
 * guards the queue and the draining flag; the {@link CoordinatorLog} is touched only by the drainer.
 */
public final class PartitionWriter {
    private static final Logger log = LoggerFactory.getLogger(PartitionWriter.class);

    /** A change that goes through the log. Every step runs on the writer, one write at a time. */
    public interface LogWrite<T> {
        /** Decides what to append; may take a group's or transaction's monitor briefly, never does I/O. */
        List<CoordinatorLog.Entry> records();

        /** The records are durable: applies the change to memory; the result answers the request. */
        T applied();

        /** The append failed: undoes what {@link #records} changed; the result answers the request. */
        T failed(Exception cause);

        /** The producer whose transaction the records belong to (TxnOffsetCommit); -1 for a plain write. */
        default long producerId() {
            return -1;
        }

        default short producerEpoch() {
            return -1;
        }
    }

    /** Appends records decided beforehand; true once durable, false if the append failed. */
    public static LogWrite<Boolean> fixed(List<CoordinatorLog.Entry> records) {
        return new LogWrite<>() {
            @Override
            public List<CoordinatorLog.Entry> records() {
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

    /** A write appended but not replicated in time, or with the ISR below min.insync.replicas. */
    public static final class NotReplicatedException extends RuntimeException {
        NotReplicatedException(String message) {
            super(message);
        }
    }

    /**
     * The error a client gets for a write that failed, as Kafka's coordinator maps them: the
     * partition moved (NOT_COORDINATOR: find the new coordinator) or could not be replicated
     * (COORDINATOR_NOT_AVAILABLE: try again); anything else is UNKNOWN_SERVER_ERROR.
     */
    public static ErrorCode errorFor(Exception cause) {
        if (cause instanceof NotLeaderException || cause instanceof java.io.IOException) {
            return ErrorCode.NOT_COORDINATOR;
        }
        return cause instanceof NotReplicatedException ? ErrorCode.COORDINATOR_NOT_AVAILABLE : ErrorCode.UNKNOWN_SERVER_ERROR;
    }

    /**
     * Logs a failed write: leadership moving or replication lagging is what failover looks like
     * (a line, no trace; the client retries elsewhere); anything else is an error with its trace.
     */
    public static void logFailure(Logger log, String what, Exception cause) {
        if (errorFor(cause) == ErrorCode.UNKNOWN_SERVER_ERROR) {
            log.error("{}", what, cause);
        } else {
            log.info("{}: {}", what, cause.getMessage());
        }
    }

    private final CoordinatorLog coordinatorLog;
    private final Executor io;
    private final long replicationTimeoutMs;
    private final ArrayDeque<Step> queue = new ArrayDeque<>();
    private boolean draining;
    /** Set when this broker stops leading the partition: nothing queued or to come is decided or written any more. */
    private volatile boolean retired;

    public PartitionWriter(CoordinatorLog coordinatorLog, Executor io, long replicationTimeoutMs) {
        this.coordinatorLog = coordinatorLog;
        this.io = io;
        this.replicationTimeoutMs = replicationTimeoutMs;
    }

    public CoordinatorLog coordinatorLog() {
        return coordinatorLog;
    }

    /**
     * This broker no longer coordinates the partition: every write queued or still to come fails
     * with NOT_COORDINATOR without being decided, so none is checked against state that is being
     * unloaded (a commit must not hear UNKNOWN_MEMBER_ID from a group that merely moved).
     */
    public void retire() {
        retired = true;
    }

    /** Queues a write; the future completes (never exceptionally) once it was applied or failed. */
    public <T> CompletableFuture<T> write(LogWrite<T> write) {
        CompletableFuture<T> done = new CompletableFuture<>();
        Step task = () -> run(write, done);
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

    /** One queued write; the future completes when the next may start. */
    private interface Step {
        CompletableFuture<?> run();
    }

    private void drain() {
        while (true) {
            Step next;
            synchronized (this) {
                next = queue.poll();
                if (next == null) {
                    draining = false;
                    return;
                }
            }
            CompletableFuture<?> finished = next.run();
            if (!finished.isDone()) {
                finished.whenComplete((v, e) -> io.execute(this::drain)); // still draining: nobody else starts
                return;
            }
        }
    }

    private <T> CompletableFuture<?> run(LogWrite<T> write, CompletableFuture<T> done) {
        try {
            if (retired) {
                done.complete(write.failed(new NotLeaderException(coordinatorLog.partition().topicPartition()
                        + " is coordinated elsewhere now")));
                return done;
            }
            List<CoordinatorLog.Entry> records = write.records();
            try {
                if (write.producerId() >= 0) {
                    coordinatorLog.writeTransactional(write.producerId(), write.producerEpoch(), records);
                } else {
                    coordinatorLog.write(records);
                }
            } catch (Exception e) {
                logFailure(log, "cannot write to " + coordinatorLog.partition().topicPartition(), e);
                done.complete(write.failed(e));
                return done;
            }
            if (records.isEmpty() || coordinatorLog.lastOffset() < 0) {
                done.complete(write.applied());
                return done;
            }
            CompletableFuture<ErrorCode> replicated = coordinatorLog.partition().whenReplicated(coordinatorLog.lastOffset(),
                    coordinatorLog.lastEpoch(), replicationTimeoutMs);
            java.util.function.BiFunction<ErrorCode, Throwable, Object> finish = (error, failure) -> {
                try {
                    if (failure == null && error == ErrorCode.NONE) {
                        done.complete(write.applied());
                    } else {
                        String what = coordinatorLog.partition().topicPartition() + " not replicated: " + (error == null ? failure : error);
                        Exception cause = failure instanceof Exception e ? e
                                : error == ErrorCode.NOT_LEADER_OR_FOLLOWER ? new NotLeaderException(what)
                                : new NotReplicatedException(what);
                        done.complete(write.failed(cause));
                    }
                } catch (RuntimeException e) {
                    log.error("coordinator log write failed", e);
                    done.completeExceptionally(e);
                }
                return null;
            };
            // replicated already (one replica): finish here, on the io thread; otherwise the thread that
            // moves the high watermark completes the wait, and the change applies back on the io pool
            return replicated.isDone() ? replicated.handle(finish) : replicated.handleAsync(finish, io);
        } catch (RuntimeException | Error e) { // an Error too: escaping, it would leave the queue undrained for good
            log.error("coordinator log write failed", e);
            done.completeExceptionally(e);
            return done;
        }
    }
}

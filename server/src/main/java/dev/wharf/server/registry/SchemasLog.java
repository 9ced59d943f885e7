package dev.wharf.server.registry;

import dev.wharf.registry.RegistryException;
import dev.wharf.registry.RegistryLog;
import dev.wharf.registry.RegistryRecords;
import dev.wharf.registry.RegistryState;
import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.InternalTopic;
import dev.wharf.server.coordinator.PartitionWriter;
import dev.wharf.server.replica.NotLeaderException;
import dev.wharf.server.replica.Partition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema registry's log: the one partition of {@code _schemas}, compacted and replicated like
 * any topic. The broker leading it is the registry's writer: it loads the registry's state from
 * its replica when it becomes leader and writes every change through a {@link PartitionWriter},
 * so a change is acknowledged once every in-sync replica has it and a deposed writer's appends are
 * fenced by the leader epoch, as for the group and transaction coordinators.
 *
 * <p>Threads: writes come from the registry's HTTP thread; loading runs on the io pool when this
 * broker is told it leads the partition, on the starting thread at start-up, or on the HTTP
 * thread of a change that finds the partition led here but not loaded yet; unloading on the io
 * pool. {@code loading} orders loads with unloads.
 */
public final class SchemasLog implements RegistryLog {
    private static final Logger log = LoggerFactory.getLogger(SchemasLog.class);

    private final InternalTopic topic;
    private final RegistryState state;
    private final Executor io;
    private final long writeTimeoutMs;
    private final Object loading = new Object();
    /** The writer while this broker leads the partition; null otherwise. */
    private volatile PartitionWriter writer;

    public SchemasLog(InternalTopic topic, RegistryState state, Executor io, long writeTimeoutMs) {
        this.topic = topic;
        this.state = state;
        this.io = io;
        this.writeTimeoutMs = writeTimeoutMs;
    }

    @Override
    public <T> CompletableFuture<T> write(Write<T> write) {
        PartitionWriter current;
        try {
            current = writer();
        } catch (Exception e) {
            log.warn("schema registry: cannot reach {}: {}", topic.name(), e.toString());
            return CompletableFuture.completedFuture(write.failed(RegistryException.storeError("Cannot reach the registry's log "
                    + topic.name() + ": " + e.getMessage())));
        }
        if (current == null) {
            return CompletableFuture.completedFuture(write.failed(RegistryException.unknownWriter()));
        }
        return current.write(new PartitionWriter.LogWrite<T>() {
            @Override
            public List<CoordinatorLog.Entry> records() {
                return write.records().stream().map(e -> new CoordinatorLog.Entry(e.key(), e.value())).toList();
            }

            @Override
            public T applied() {
                return write.applied();
            }

            @Override
            public T failed(Exception cause) {
                PartitionWriter.logFailure(log, "schema registry write to " + topic.name() + " failed", cause);
                return write.failed(cause instanceof PartitionWriter.NotReplicatedException
                        ? RegistryException.timeout("The registry's log did not replicate the change in time: " + cause.getMessage())
                        : cause instanceof NotLeaderException ? RegistryException.unknownWriter() : cause);
            }
        });
    }

    /** The writer, loading the partition first if this broker leads it; creates the topic on first use. Null when another broker leads it. */
    private PartitionWriter writer() throws Exception {
        PartitionWriter current = writer;
        if (current != null) {
            return current;
        }
        if (topic.coordinatorFor(topic.name()).isEmpty()) {
            return null;
        }
        return load();
    }

    /** This broker leads the partition (now or at start-up): the registry's state is what its replica holds. */
    public PartitionWriter load() {
        synchronized (loading) {
            if (writer != null) {
                return writer;
            }
            Optional<Partition> leading = topic.partition(0);
            if (leading.isEmpty()) {
                return null;
            }
            try {
                CoordinatorLog stored = CoordinatorLog.load(leading.get());
                state.reset(stored.entries().stream().map(e -> new RegistryRecords.Entry(e.key(), e.value())).toList());
                writer = new PartitionWriter(stored, io, writeTimeoutMs);
                log.info("schema registry: this broker writes {} now (leader epoch {}); {} schema ids so far", topic.name(),
                        leading.get().leaderEpoch(), state.maxId());
                return writer;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load " + topic.name(), e);
            }
        }
    }

    /** Another broker leads the partition now: changes queued here fail, none is decided here any more. */
    public void unload() {
        synchronized (loading) {
            PartitionWriter old = writer;
            writer = null;
            if (old != null) {
                old.retire();
                log.info("schema registry: another broker writes {} now", topic.name());
            }
        }
    }
}

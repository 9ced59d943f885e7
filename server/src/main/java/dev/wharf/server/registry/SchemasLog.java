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
import dev.wharf.server.replica.ReplicaManager;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import dev.wharf.logstore.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The schema registry's log: the one partition of {@code _schemas}, compacted and replicated like
 * any topic. The broker leading it is the registry's writer: it loads the registry's state from
 * its replica when it becomes leader, announces its registry URL in the log, and writes every
 * change through a {@link PartitionWriter}, so a change is acknowledged once every in-sync replica
 * has it and a deposed writer's appends are fenced by the leader epoch, as for the group and
 * transaction coordinators. A broker holding a follower replica follows it: its state is what its
 * replica holds up to the high watermark (built from the whole log when it starts following, then
 * from each new committed record, which no truncation can take back), and it forwards changes to
 * the announced writer.
 *
 * <p>Threads: writes come from the registry's HTTP thread; loading runs on the io pool when this
 * broker is told it leads the partition, on the starting thread at start-up, or on the HTTP
 * thread of a change that finds the partition led here but not loaded yet; unloading on the io
 * pool; following on the {@code wharf-schema-registry-follower} thread. {@code loading} orders
 * them all.
 */
public final class SchemasLog implements RegistryLog {
    private static final Logger log = LoggerFactory.getLogger(SchemasLog.class);

    /** How often a follower looks for a new high watermark; how long a forwarded change waits for this copy. */
    private static final long FOLLOW_INTERVAL_MS = 100;
    private static final long CATCH_UP_TIMEOUT_MS = 10_000;

    private final InternalTopic topic;
    private final int brokerId;
    private final TopicPartition partition;
    private final ReplicaManager replicas;
    private final RegistryState state;
    private final Executor io;
    private final long writeTimeoutMs;
    private final Object loading = new Object();
    private final ScheduledExecutorService follower;
    /** Forwarded changes waiting for this copy to reach a position, by that position. */
    private final ConcurrentSkipListMap<Long, List<CompletableFuture<Void>>> waiting = new ConcurrentSkipListMap<>();
    /** The writer while this broker leads the partition; null otherwise. */
    private volatile PartitionWriter writer;
    /** The high watermark this follower's state was built at; -1 when it is not following. */
    private volatile long followed = -1;
    /** This broker's registry URL, announced when it writes; null until its listener is open. */
    private volatile String selfUrl;

    public SchemasLog(InternalTopic topic, int brokerId, ReplicaManager replicas, RegistryState state, Executor io, long writeTimeoutMs) {
        this.topic = topic;
        this.brokerId = brokerId;
        this.partition = new TopicPartition(topic.name(), 0);
        this.replicas = replicas;
        this.state = state;
        this.io = io;
        this.writeTimeoutMs = writeTimeoutMs;
        this.follower = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("wharf-schema-registry-follower", true));
        follower.scheduleWithFixedDelay(this::follow, FOLLOW_INTERVAL_MS, FOLLOW_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    /** The registry's listener is open at {@code url}: announced in the log now if this broker writes, and whenever it starts to. */
    public void announceAs(String url) {
        selfUrl = url;
        if (writer != null) {
            announce();
        }
    }

    @Override
    public Optional<String> forwardTo() {
        if (writer != null || topic.partition(0).isPresent()) {
            return Optional.empty();
        }
        // only to the broker leading the partition now: an announcement is a record like any other, and a stale or
        // forged one must not receive callers' credentials
        RegistryRecords.Writer announced = state.writer();
        if (announced == null || announced.url().equals(selfUrl) || announced.brokerId() != topic.leaderOf(topic.name())) {
            return Optional.empty();
        }
        return Optional.of(announced.url());
    }

    @Override
    public Optional<String> unavailable() {
        if (writer != null || topic.partitionCount().isEmpty() || replicas.hosted(partition).isPresent()
                || topic.partition(0).isPresent()) {
            return Optional.empty();
        }
        return Optional.of("This broker holds no replica of " + topic.name() + ", so it has no copy of the registry: ask the "
                + "registry of a broker that holds one (its replicas are listed by kafka-topics --describe --topic " + topic.name() + ")");
    }

    @Override
    public long position() {
        PartitionWriter current = writer;
        if (current != null) {
            return current.coordinatorLog().partition().highWatermark();
        }
        return followed;
    }

    @Override
    public CompletableFuture<Void> awaitPosition(long position) {
        if (position < 0 || followed >= position) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> caughtUp = new CompletableFuture<>();
        waiting.computeIfAbsent(position, p -> new CopyOnWriteArrayList<>()).add(caughtUp);
        if (followed >= position) {
            caughtUp.complete(null);
        }
        caughtUp.whenComplete((v, e) -> waiting.computeIfPresent(position, (p, futures) -> {
            futures.remove(caughtUp);
            return futures.isEmpty() ? null : futures;
        }));
        // the change is durable either way; a copy that lags this long answers reads late, not wrongly
        return caughtUp.completeOnTimeout(null, CATCH_UP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    /** A follower's turn: applies what its replica committed since the last turn (the whole log when it starts following). */
    private void follow() {
        try {
            synchronized (loading) {
                if (writer != null) {
                    return;
                }
                Optional<Partition> replica = replicas.hosted(partition);
                if (replica.isEmpty()) {
                    followed = -1;
                    return;
                }
                long highWatermark = replica.get().highWatermark();
                if (highWatermark == followed) {
                    return;
                }
                if (followed < 0 || highWatermark < followed || replica.get().log().logStartOffset() > followed) {
                    // (re)starting to follow: the whole log; committed records are never truncated, so from then on only new ones
                    CoordinatorLog stored = CoordinatorLog.load(replica.get(), highWatermark);
                    state.reset(stored.entries().stream().map(e -> new RegistryRecords.Entry(e.key(), e.value())).toList());
                } else {
                    state.applyAll(CoordinatorLog.plainEntries(replica.get(), followed, highWatermark).stream()
                            .map(e -> new RegistryRecords.Entry(e.key(), e.value())).toList());
                }
                followed = highWatermark;
            }
            var reached = waiting.headMap(followed, true);
            reached.values().forEach(futures -> futures.forEach(f -> f.complete(null)));
            reached.clear();
        } catch (Exception e) {
            log.warn("schema registry: cannot follow {}: {}", topic.name(), e.toString());
        }
    }

    /** Stops following; the registry's HTTP listener is closed already. */
    public void close() {
        follower.shutdownNow();
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
                followed = -1;
                log.info("schema registry: this broker writes {} now (leader epoch {}); {} schema ids so far", topic.name(),
                        leading.get().leaderEpoch(), state.maxId());
                if (selfUrl != null) {
                    announce();
                }
                return writer;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load " + topic.name(), e);
            }
        }
    }

    /** Tells the other brokers, through the log, where to forward changes. */
    private void announce() {
        RegistryRecords.Writer self = new RegistryRecords.Writer(brokerId, selfUrl);
        if (self.equals(state.writer())) {
            return;
        }
        write(new Write<Void>() {
            @Override
            public List<RegistryRecords.Entry> records() {
                return List.of(RegistryRecords.writer(self));
            }

            @Override
            public Void applied() {
                state.apply(RegistryRecords.writer(self));
                return null;
            }

            @Override
            public Void failed(Exception cause) {
                log.warn("schema registry: cannot announce this writer in {}: {}", topic.name(), cause.toString());
                return null;
            }
        });
    }

    /** Another broker leads the partition now: changes queued here fail, none is decided here any more; this copy follows. */
    public void unload() {
        synchronized (loading) {
            PartitionWriter old = writer;
            writer = null;
            followed = -1;
            if (old != null) {
                old.retire();
                log.info("schema registry: another broker writes {} now", topic.name());
            }
        }
    }
}

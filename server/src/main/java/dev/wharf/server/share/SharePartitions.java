package dev.wharf.server.share;

import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.ShareCoordinator;
import dev.wharf.server.group.ShareStateRecord;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.PartitionWaiters;
import io.netty.util.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The share-partitions this broker leads, by group and partition: each loaded from its persisted
 * state the first time a share consumer fetches it here (or started at the log's end or start, as
 * {@code share.auto.offset.reset} says, and persisted at once), written back after every change
 * (one write at a time per share-partition; changes made meanwhile go in the next), its
 * acquisition locks expired on the deadline timer, and forgotten when this broker stops leading
 * the partition (the new leader loads what was persisted).
 *
 * <p>Threads: io threads and the handlers' threads call in; lock expiry runs on io threads handed
 * off from the timer. The map is concurrent; each {@link Held}'s write state is guarded by itself,
 * and its {@link SharePartition} by its own monitor.
 */
final class SharePartitions {
    private static final Logger log = LoggerFactory.getLogger(SharePartitions.class);

    record Key(String groupId, UUID topicId, int partition) {}

    /** A loaded share-partition, the replica it reads, and the writes of its state. */
    static final class Held {
        final Key key;
        final SharePartition state;
        final Partition partition;
        final int leaderEpoch;
        final int stateEpoch;
        /** The write under way, and the one that will carry the changes made while it runs. */
        private CompletableFuture<ErrorCode> writing;
        private CompletableFuture<ErrorCode> next;

        Held(Key key, SharePartition state, Partition partition, int leaderEpoch, int stateEpoch) {
            this.key = key;
            this.stateEpoch = stateEpoch;
            this.state = state;
            this.partition = partition;
            this.leaderEpoch = leaderEpoch;
        }
    }

    private final Map<Key, CompletableFuture<Held>> loaded = new ConcurrentHashMap<>();
    private final ShareStatePersister persister;
    private final ShareSettings settings;
    private final PartitionWaiters waiters;
    private final Timer timer;
    private final Executor io;
    private final LongSupplier clock;

    SharePartitions(ShareStatePersister persister, ShareSettings settings, PartitionWaiters waiters, Timer timer,
            Executor io, LongSupplier clock) {
        this.persister = persister;
        this.settings = settings;
        this.waiters = waiters;
        this.timer = timer;
        this.io = io;
        this.clock = clock;
    }

    /**
     * The share-partition of {@code groupId} on {@code partition} (led here), loaded if needed; a
     * load that failed is forgotten so the next fetch tries again.
     */
    CompletableFuture<Held> get(String groupId, Partition partition) {
        return get(groupId, partition, false);
    }

    /**
     * As {@link #get(String, Partition)}; with {@code reload} (a member opens a share session) the
     * stored state is read first, and an idle share-partition (nothing acquired, nothing being
     * written) whose state an administrator replaced meanwhile (AlterShareGroupOffsets: a newer
     * state epoch; DeleteShareGroupOffsets: none stored) is loaded again.
     */
    CompletableFuture<Held> get(String groupId, Partition partition, boolean reload) {
        Key key = new Key(groupId, partition.topicId(), partition.topicPartition().partition());
        CompletableFuture<Held> current = loaded.get(key);
        Held h = heldOf(current);
        if (!reload || h == null) {
            return load(key, partition);
        }
        CompletableFuture<ShareCoordinator.StateRead> stored;
        try {
            stored = persister.read(groupId, key.topicId(), key.partition(), partition.leaderEpoch());
        } catch (RuntimeException e) {
            return load(key, partition); // cannot tell whether it was replaced: keep what is held
        }
        return stored.thenCompose(read -> {
            boolean replaced = read.error() == ErrorCode.NONE
                    && (read.state() == null || read.state().stateEpoch() > h.stateEpoch);
            if (replaced && idle(h)) {
                loaded.remove(key, current);
            }
            return load(key, partition);
        });
    }

    private CompletableFuture<Held> load(Key key, Partition partition) {
        int epoch = partition.leaderEpoch();
        CompletableFuture<Held> f = loaded.computeIfAbsent(key, k -> load(k, partition, epoch));
        return f.thenCompose(h -> {
            if (h.partition != partition || h.leaderEpoch != epoch) {
                // leadership moved away and back since: what is held may be stale
                loaded.remove(key, f);
                return load(key, partition);
            }
            return CompletableFuture.completedFuture(h);
        });
    }

    private CompletableFuture<Held> load(Key key, Partition partition, int leaderEpoch) {
        CompletableFuture<ShareCoordinator.StateRead> stored;
        try {
            stored = persister.read(key.groupId(), key.topicId(), key.partition(), leaderEpoch);
        } catch (RuntimeException e) { // the group's partition could not be loaded here
            stored = CompletableFuture.failedFuture(new ShareStateException(ErrorCode.COORDINATOR_NOT_AVAILABLE));
        }
        CompletableFuture<Held> out = stored
                .thenCompose(read -> {
                    if (read.error() != ErrorCode.NONE) {
                        return CompletableFuture.failedFuture(new ShareStateException(read.error()));
                    }
                    if (read.state() != null && !read.state().isDeleted()) {
                        Held h = new Held(key, SharePartition.restore(toSnapshot(read.state())), partition, leaderEpoch,
                                read.state().stateEpoch());
                        log.info("share-partition {} of {} loaded at {}", partition.topicPartition(), key.groupId(),
                                h.state.startOffset());
                        return CompletableFuture.completedFuture(h);
                    }
                    long start = settings.initialOffset(key.groupId(), partition, clock.getAsLong());
                    // after DeleteShareGroupOffsets: afresh, in the epoch that fences the state's previous holder
                    int stateEpoch = read.state() == null ? 0 : read.state().stateEpoch();
                    Held h = new Held(key, new SharePartition(start), partition, leaderEpoch, stateEpoch);
                    log.info("share-partition {} of {} starts at {}", partition.topicPartition(), key.groupId(), start);
                    return persist(h).thenCompose(error -> error == ErrorCode.NONE
                            ? CompletableFuture.completedFuture(h)
                            : CompletableFuture.failedFuture(new ShareStateException(error)));
                });
        // on the io pool: a load that failed at once must not touch the map inside the computeIfAbsent creating it
        out.whenCompleteAsync((h, failure) -> {
            if (failure != null) {
                loaded.remove(key, out);
            }
        }, io);
        return out;
    }

    /** The loaded share-partition, or null while loading, after a failed load, or for none. */
    private static Held heldOf(CompletableFuture<Held> f) {
        return f != null && f.isDone() && !f.isCompletedExceptionally() ? f.join() : null;
    }

    private static boolean idle(Held h) {
        synchronized (h) {
            return h.writing == null && !h.state.hasAcquired();
        }
    }

    /** This broker stopped (or started) leading {@code tp}: its share-partitions load again when next used. */
    void leadershipChanged(TopicPartition tp) {
        loaded.keySet().removeIf(k -> {
            CompletableFuture<Held> f = loaded.get(k);
            Held h = heldOf(f);
            return h != null && h.partition.topicPartition().equals(tp);
        });
    }

    /** The share-partitions of a group loaded here (for AlterShareGroupOffsets' check and DeleteGroups). */
    void forget(String groupId) {
        loaded.keySet().removeIf(k -> k.groupId().equals(groupId));
    }

    /**
     * Persists the share-partition's state as of when the write starts; the future completes when
     * a write that started after this call is durable (or failed).
     */
    CompletableFuture<ErrorCode> persist(Held h) {
        synchronized (h) {
            if (h.writing == null) {
                return startWrite(h);
            }
            if (h.next == null) {
                h.next = new CompletableFuture<>();
            }
            return h.next;
        }
    }

    /** Starts a write of the state as of now (holding {@code h}); the next one starts when it ends. */
    private CompletableFuture<ErrorCode> startWrite(Held h) {
        CompletableFuture<ErrorCode> done = write(h);
        h.writing = done;
        // registered after the write is recorded: a write that is already done runs this at once, correctly
        done.thenAccept(error -> {
            if (error == ErrorCode.FENCED_STATE_EPOCH || error == ErrorCode.FENCED_LEADER_EPOCH) {
                // the offsets were altered, or another leader took over: load what is stored now when next used
                loaded.computeIfPresent(h.key, (k, f) -> heldOf(f) == h ? null : f);
            }
            if (error != ErrorCode.NONE) {
                log.warn("cannot persist share-partition {} of {}: {}", h.partition.topicPartition(), h.key.groupId(), error);
            }
            synchronized (h) {
                if (h.writing != done) {
                    return;
                }
                CompletableFuture<ErrorCode> waiting = h.next;
                h.next = null;
                h.writing = null;
                if (waiting != null) {
                    startWrite(h).thenAccept(waiting::complete);
                }
            }
        });
        return done;
    }

    private CompletableFuture<ErrorCode> write(Held h) {
        SharePartition.Snapshot s = h.state.snapshot();
        List<ShareStateRecord.Batch> batches = new ArrayList<>();
        for (SharePartition.StateBatch b : s.batches()) {
            batches.add(new ShareStateRecord.Batch(b.first(), b.last(), b.state().code, (short) b.deliveryCount()));
        }
        ShareStateRecord record = new ShareStateRecord(h.key.topicId(), h.key.partition(), h.stateEpoch, h.leaderEpoch,
                s.startOffset(), batches);
        try {
            return persister.write(h.key.groupId(), record).exceptionally(e -> ErrorCode.COORDINATOR_NOT_AVAILABLE);
        } catch (RuntimeException e) { // the group's partition could not be loaded here: try again with the next change
            log.warn("cannot persist share-partition {} of {}", h.partition.topicPartition(), h.key.groupId(), e);
            return CompletableFuture.completedFuture(ErrorCode.COORDINATOR_NOT_AVAILABLE);
        }
    }

    /** Expires the locks of records acquired with {@code lockMs} once it has passed. */
    void expireLater(Held h, long lockMs) {
        timer.newTimeout(t -> io.execute(() -> {
            if (h.state.expireLocks(clock.getAsLong(), settings.deliveryLimit(h.key.groupId())) > 0) {
                persist(h);
                wake(h);
            }
        }), lockMs + 5, TimeUnit.MILLISECONDS);
    }

    /** Records became available again: share fetches waiting on the partition may take them. */
    void wake(Held h) {
        waiters.fetches().checkAndComplete(h.partition.topicPartition());
    }

    /** A failed read or write of persisted state, with the error to answer. */
    static final class ShareStateException extends RuntimeException {
        final ErrorCode error;

        ShareStateException(ErrorCode error) {
            super("share state: " + error);
            this.error = error;
        }
    }

    private static SharePartition.Snapshot toSnapshot(ShareStateRecord r) {
        List<SharePartition.StateBatch> batches = new ArrayList<>();
        for (ShareStateRecord.Batch b : r.batches()) {
            batches.add(new SharePartition.StateBatch(b.first(), b.last(), SharePartition.State.of(b.state()),
                    b.deliveryCount()));
        }
        return new SharePartition.Snapshot(r.startOffset(), batches);
    }

    /** For tests and logs: how many share-partitions are loaded. */
    int size() {
        return loaded.size();
    }
}

package dev.wharf.server.purgatory;

import io.netty.util.Timer;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Where delayed operations wait (Kafka calls it a purgatory): each watches one or more keys (for
 * fetches, the partitions it reads) and is completed by the first of an event on one of its keys
 * ({@link #checkAndComplete}) or its deadline on the broker's timer. One facility for every kind
 * of waiting: long-poll fetches today; acks=all produce, follower fetches and transaction markers
 * to come.
 *
 * <p>Thread-safe: operations are watched and checked from any thread. An event between an
 * operation's first check and its registration is not lost, because it is checked once more after
 * it is watched.
 */
public final class DelayedOperationPurgatory<K> {
    private final String name;
    private final Timer timer;
    private final Map<K, Set<DelayedOperation>> watchers = new ConcurrentHashMap<>();

    public DelayedOperationPurgatory(String name, Timer timer) {
        this.name = name;
        this.timer = timer;
    }

    /**
     * Completes the operation now if it can; otherwise watches it under {@code keys} until an event
     * on one of them completes it or its deadline passes. True if it completed in this call.
     */
    public boolean tryCompleteElseWatch(DelayedOperation op, List<K> keys) {
        if (op.maybeTryComplete()) {
            return true;
        }
        for (K key : keys) {
            // added inside compute: a concurrent remove of the last watcher cannot drop this one
            watchers.compute(key, (k, ops) -> {
                Set<DelayedOperation> set = ops != null ? ops : ConcurrentHashMap.newKeySet();
                set.add(op);
                return set;
            });
        }
        op.unwatch(() -> keys.forEach(k -> remove(k, op)));
        if (op.maybeTryComplete()) { // an event may have come between the first check and the watch
            return true;
        }
        if (!op.isCompleted()) {
            op.deadline(timer.newTimeout(t -> op.expire(), op.delayMs(), TimeUnit.MILLISECONDS));
        }
        return false;
    }

    /** Checks the operations watching {@code key}; returns how many completed. */
    public int checkAndComplete(K key) {
        Set<DelayedOperation> ops = watchers.get(key);
        if (ops == null) {
            return 0;
        }
        int completed = 0;
        for (DelayedOperation op : ops) {
            if (op.maybeTryComplete()) {
                completed++;
            }
        }
        return completed;
    }

    /** Completes (answers) every operation watching {@code key}, e.g. when its partition goes away. */
    public void completeAll(K key) {
        Set<DelayedOperation> ops = watchers.get(key);
        if (ops != null) {
            ops.forEach(DelayedOperation::forceComplete);
        }
    }

    /** Operations waiting here, each counted once however many keys it watches (NumDelayedOperations). */
    public int pending() {
        return (int) watchers.values().stream().flatMap(Set::stream).distinct().count();
    }

    /** Operations waiting, counted once per key they watch (for tests and metrics). */
    public int watched() {
        return watchers.values().stream().mapToInt(Set::size).sum();
    }

    private void remove(K key, DelayedOperation op) {
        watchers.computeIfPresent(key, (k, ops) -> {
            ops.remove(op);
            return ops.isEmpty() ? null : ops;
        });
    }

    @Override
    public String toString() {
        return "purgatory " + name;
    }
}

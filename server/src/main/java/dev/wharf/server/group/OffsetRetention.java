package dev.wharf.server.group;

import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.PartitionWriter;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.config.BrokerKeys;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Offsets that go without being deleted by a client: those past their retention, and those of a
 * deleted topic.
 *
 * <p>Threads: the broker's retention task (on an io thread) and whichever thread deletes a topic.
 * Each reads a group under its monitor and queues an {@link OffsetRemoval} on the group's
 * partition writer. No state of its own.
 */
final class OffsetRetention {
    private final GroupStore store;
    private final LongSupplier clock;
    private final long retentionMs;

    OffsetRetention(GroupStore store, LongSupplier clock) {
        this.store = store;
        this.clock = clock;
        this.retentionMs = TimeUnit.MINUTES.toMillis(store.config().get(BrokerKeys.OFFSETS_RETENTION_MINUTES));
    }

    /**
     * Queues the removal of offsets past their retention, as Kafka has it: an empty group's
     * offsets {@code offsets.retention.minutes} after it became empty (or after the commit, for a
     * group that never had members); a stable consumer group's offsets of topics no member
     * subscribes to, counted from the commit; a commit's own expiry time (v2-v4) always. An empty
     * group left with no offsets is deleted. Returns how many offsets were found due.
     */
    int expire() {
        long now = clock.getAsLong();
        int due = 0;
        for (Group group : store.all()) {
            Optional<PartitionWriter> writer = store.writerFor(group.groupId());
            if (writer.isEmpty()) {
                continue;
            }
            Map<TopicPartition, CommittedOffset> expired;
            boolean emptyWithoutOffsets;
            synchronized (group) {
                if (group.isDead()) {
                    continue;
                }
                expired = dueOffsets(group, now);
                if (expired == null) {
                    continue;
                }
                emptyWithoutOffsets = group.isEmpty() && group.shouldExpire() && !store.offsets().has(group.groupId());
            }
            if (expired.isEmpty() && !emptyWithoutOffsets) {
                continue;
            }
            due += expired.size();
            // at write time, only offsets not committed again since go
            writer.get().write(new OffsetRemoval(store, group, current -> {
                Set<TopicPartition> gone = new HashSet<>();
                expired.forEach((tp, o) -> {
                    if (current.get(tp) == o) {
                        gone.add(tp);
                    }
                });
                return gone;
            }, true, clock));
        }
        return due;
    }

    /** The group's offsets past retention; null when none may expire now (members are moving, or unknown). */
    private Map<TopicPartition, CommittedOffset> dueOffsets(Group group, long now) {
        Group.Subscriptions subscriptions = group.subscriptions();
        Set<String> keep;
        boolean fromStateChange;
        if (subscriptions instanceof Group.Subscriptions.None) {
            keep = Set.of();
            fromStateChange = group.hadMembers();
        } else if (subscriptions instanceof Group.Subscriptions.Topics t && t.settled()) {
            keep = t.topics();
            fromStateChange = false;
        } else {
            return null; // members are moving, or their use of offsets is unknown: nothing expires
        }
        Map<TopicPartition, CommittedOffset> due = new HashMap<>();
        store.offsets().all(group.groupId()).forEach((tp, o) -> {
            boolean expired = o.expireTimestamp() >= 0 ? now >= o.expireTimestamp()
                    : now - (fromStateChange ? group.stateTimestampMs() : o.commitTimestamp()) >= retentionMs;
            if (expired && !keep.contains(tp.topic())) {
                due.put(tp, o);
            }
        });
        return due;
    }

    /**
     * A deleted topic's offsets go from every group, as in Kafka (a topic re-created under the name
     * starts with no committed positions); an empty group left with no offsets goes too.
     */
    void topicDeleted(String topic) {
        for (Group group : store.all()) {
            Optional<PartitionWriter> writer = store.writerFor(group.groupId());
            if (writer.isEmpty() || store.offsets().partitions(group.groupId()).stream()
                    .noneMatch(tp -> tp.topic().equals(topic))) {
                continue;
            }
            writer.get().write(new OffsetRemoval(store, group, current -> {
                Set<TopicPartition> gone = new HashSet<>();
                current.keySet().stream().filter(tp -> tp.topic().equals(topic)).forEach(gone::add);
                return gone;
            }, false, clock));
        }
    }
}

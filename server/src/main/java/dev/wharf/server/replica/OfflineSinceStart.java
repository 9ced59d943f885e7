package dev.wharf.server.replica;

import dev.wharf.logstore.LogManager;
import dev.wharf.logstore.TopicPartition;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which replicas assigned here may have their log in a log dir that could not be read at
 * start-up (KIP-112). The broker cannot list such a dir, so it does not know what was in it; a
 * replica it should have and finds in no online dir may be there, and must not be created afresh:
 * an empty replica made leader would lose the data. It is offline instead, as if its dir had
 * failed at run time.
 *
 * <p>The rule: a replica assigned to this broker in the metadata of the first full sync (the one
 * {@link ReplicaManager#subscribe} delivers, before the broker serves anything) may have existed
 * before this process started, so it counts as in the offline dir. A replica assigned here later
 * (a new topic, partitions added, a reassignment onto this broker) cannot have a log in a dir
 * unreadable since start-up that is worth keeping: either it did not exist, or this broker was
 * not among its replicas at the sync, so the controller had dropped it from the ISR and any old
 * copy is stale (the broker deletes such logs anyway); a fresh replica fetches from the leader,
 * which is what Kafka does for a replica the controller marks new. Topics count by id, so a topic
 * deleted and created again under its name is new. The rule errs one way only: a replica of a
 * topic created while this broker was down is offline too, until a restart with every dir readable
 * (Kafka does the same, as such a replica is not new to its controller either).
 *
 * <p>Threads: the sync and later metadata changes arrive on {@code wharf-zk-events}; the set is
 * only written during the sync, and read afterwards, so a concurrent set suffices.
 */
final class OfflineSinceStart {
    private record Replica(UUID topicId, int partition) {}

    private final LogManager logs;
    private final Set<Replica> assignedAtSync = ConcurrentHashMap.newKeySet();
    private volatile boolean syncing;

    OfflineSinceStart(LogManager logs) {
        this.logs = logs;
    }

    /** The first full sync begins ({@code true}) or has been delivered ({@code false}). */
    void syncing(boolean now) {
        syncing = now;
    }

    /** A replica assigned here, as the metadata says; remembered while the first sync runs. */
    void assigned(UUID topicId, TopicPartition tp) {
        if (syncing) {
            assignedAtSync.add(new Replica(topicId, tp.partition()));
        }
    }

    /**
     * Whether {@code tp} must be taken as offline rather than opened: no online dir holds its log,
     * some dir is offline since start-up or later, and it was assigned here at the first sync.
     */
    boolean isOffline(UUID topicId, TopicPartition tp) {
        return !logs.offlineDirs().isEmpty() && logs.get(tp).isEmpty()
                && assignedAtSync.contains(new Replica(topicId, tp.partition()));
    }
}

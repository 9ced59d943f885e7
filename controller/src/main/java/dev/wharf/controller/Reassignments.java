package dev.wharf.controller;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Partition reassignment, as the controller runs it (KIP-455's steps, Kafka's semantics): a target
 * replica list first joins the current one ({@code replicas} = target, then the original ones not
 * in it; {@code adding} and {@code removing} say which are which), with the leader epoch bumped so
 * that the leader tracks the new followers; the new replicas copy the log and the leader takes
 * them into the ISR as they catch up; once every target replica is in sync, one write makes the
 * target the replica set, moves leadership into it if the leader is leaving, and drops the others
 * from the ISR, and each removed replica deletes its copy when it sees itself gone. A new target
 * for a partition already moving replaces the old one (the original replicas stay what they
 * were); cancelling goes back to the original replicas, dropping the ones being added.
 *
 * <p>The sets live in the topic's znode ({@code adding_replicas}, {@code removing_replicas}, as
 * Kafka writes them), so a new controller picks up a reassignment where the old one left it. Every
 * write changes the topic znode and the partition state in one multi-op, conditional on the
 * controller epoch and both versions.
 *
 * <p>Threads: {@code wharf-zk-events} only.
 */
final class Reassignments implements MetadataListener {
    private static final Logger log = LoggerFactory.getLogger(Reassignments.class);
    private static final int ATTEMPTS = 5;
    /** How soon a move whose last step could not be written is tried again (nothing else may come to wake it). */
    private static final long RETRY_MS = 1000;

    private final ZkSession session;
    private final CuratorFramework zk;
    private final ControllerElection election;
    private final MetadataCache cache;

    Reassignments(ZkSession session, ControllerElection election, MetadataCache cache) {
        this.session = session;
        this.zk = session.client();
        this.election = election;
        this.cache = cache;
    }

    /** This broker just became controller: finish what can be finished. */
    void elected() {
        cache.topics().values().forEach(this::completeWhatIsInSync);
    }

    @Override
    public void topicChanged(String name, Optional<TopicInfo> now) {
        if (election.isController() && now.isPresent()) {
            completeWhatIsInSync(now.get());
        }
    }

    /**
     * Starts (target present), replaces or cancels (target empty) the reassignment of each
     * partition named. {@code allowReplicationFactorChange} false refuses a target of another
     * size. As the controller only.
     */
    Map<String, Map<Integer, ReassignmentResult>> alter(Map<String, Map<Integer, Optional<List<Integer>>>> targets,
            boolean allowReplicationFactorChange) {
        Map<String, Map<Integer, ReassignmentResult>> out = new LinkedHashMap<>();
        Set<Integer> live = new HashSet<>();
        cache.liveBrokers().forEach(b -> live.add(b.id()));
        targets.forEach((topic, partitions) -> {
            Map<Integer, ReassignmentResult> results = out.computeIfAbsent(topic, k -> new LinkedHashMap<>());
            partitions.forEach((partition, target) -> results.put(partition,
                    alterOne(topic, partition, target, allowReplicationFactorChange, live)));
        });
        return out;
    }

    private ReassignmentResult alterOne(String topic, int partition, Optional<List<Integer>> target,
            boolean allowReplicationFactorChange, Set<Integer> live) {
        Optional<TopicInfo> t = cache.topic(topic);
        if (t.isEmpty() || partition < 0 || partition >= t.get().partitions().size()) {
            return ReassignmentResult.of(ReassignmentResult.Kind.UNKNOWN_PARTITION, "No such topic or partition");
        }
        TopicInfo.PartitionInfo p = t.get().partitions().get(partition);
        if (target.isEmpty()) {
            if (!p.reassigning()) {
                return ReassignmentResult.of(ReassignmentResult.Kind.NOT_IN_PROGRESS,
                        "No reassignment is in progress for " + topic + "-" + partition);
            }
            if (p.isr().stream().noneMatch(p.originalReplicas()::contains)) {
                return ReassignmentResult.of(ReassignmentResult.Kind.FAILED, "None of the original replicas of "
                        + topic + "-" + partition + " is in sync; cancelling would leave it without a leader");
            }
            return write(topic, partition, Reassignments::cancelled) ? ReassignmentResult.done()
                    : ReassignmentResult.of(ReassignmentResult.Kind.FAILED, "The partition kept changing; try again");
        }
        List<Integer> replicas = target.get();
        Optional<String> invalid = invalidTarget(replicas, live);
        if (invalid.isPresent()) {
            return ReassignmentResult.of(ReassignmentResult.Kind.INVALID_ASSIGNMENT, invalid.get());
        }
        if (!allowReplicationFactorChange && replicas.size() != p.originalReplicas().size()) {
            return ReassignmentResult.of(ReassignmentResult.Kind.INVALID_REPLICATION_FACTOR, "The replication factor of "
                    + topic + "-" + partition + " would change from " + p.originalReplicas().size() + " to "
                    + replicas.size() + ", and allowReplicationFactorChange is false");
        }
        return write(topic, partition, current -> started(current, replicas)) ? ReassignmentResult.done()
                : ReassignmentResult.of(ReassignmentResult.Kind.FAILED, "The partition kept changing; try again");
    }

    private static Optional<String> invalidTarget(List<Integer> replicas, Set<Integer> live) {
        if (replicas.isEmpty()) {
            return Optional.of("The manual partition assignment includes an empty replica list.");
        }
        Set<Integer> seen = new HashSet<>();
        for (int r : replicas) {
            if (!seen.add(r)) {
                return Optional.of("The manual partition assignment includes the broker " + r + " more than once.");
            }
            if (!live.contains(r)) {
                return Optional.of("The manual partition assignment includes broker " + r
                        + ", but no such broker is registered.");
            }
        }
        return Optional.empty();
    }

    /**
     * The partitions being reassigned, of the topics asked for (null: all), each with its replica,
     * adding and removing sets.
     */
    Map<String, List<TopicInfo.PartitionInfo>> ongoing(Map<String, List<Integer>> which) {
        Map<String, List<TopicInfo.PartitionInfo>> out = new LinkedHashMap<>();
        for (TopicInfo t : cache.topics().values()) {
            List<Integer> asked = which == null ? null : which.get(t.name());
            if (which != null && asked == null) {
                continue;
            }
            for (TopicInfo.PartitionInfo p : t.partitions()) {
                if (p.reassigning() && (asked == null || asked.contains(p.partition()))) {
                    out.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(p);
                }
            }
        }
        return out;
    }

    /** The partition moving to {@code target}: target first, then the original replicas not in it; the leader epoch bumped. */
    static TopicInfo.PartitionInfo started(TopicInfo.PartitionInfo current, List<Integer> target) {
        List<Integer> original = current.originalReplicas();
        if (!current.reassigning() && original.equals(target)) {
            return null; // nothing to move
        }
        List<Integer> replicas = new ArrayList<>(target);
        original.stream().filter(r -> !target.contains(r)).forEach(replicas::add);
        List<Integer> adding = target.stream().filter(r -> !original.contains(r)).toList();
        List<Integer> removing = original.stream().filter(r -> !target.contains(r)).toList();
        // replicas being added by a replaced target and not in the new one leave the ISR too
        List<Integer> isr = current.isr().stream().filter(replicas::contains).toList();
        TopicInfo.PartitionInfo next = current.withReplicas(replicas, adding, removing);
        return next.withLeaderAndIsr(current.leader(), current.leaderEpoch() + 1, isr);
    }

    /** Back to the original replicas: the ones being added go, leadership moves into the originals if need be. */
    static TopicInfo.PartitionInfo cancelled(TopicInfo.PartitionInfo current) {
        return current.reassigning() ? narrowedTo(current, current.originalReplicas()) : null;
    }

    /** The reassignment done, once every target replica is in sync; null while one is not. */
    static TopicInfo.PartitionInfo completed(TopicInfo.PartitionInfo current) {
        if (!current.reassigning() || !current.isr().containsAll(current.targetReplicas())) {
            return null;
        }
        return narrowedTo(current, current.targetReplicas());
    }

    /** The partition with exactly {@code replicas}, in the next leader epoch, led from among them. */
    private static TopicInfo.PartitionInfo narrowedTo(TopicInfo.PartitionInfo current, List<Integer> replicas) {
        List<Integer> isr = current.isr().stream().filter(replicas::contains).toList();
        int leader = current.leader();
        if (!replicas.contains(leader)) {
            // the first of the new replicas in sync leads; none in sync: offline until one returns
            leader = replicas.stream().filter(isr::contains).findFirst().orElse(-1);
        }
        TopicInfo.PartitionInfo next = current.withReplicas(replicas, List.of(), List.of());
        return next.withLeaderAndIsr(leader, current.leaderEpoch() + 1, isr);
    }

    private void completeWhatIsInSync(TopicInfo topic) {
        for (TopicInfo.PartitionInfo p : topic.partitions()) {
            if (p.reassigning() && completed(p) != null && election.isController()) {
                if (write(topic.name(), p.partition(), Reassignments::completed)) {
                    log.info("reassignment of {}-{} done: replicas {}", topic.name(), p.partition(), p.targetReplicas());
                } else {
                    session.schedule(() -> cache.topic(topic.name()).ifPresent(this::completeWhatIsInSync), RETRY_MS);
                }
            }
        }
    }

    /**
     * Writes what {@code step} makes of the partition, reading it again from ZooKeeper and
     * deciding anew when it changed meanwhile. True when written, or when there was nothing to write.
     */
    private boolean write(String topic, int partition, java.util.function.UnaryOperator<TopicInfo.PartitionInfo> step) {
        for (int attempt = 0; attempt < ATTEMPTS && election.isController(); attempt++) {
            try {
                Stat assignmentStat = new Stat();
                byte[] assignment = zk.getData().storingStatIn(assignmentStat).forPath(ZkData.topic(topic));
                List<TopicInfo.PartitionInfo> assigned = ZkData.replicaAssignment(assignment);
                if (partition >= assigned.size()) {
                    return false;
                }
                TopicInfo.PartitionInfo current = cache.readPartition(topic, assigned.get(partition));
                TopicInfo.PartitionInfo next = step.apply(current);
                if (next == null) {
                    return true;
                }
                List<TopicInfo.PartitionInfo> all = new ArrayList<>(assigned); // the assignment needs only the replica sets
                all.set(partition, next);
                zk.transaction().forOperations(election.fence(),
                        zk.transactionOp().setData().withVersion(assignmentStat.getVersion()).forPath(ZkData.topic(topic),
                                ZkData.topicAssignment(ZkData.topicId(assignment), all)),
                        zk.transactionOp().setData().withVersion(current.partitionEpoch())
                                .forPath(ZkData.partitionState(topic, partition), ZkData.partitionState(next, election.epoch())));
                log.info("partition {}-{}: replicas {} -> {} (adding {}, removing {}), leader {} (epoch {}), isr {}", topic,
                        partition, current.replicas(), next.replicas(), next.adding(), next.removing(), next.leader(),
                        next.leaderEpoch(), next.isr());
                cache.rememberPartition(topic, next.withPartitionEpoch(current.partitionEpoch() + 1));
                return true;
            } catch (KeeperException.BadVersionException e) {
                // the topic or the partition moved meanwhile: read again
            } catch (Exception e) {
                log.warn("cannot write the reassignment of {}-{}: {}", topic, partition, e.toString());
                return false;
            }
        }
        return false;
    }
}

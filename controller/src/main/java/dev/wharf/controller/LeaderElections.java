package dev.wharf.controller;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's part in failover: keeps every partition led by a live in-sync replica. Run when
 * this broker wins the election (everything is checked), when the registered brokers change (a
 * broker died, came back, or restarted under a new broker epoch) and when a topic changes (a new
 * topic whose first replica is down, an offline partition).
 *
 * <p>For each partition: a leader that is gone (or restarted: it may have lost what it had not
 * flushed) is replaced by the first replica, in assignment order, that is live and in the ISR,
 * with the leader epoch bumped; in-sync replicas that are gone leave the ISR (the leader epoch
 * stays: the leader is unchanged). With no live in-sync replica the partition goes offline
 * (leader -1, epoch bumped, the ISR left as it was, so the first of them to return leads again
 * without losing anything), unless unclean election is allowed for its topic, when the first live
 * replica leads alone. Each write is one multi-op that checks the controller epoch's znode
 * version ({@link ControllerElection#fence()}) and the partition state's version, so neither a
 * zombie controller nor a write based on a stale read lands.
 *
 * <p>Threads: {@code wharf-zk-events} only.
 */
final class LeaderElections implements MetadataListener {
    private static final Logger log = LoggerFactory.getLogger(LeaderElections.class);
    private static final int ATTEMPTS = 5;

    private final CuratorFramework zk;
    private final ControllerElection election;
    private final MetadataCache cache;
    private volatile Predicate<TopicInfo> uncleanAllowed = t -> false;
    /** Broker epochs as of the last full check; a change means the broker restarted. */
    private Map<Integer, Long> knownEpochs = Map.of();

    LeaderElections(ZkSession session, ControllerElection election, MetadataCache cache) {
        this.zk = session.client();
        this.election = election;
        this.cache = cache;
    }

    void uncleanElectionPolicy(Predicate<TopicInfo> allowed) {
        this.uncleanAllowed = allowed;
    }

    /** This broker just became controller: check every partition. */
    void elected() {
        knownEpochs = cache.brokerEpochs();
        checkAll(Set.of());
    }

    @Override
    public void brokersChanged(List<BrokerInfo> live) {
        Map<Integer, Long> epochs = cache.brokerEpochs();
        Set<Integer> restarted = new HashSet<>();
        epochs.forEach((id, epoch) -> {
            Long before = knownEpochs.get(id);
            if (before != null && !before.equals(epoch)) {
                restarted.add(id);
            }
        });
        knownEpochs = epochs;
        if (election.isController()) {
            if (!restarted.isEmpty()) {
                log.info("brokers restarted under a new epoch: {}", restarted);
            }
            checkAll(restarted);
        }
    }

    @Override
    public void topicChanged(String name, Optional<TopicInfo> now) {
        if (election.isController() && now.isPresent()) {
            check(now.get(), liveIds(), Set.of());
        }
    }

    private void checkAll(Set<Integer> restarted) {
        Set<Integer> live = liveIds();
        for (TopicInfo t : cache.topics().values()) {
            check(t, live, restarted);
        }
    }

    private Set<Integer> liveIds() {
        Set<Integer> live = new HashSet<>();
        cache.liveBrokers().forEach(b -> live.add(b.id()));
        return live;
    }

    private void check(TopicInfo topic, Set<Integer> live, Set<Integer> restarted) {
        for (TopicInfo.PartitionInfo p : topic.partitions()) {
            TopicInfo.PartitionInfo current = p;
            for (int attempt = 0; attempt < ATTEMPTS && election.isController(); attempt++) {
                TopicInfo.PartitionInfo next = decide(current, live, restarted, cache.shuttingDown(),
                        uncleanAllowed.test(topic));
                if (next == null) {
                    break;
                }
                try {
                    write(topic.name(), current, next);
                    break;
                } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
                    // the state changed since it was read (an ISR change by its leader), or the topic went
                    if (!stillController()) {
                        return;
                    }
                    try {
                        current = cache.readPartition(topic.name(), p.partition(), p.replicas());
                    } catch (Exception gone) {
                        break;
                    }
                } catch (Exception e) {
                    log.warn("cannot write the new state of {}-{}: {}", topic.name(), p.partition(), e.toString());
                    break;
                }
            }
        }
    }

    /**
     * The state a partition should move to, or null when it is fine as it is. {@code leaving} are
     * brokers shutting down under control: a leader among them hands over to another in-sync
     * replica if there is one (else it leads until it goes), and they leave the ISR, so that
     * acks=all does not wait for them once they are gone.
     */
    static TopicInfo.PartitionInfo decide(TopicInfo.PartitionInfo p, Set<Integer> live, Set<Integer> restarted,
            Set<Integer> leaving, boolean unclean) {
        List<Integer> liveIsr = new ArrayList<>();
        for (int r : p.isr()) {
            if (live.contains(r)) {
                liveIsr.add(r);
            }
        }
        // who may lead: live, in sync, neither restarted (it may have lost unflushed records) nor leaving
        Predicate<Integer> eligible = r -> liveIsr.contains(r) && !restarted.contains(r) && !leaving.contains(r);
        boolean leaderOk = p.leader() >= 0 && live.contains(p.leader()) && !restarted.contains(p.leader());
        if (leaderOk && leaving.contains(p.leader())) {
            Optional<Integer> successor = p.replicas().stream().filter(eligible).findFirst();
            if (successor.isPresent()) {
                return p.withLeaderAndIsr(successor.get(), p.leaderEpoch() + 1, isrWithout(liveIsr, successor.get(),
                        restarted, leaving));
            }
            // nobody else can take over: it leads until it is gone
        }
        if (leaderOk) {
            List<Integer> isr = isrWithout(liveIsr, p.leader(), restarted, leaving);
            return isr.equals(p.isr()) ? null : p.withLeaderAndIsr(p.leader(), p.leaderEpoch(), isr);
        }
        // a new leader: live and in sync, in assignment order; one that restarted or is leaving only if no other is
        Optional<Integer> leader = p.replicas().stream().filter(eligible).findFirst()
                .or(() -> p.replicas().stream().filter(r -> liveIsr.contains(r) && !leaving.contains(r)).findFirst())
                .or(() -> p.replicas().stream().filter(liveIsr::contains).findFirst());
        if (leader.isPresent()) {
            return p.withLeaderAndIsr(leader.get(), p.leaderEpoch() + 1, isrWithout(liveIsr, leader.get(), restarted,
                    leaving));
        }
        if (unclean) {
            Optional<Integer> any = p.replicas().stream().filter(live::contains).findFirst();
            if (any.isPresent()) {
                return p.withLeaderAndIsr(any.get(), p.leaderEpoch() + 1, List.of(any.get()));
            }
        }
        // offline: nobody in sync is here; the ISR stays so that the first of them back leads
        return p.leader() == -1 ? null : p.withLeaderAndIsr(-1, p.leaderEpoch() + 1, p.isr());
    }

    /** {@code liveIsr} without the replicas that restarted or are leaving, except the leader. */
    private static List<Integer> isrWithout(List<Integer> liveIsr, int leader, Set<Integer> restarted,
            Set<Integer> leaving) {
        List<Integer> isr = new ArrayList<>(liveIsr);
        isr.removeIf(r -> r != leader && (restarted.contains(r) || leaving.contains(r)));
        return isr;
    }

    private void write(String topic, TopicInfo.PartitionInfo current, TopicInfo.PartitionInfo next) throws Exception {
        zk.transaction().forOperations(election.fence(),
                zk.transactionOp().setData().withVersion(current.partitionEpoch())
                        .forPath(ZkData.partitionState(topic, next.partition()), ZkData.partitionState(next, election.epoch())));
        TopicInfo.PartitionInfo written = new TopicInfo.PartitionInfo(next.partition(), next.replicas(), next.leader(),
                next.leaderEpoch(), next.isr(), current.partitionEpoch() + 1);
        log.info("partition {}-{}: leader {} -> {} (epoch {}), isr {} -> {}", topic, next.partition(), current.leader(),
                next.leader(), next.leaderEpoch(), current.isr(), next.isr());
        cache.rememberPartition(topic, written);
    }

    /** Whether this broker still holds the controller epoch it was elected with (a failed multi-op may mean it does not). */
    private boolean stillController() {
        try {
            return election.isController() && election.epochStillCurrent();
        } catch (Exception e) {
            return false;
        }
    }
}

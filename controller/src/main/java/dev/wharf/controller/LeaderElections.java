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
 * <p>A replica in a failed log dir (its broker lists it under {@code /brokers/offline_replicas}) counts
 * as gone for its partition alone ({@link #liveFor}).
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
    /** Registered brokers known to be gone before their sessions end ({@link BrokerLiveness}). */
    private volatile java.util.function.Supplier<Set<Integer>> gone = Set::of;
    private volatile ElectionListener elected = (millis, unclean) -> { };

    void onElection(ElectionListener listener) {
        this.elected = listener;
    }
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

    void excluding(java.util.function.Supplier<Set<Integer>> goneBrokers) {
        this.gone = goneBrokers;
    }

    /** A registered broker turned out to be gone, or back: check every partition. */
    void livenessChanged() {
        if (election.isController()) {
            checkAll(Set.of());
        }
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
        live.removeAll(gone.get());
        return live;
    }

    private void check(TopicInfo topic, Set<Integer> live, Set<Integer> restarted) {
        boolean unclean = uncleanAllowed.test(topic);
        for (TopicInfo.PartitionInfo p : topic.partitions()) {
            if (!election.isController()) {
                return;
            }
            Set<Integer> liveHere = liveFor(live, cache.offlineReplicas(topic.name(), p.partition()));
            move(topic.name(), p, current -> decide(current, liveHere, restarted, cache.shuttingDown(), unclean));
        }
    }

    /** The brokers live for one partition: the live ones but those holding it in a failed log dir. */
    static Set<Integer> liveFor(Set<Integer> live, Set<Integer> offlineReplicas) {
        if (offlineReplicas.isEmpty()) {
            return live;
        }
        Set<Integer> out = new HashSet<>(live);
        out.removeAll(offlineReplicas);
        return out;
    }

    /**
     * Writes what {@code decision} makes of the partition's state (nothing when it returns null),
     * reading the state again and deciding anew when it changed since (an ISR change by its leader).
     * Returns whether a new state was written.
     */
    private boolean move(String topic, TopicInfo.PartitionInfo p,
            java.util.function.UnaryOperator<TopicInfo.PartitionInfo> decision) {
        TopicInfo.PartitionInfo current = p;
        long start = System.nanoTime();
        for (int attempt = 0; attempt < ATTEMPTS && election.isController(); attempt++) {
            TopicInfo.PartitionInfo next = decision.apply(current);
            if (next == null) {
                return false;
            }
            try {
                write(topic, current, next);
                if (next.leader() >= 0 && next.leader() != current.leader()) {
                    elected.elected(java.util.concurrent.TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start),
                            !current.isr().contains(next.leader()));
                }
                return true;
            } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
                if (!stillController()) {
                    return false;
                }
                try {
                    current = cache.readPartition(topic, p.partition());
                } catch (Exception gone) {
                    return false;
                }
            } catch (Exception e) {
                log.warn("cannot write the new state of {}-{}: {}", topic, p.partition(), e.toString());
                return false;
            }
        }
        return false;
    }

    /**
     * An election an operator asked for (ElectLeaders): {@code preferred} moves leadership to each
     * partition's preferred replica (the first assigned) if it is live and in sync; otherwise
     * (UNCLEAN) a partition without a live leader gets one, from outside the ISR if need be.
     * {@code which} maps topics to partitions; null means every partition. As the controller only.
     */
    Map<String, Map<Integer, Election>> elect(boolean preferred, Map<String, List<Integer>> which) {
        Map<String, Map<Integer, Election>> out = new java.util.LinkedHashMap<>();
        Map<String, List<Integer>> asked = which;
        if (asked == null) {
            asked = new java.util.LinkedHashMap<>();
            for (TopicInfo t : cache.topics().values()) {
                List<Integer> all = new ArrayList<>();
                t.partitions().forEach(p -> all.add(p.partition()));
                asked.put(t.name(), all);
            }
        }
        Set<Integer> live = liveIds();
        asked.forEach((topic, partitions) -> {
            Map<Integer, Election> results = out.computeIfAbsent(topic, k -> new java.util.LinkedHashMap<>());
            Optional<TopicInfo> t = cache.topic(topic);
            for (int partition : partitions) {
                if (t.isEmpty() || partition < 0 || partition >= t.get().partitions().size()) {
                    results.put(partition, Election.UNKNOWN_PARTITION);
                    continue;
                }
                TopicInfo.PartitionInfo p = t.get().partitions().get(partition);
                Election verdict = preferred ? preferredVerdict(p, live, cache.shuttingDown())
                        : uncleanVerdict(p, live, cache.shuttingDown());
                if (verdict == Election.ELECTED) {
                    boolean written = move(topic, p, current -> preferred ? preferredLeader(current, live, cache.shuttingDown())
                            : decide(current, live, Set.of(), cache.shuttingDown(), true));
                    verdict = written ? Election.ELECTED : Election.FAILED;
                }
                results.put(partition, verdict);
            }
        });
        return out;
    }

    /**
     * Moves leadership back to preferred replicas where a broker leads less than its share
     * ({@code auto.leader.rebalance.enable}): for each broker whose partitions (those it is first
     * replica of) are led elsewhere more than {@code imbalancePercent} percent of the time, each such
     * partition whose preferred replica is live and in sync is elected back. Returns how many moved.
     */
    int rebalance(int imbalancePercent) {
        if (!election.isController()) {
            return 0;
        }
        Set<Integer> live = liveIds();
        Set<Integer> leaving = cache.shuttingDown();
        Map<Integer, Integer> preferredOf = new java.util.HashMap<>();
        Map<Integer, List<TopicInfo.PartitionInfo>> ledElsewhere = new java.util.HashMap<>();
        Map<TopicInfo.PartitionInfo, String> topicOf = new java.util.HashMap<>();
        for (TopicInfo t : cache.topics().values()) {
            for (TopicInfo.PartitionInfo p : t.partitions()) {
                int pref = p.replicas().get(0);
                preferredOf.merge(pref, 1, Integer::sum);
                if (p.leader() != pref) {
                    ledElsewhere.computeIfAbsent(pref, k -> new ArrayList<>()).add(p);
                    topicOf.put(p, t.name());
                }
            }
        }
        int moved = 0;
        for (Map.Entry<Integer, List<TopicInfo.PartitionInfo>> e : ledElsewhere.entrySet()) {
            if (e.getValue().size() * 100 <= imbalancePercent * preferredOf.get(e.getKey())) {
                continue;
            }
            for (TopicInfo.PartitionInfo p : e.getValue()) {
                if (preferredVerdict(p, live, leaving) == Election.ELECTED
                        && move(topicOf.get(p), p, current -> preferredLeader(current, live, leaving))) {
                    moved++;
                }
            }
        }
        if (moved > 0) {
            log.info("moved leadership of {} partitions back to their preferred replicas", moved);
        }
        return moved;
    }

    /** Whether a preferred election would move the partition's leadership. */
    static Election preferredVerdict(TopicInfo.PartitionInfo p, Set<Integer> live, Set<Integer> leaving) {
        int pref = p.replicas().get(0);
        if (p.leader() == pref) {
            return Election.NOT_NEEDED;
        }
        return live.contains(pref) && p.isr().contains(pref) && !leaving.contains(pref) ? Election.ELECTED
                : Election.PREFERRED_NOT_AVAILABLE;
    }

    /** The state with the preferred replica leading in the next epoch, or null when it cannot (or does already). */
    static TopicInfo.PartitionInfo preferredLeader(TopicInfo.PartitionInfo p, Set<Integer> live, Set<Integer> leaving) {
        return preferredVerdict(p, live, leaving) != Election.ELECTED ? null
                : p.withLeaderAndIsr(p.replicas().get(0), p.leaderEpoch() + 1, p.isr());
    }

    /** Whether an unclean election would give the partition a leader. */
    static Election uncleanVerdict(TopicInfo.PartitionInfo p, Set<Integer> live, Set<Integer> leaving) {
        if (p.leader() >= 0 && live.contains(p.leader())) {
            return Election.NOT_NEEDED;
        }
        TopicInfo.PartitionInfo next = decide(p, live, Set.of(), leaving, true);
        return next != null && next.leader() >= 0 ? Election.ELECTED : Election.NO_ELIGIBLE_LEADER;
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
        TopicInfo.PartitionInfo written = next.withPartitionEpoch(current.partitionEpoch() + 1);
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

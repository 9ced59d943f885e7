package dev.wharf.controller;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Where the replicas of new partitions go when nobody said, placed the way Kafka places them; and
 * the checks on replica lists a client did give.
 *
 * <p>The live brokers stand in a ring: by id, or, when every one has a rack, alternating across
 * racks (racks by name, each rack's brokers by id: racks a={1,2}, b={3}, c={4,5} give the ring
 * 1,3,4,2,5). Partition p is led by its first replica, the ring's broker at (start + p) mod n, so
 * leaders go round the ring. Its j-th follower (j from 0) stands 1 + (shift + j) mod (n - 1) places
 * after the leader, and shift grows by one each time the partition number reaches a multiple of
 * n: from one lap of the ring to the next, a leader's followers change, so followers spread over
 * the brokers as leaders do. With racks, a candidate follower is passed over while its rack already
 * holds a replica of the partition and some rack holds none, and shift counts in whole rounds of
 * racks, so each partition's replicas are in as many racks as it has replicas, or as there are.
 *
 * <p>A new topic starts at a random place in the ring with a random shift, as in Kafka, so that
 * many small topics do not all lead on one broker; tests fix both to one index. Partitions added to
 * a topic go on from where it is: numbering continues from its count, and start and shift are where
 * partition 0's leader stands, so leaders keep going round.
 *
 * <p>Either every live broker has a rack or none has. When only some have, {@link MixedRacks#REFUSE}
 * fails the placement ({@link InconsistentRacksException}; for admin requests) and
 * {@link MixedRacks#IGNORE_RACKS} places as if none had (for topics created on first use: Kafka's
 * "safe" rack-aware mode, so a half-configured cluster still gets its {@code __consumer_offsets}).
 *
 * <p>Immutable; any thread.
 */
public final class ReplicaPlacement {
    /** What to do when some live brokers have a rack and some do not. */
    public enum MixedRacks {
        /** Fail: placing without racks could put a partition's every replica in one rack. */
        REFUSE,
        /** Place by id, as if no broker had a rack. */
        IGNORE_RACKS
    }

    /** Broker ids in ring order. */
    private final List<Integer> ring;
    /** Each broker's rack when placing by rack; empty when not. */
    private final Map<Integer, String> rackOf;
    private final int rackCount;
    /** Start and shift of every new topic; empty for random ones. */
    private final OptionalInt fixedStart;

    private ReplicaPlacement(List<BrokerInfo> live, MixedRacks mixed, OptionalInt fixedStart) {
        List<BrokerInfo> byId = new ArrayList<>(live);
        byId.sort(Comparator.comparingInt(BrokerInfo::id));
        long withRack = byId.stream().filter(b -> b.rack().isPresent()).count();
        boolean byRack = withRack > 0 && withRack == byId.size();
        if (withRack > 0 && !byRack && mixed == MixedRacks.REFUSE) {
            throw new InconsistentRacksException("Not all brokers have rack information for replica rack aware "
                    + "assignment: " + withRack + " of " + byId.size() + " live brokers have a broker.rack.");
        }
        this.rackOf = new HashMap<>();
        if (byRack) {
            byId.forEach(b -> rackOf.put(b.id(), b.rack().get()));
            this.ring = alternatingRacks(byId);
        } else {
            this.ring = byId.stream().map(BrokerInfo::id).toList();
        }
        this.rackCount = new HashSet<>(rackOf.values()).size();
        this.fixedStart = fixedStart;
    }

    /** Placement over {@code live} brokers, each new topic starting at a random place. */
    public static ReplicaPlacement over(List<BrokerInfo> live, MixedRacks mixed) {
        return new ReplicaPlacement(live, mixed, OptionalInt.empty());
    }

    /** Placement over {@code live} brokers with every new topic's start and shift at {@code startIndex} (tests). */
    public static ReplicaPlacement over(List<BrokerInfo> live, MixedRacks mixed, int startIndex) {
        if (startIndex < 0) {
            throw new IllegalArgumentException("start index " + startIndex + " is negative");
        }
        return new ReplicaPlacement(live, mixed, OptionalInt.of(startIndex));
    }

    /** The broker ids in ring order (by id, or alternating across racks). */
    List<Integer> ring() {
        return ring;
    }

    /** Whether replicas are placed by rack. */
    private boolean byRack() {
        return rackCount > 0;
    }

    /** Replica lists of a new topic's partitions, by partition number; each partition is led by its first replica. */
    public List<List<Integer>> forNewTopic(int partitions, int replicationFactor) {
        if (partitions < 1) {
            throw new InvalidPartitionsException("Number of partitions must be larger than 0.");
        }
        checkReplicationFactor(replicationFactor);
        int start = fixedStart.orElseGet(() -> ThreadLocalRandom.current().nextInt(ring.size()));
        int shift = fixedStart.orElseGet(() -> ThreadLocalRandom.current().nextInt(ring.size()));
        return place(start, shift, 0, partitions, replicationFactor);
    }

    /**
     * Replica lists of the partitions added when a topic whose partitions have the replicas in
     * {@code existing} grows to {@code count}: those numbered {@code existing.size()} on, with the
     * replication factor of partition 0.
     */
    public List<List<Integer>> forNewPartitions(List<List<Integer>> existing, int count) {
        if (count <= existing.size()) {
            throw new InvalidPartitionsException("Topic currently has " + existing.size()
                    + " partitions, which is higher than the requested " + count + ".");
        }
        int replicationFactor = existing.get(0).size();
        checkReplicationFactor(replicationFactor);
        int start = ringIndexFrom(existing.get(0).get(0));
        return place(start, start, existing.size(), count, replicationFactor);
    }

    /**
     * Checks replica lists a client gave (for a new topic, or for partitions added to one whose
     * replication factor is {@code replicationFactor}): each lists registered brokers, none twice,
     * and all are as long as each other (and as {@code replicationFactor} when given).
     */
    public static void checkAssignment(List<List<Integer>> assignment, Collection<Integer> registered,
            OptionalInt replicationFactor) {
        Set<Integer> known = new HashSet<>(registered);
        int expected = replicationFactor.orElse(assignment.isEmpty() ? 0 : assignment.get(0).size());
        for (int i = 0; i < assignment.size(); i++) {
            List<Integer> replicas = assignment.get(i);
            if (replicas.isEmpty()) {
                throw new InvalidReplicaAssignmentException("The replica list of partition " + i + " is empty.");
            }
            Set<Integer> seen = new HashSet<>();
            for (int broker : replicas) {
                if (!known.contains(broker)) {
                    throw new InvalidReplicaAssignmentException("The replica list of partition " + i
                            + " names broker " + broker + ", which is not registered.");
                }
                if (!seen.add(broker)) {
                    throw new InvalidReplicaAssignmentException("The replica list of partition " + i
                            + " names broker " + broker + " more than once.");
                }
            }
            if (replicas.size() != expected) {
                throw new InvalidReplicaAssignmentException("Partition " + i + " has " + replicas.size()
                        + " replicas, but " + (replicationFactor.isPresent() ? "the topic's partitions have "
                        : "partition 0 has ") + expected + "; every partition needs the same number.");
            }
        }
    }

    private void checkReplicationFactor(int replicationFactor) {
        if (replicationFactor < 1) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0.");
        }
        if (replicationFactor > ring.size()) {
            // Kafka 4.4's words (its KRaft placer), log directories included: Wharf has no cordoning
            throw new InvalidReplicationFactorException("Unable to replicate the partition " + replicationFactor
                    + " time(s): The target replication factor of " + replicationFactor + " cannot be reached because only "
                    + ring.size() + " broker(s) are registered or some brokers have all their log directories cordoned.");
        }
    }

    /** Partitions {@code from} to {@code to - 1}, the first led by the ring's broker at {@code start + from}. */
    private List<List<Integer>> place(int start, int firstShift, int from, int to, int replicationFactor) {
        int n = ring.size();
        List<List<Integer>> out = new ArrayList<>();
        int shift = firstShift;
        for (int p = from; p < to; p++) {
            if (p > 0 && p % n == 0) {
                shift++; // a new lap of the ring: each leader gets other followers than last time
            }
            int leaderIndex = (start + p) % n;
            out.add(List.copyOf(byRack() ? withRacks(leaderIndex, shift, replicationFactor)
                    : withoutRacks(leaderIndex, shift, replicationFactor)));
        }
        return out;
    }

    private List<Integer> withoutRacks(int leaderIndex, int shift, int replicationFactor) {
        List<Integer> replicas = new ArrayList<>();
        replicas.add(ring.get(leaderIndex));
        for (int j = 0; j < replicationFactor - 1; j++) {
            replicas.add(ring.get(followerIndex(leaderIndex, shift, j)));
        }
        return replicas;
    }

    private List<Integer> withRacks(int leaderIndex, int shift, int replicationFactor) {
        List<Integer> replicas = new ArrayList<>();
        Set<String> racksUsed = new HashSet<>();
        int leader = ring.get(leaderIndex);
        replicas.add(leader);
        racksUsed.add(rackOf.get(leader));
        // candidates walk on from one follower to the next: n - 1 steps visit every other broker once
        for (int step = 0; replicas.size() < replicationFactor; step++) {
            int candidate = ring.get(followerIndex(leaderIndex, shift * rackCount, step));
            String rack = rackOf.get(candidate);
            boolean rackWanted = !racksUsed.contains(rack) || racksUsed.size() == rackCount;
            if (rackWanted && !replicas.contains(candidate)) {
                replicas.add(candidate);
                racksUsed.add(rack);
            }
        }
        return replicas;
    }

    /** Where the follower numbered {@code j} stands: never on the leader, one to n - 1 places after it. */
    private int followerIndex(int leaderIndex, int shift, int j) {
        int n = ring.size();
        return (leaderIndex + 1 + (shift + j) % (n - 1)) % n;
    }

    /** The ring index of the live broker with the lowest id at or above {@code brokerId}; 0 when none is. */
    private int ringIndexFrom(int brokerId) {
        int best = -1;
        for (int id : ring) {
            if (id >= brokerId && (best < 0 || id < best)) {
                best = id;
            }
        }
        return best < 0 ? 0 : ring.indexOf(best);
    }

    /** Brokers taken from each rack in turn (racks by name, each rack's brokers by id), skipping racks used up. */
    private static List<Integer> alternatingRacks(List<BrokerInfo> byId) {
        Map<String, List<Integer>> racks = new TreeMap<>();
        byId.forEach(b -> racks.computeIfAbsent(b.rack().get(), r -> new ArrayList<>()).add(b.id()));
        List<Integer> out = new ArrayList<>();
        for (int round = 0; out.size() < byId.size(); round++) {
            for (List<Integer> rack : racks.values()) {
                if (round < rack.size()) {
                    out.add(rack.get(round));
                }
            }
        }
        return List.copyOf(out);
    }
}

package dev.wharf.controller;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.controller.ReplicaPlacement.MixedRacks;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplicaPlacementTest {
    // the layout Kafka documents for 5 brokers, 10 partitions, 3 replicas, start 0: followers move on each lap
    @Test
    void rackUnawareLayoutIsKafkas() {
        List<List<Integer>> placed = ReplicaPlacement.over(brokers(5), MixedRacks.REFUSE, 0).forNewTopic(10, 3);
        assertEquals(List.of(List.of(0, 1, 2), List.of(1, 2, 3), List.of(2, 3, 4), List.of(3, 4, 0), List.of(4, 0, 1),
                List.of(0, 2, 3), List.of(1, 3, 4), List.of(2, 4, 0), List.of(3, 0, 1), List.of(4, 1, 2)), placed);
    }

    // every broker leads the same number of partitions, wherever the ring starts
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4, 5, 17})
    void leadersSpreadEvenly(int start) {
        List<List<Integer>> placed = ReplicaPlacement.over(brokers(6), MixedRacks.REFUSE, start).forNewTopic(12, 3);
        assertEquals(Map.of(0, 2, 1, 2, 2, 2, 3, 2, 4, 2, 5, 2), leaderCounts(placed));
    }

    // no partition has a broker twice, for every replication factor up to the broker count
    @Test
    void noBrokerTwiceInAPartition() {
        for (int n = 1; n <= 7; n++) {
            for (int rf = 1; rf <= n; rf++) {
                for (int start = 0; start < n; start++) {
                    for (List<Integer> replicas : ReplicaPlacement.over(brokers(n), MixedRacks.REFUSE, start)
                            .forNewTopic(3 * n + 1, rf)) {
                        assertEquals(rf, replicas.size());
                        assertEquals(rf, new HashSet<>(replicas).size(), "duplicate in " + replicas);
                    }
                }
            }
        }
    }

    // followers spread like leaders: each broker holds as many replicas, and a leader's followers change between laps
    @Test
    void followersSpread() {
        List<List<Integer>> placed = ReplicaPlacement.over(brokers(6), MixedRacks.REFUSE, 0).forNewTopic(30, 3);
        assertEquals(Map.of(0, 15, 1, 15, 2, 15, 3, 15, 4, 15, 5, 15), replicaCounts(placed));
        Set<Integer> firstFollowersOfZero = new HashSet<>();
        placed.stream().filter(r -> r.get(0) == 0).forEach(r -> firstFollowersOfZero.add(r.get(1)));
        assertEquals(Set.of(1, 2, 3, 4, 5), firstFollowersOfZero);
    }

    // without a start index, topics start at random brokers: one-partition topics do not all lead on one broker
    @Test
    void randomStartSpreadsSmallTopics() {
        ReplicaPlacement placement = ReplicaPlacement.over(brokers(3), MixedRacks.REFUSE);
        Set<Integer> leaders = new HashSet<>();
        for (int i = 0; i < 60; i++) {
            leaders.add(placement.forNewTopic(1, 2).get(0).get(0));
        }
        assertEquals(Set.of(0, 1, 2), leaders);
    }

    // the ring alternates racks (by rack name, then broker id), skipping racks that ran out
    @Test
    void ringAlternatesRacks() {
        List<BrokerInfo> live = List.of(broker(1, "a"), broker(2, "a"), broker(3, "b"), broker(4, "c"), broker(5, "c"));
        assertEquals(List.of(1, 3, 4, 2, 5), ReplicaPlacement.over(live, MixedRacks.REFUSE).ring());
    }

    // 3 racks of 2 brokers: each partition in 3 racks, leaders and replicas even over brokers
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 4})
    void rackAwareSpreadsOverRacks(int start) {
        List<BrokerInfo> live = List.of(broker(0, "r1"), broker(1, "r1"), broker(2, "r2"), broker(3, "r2"),
                broker(4, "r3"), broker(5, "r3"));
        Map<Integer, String> rackOf = racks(live);
        List<List<Integer>> placed = ReplicaPlacement.over(live, MixedRacks.REFUSE, start).forNewTopic(12, 3);
        for (List<Integer> replicas : placed) {
            assertEquals(3, replicas.stream().map(rackOf::get).distinct().count(), "racks of " + replicas);
        }
        assertEquals(Map.of(0, 2, 1, 2, 2, 2, 3, 2, 4, 2, 5, 2), leaderCounts(placed));
        assertEquals(Map.of(0, 6, 1, 6, 2, 6, 3, 6, 4, 6, 5, 6), replicaCounts(placed));
    }

    // racks of unequal size: still every rack in each partition as far as the replicas go, leaders still even
    @Test
    void rackAwareWithUnequalRacks() {
        List<BrokerInfo> live = List.of(broker(0, "big"), broker(1, "big"), broker(2, "big"), broker(3, "big"),
                broker(4, "small"), broker(5, "tiny"));
        Map<Integer, String> rackOf = racks(live);
        for (int start = 0; start < 6; start++) {
            ReplicaPlacement placement = ReplicaPlacement.over(live, MixedRacks.REFUSE, start);
            List<List<Integer>> three = placement.forNewTopic(12, 3);
            three.forEach(r -> assertEquals(3, r.stream().map(rackOf::get).distinct().count(), "racks of " + r));
            assertEquals(Map.of(0, 2, 1, 2, 2, 2, 3, 2, 4, 2, 5, 2), leaderCounts(three));
            placement.forNewTopic(12, 2).forEach(r -> assertEquals(2, r.stream().map(rackOf::get).distinct().count()));
            // more replicas than racks: every rack, then any broker not yet used
            placement.forNewTopic(12, 5).forEach(r -> {
                assertEquals(5, new HashSet<>(r).size());
                assertEquals(3, r.stream().map(rackOf::get).distinct().count());
            });
        }
    }

    // added partitions continue the topic's ring: leaders keep going round, for random and fixed starts
    @Test
    void addedPartitionsKeepSpreading() {
        for (ReplicaPlacement placement : List.of(ReplicaPlacement.over(brokers(6), MixedRacks.REFUSE),
                ReplicaPlacement.over(brokers(6), MixedRacks.REFUSE, 2))) {
            List<List<Integer>> existing = placement.forNewTopic(4, 2);
            List<List<Integer>> added = placement.forNewPartitions(existing, 12);
            assertEquals(8, added.size());
            List<List<Integer>> all = new ArrayList<>(existing);
            all.addAll(added);
            assertEquals(Map.of(0, 2, 1, 2, 2, 2, 3, 2, 4, 2, 5, 2), leaderCounts(all));
            all.forEach(r -> assertEquals(2, new HashSet<>(r).size()));
        }
    }

    // more replicas than live brokers, or none, or no partitions: Kafka's errors and messages
    @Test
    void impossibleCountsAreRefused() {
        ReplicaPlacement two = ReplicaPlacement.over(brokers(2), MixedRacks.REFUSE);
        InvalidReplicationFactorException wide = assertThrows(InvalidReplicationFactorException.class,
                () -> two.forNewTopic(1, 3));
        assertEquals("Unable to replicate the partition 3 time(s): The target replication factor of 3 "
                + "cannot be reached because only 2 broker(s) are registered"
                + " or some brokers have all their log directories cordoned.", wide.getMessage());
        assertThrows(InvalidReplicationFactorException.class, () -> two.forNewTopic(1, 0));
        assertThrows(InvalidReplicationFactorException.class,
                () -> ReplicaPlacement.over(List.of(), MixedRacks.REFUSE).forNewTopic(1, 1));
        assertThrows(InvalidPartitionsException.class, () -> two.forNewTopic(0, 1));
        List<List<Integer>> existing = List.of(List.of(0, 1), List.of(1, 0));
        assertThrows(InvalidPartitionsException.class, () -> two.forNewPartitions(existing, 2));
        assertThrows(InvalidReplicationFactorException.class,
                () -> ReplicaPlacement.over(brokers(1), MixedRacks.REFUSE).forNewPartitions(existing, 3));
    }

    // some brokers with a rack and some without: refused for admin requests, placed by id for automatic creation
    @Test
    void mixedRacks() {
        List<BrokerInfo> live = List.of(broker(0, "r1"), new BrokerInfo(1, "h", 9092), broker(2, "r2"));
        assertThrows(InconsistentRacksException.class, () -> ReplicaPlacement.over(live, MixedRacks.REFUSE));
        ReplicaPlacement ignoring = ReplicaPlacement.over(live, MixedRacks.IGNORE_RACKS, 0);
        assertEquals(List.of(0, 1, 2), ignoring.ring());
        assertEquals(List.of(List.of(0, 1), List.of(1, 2), List.of(2, 0)), ignoring.forNewTopic(3, 2));
    }

    // replica lists from a client: registered brokers, none twice, none empty, all of one length
    @Test
    void explicitAssignmentsAreChecked() {
        List<Integer> registered = List.of(1, 2, 3);
        assertDoesNotThrow(() -> ReplicaPlacement.checkAssignment(List.of(List.of(3, 1), List.of(2, 3)), registered,
                OptionalInt.empty()));
        assertDoesNotThrow(() -> ReplicaPlacement.checkAssignment(List.of(List.of(2)), registered, OptionalInt.of(1)));
        for (List<List<Integer>> bad : List.of(List.of(List.of(1, 4)), List.of(List.of(1, 1)), List.<List<Integer>>of(List.of()),
                List.of(List.of(1, 2), List.of(3)))) {
            assertThrows(InvalidReplicaAssignmentException.class,
                    () -> ReplicaPlacement.checkAssignment(bad, registered, OptionalInt.empty()), bad.toString());
        }
        InvalidReplicaAssignmentException unlike = assertThrows(InvalidReplicaAssignmentException.class,
                () -> ReplicaPlacement.checkAssignment(List.of(List.of(1, 2)), registered, OptionalInt.of(3)));
        assertTrue(unlike.getMessage().contains("the topic's partitions have 3"), unlike.getMessage());
    }

    private static List<BrokerInfo> brokers(int n) {
        return IntStream.range(0, n).mapToObj(id -> new BrokerInfo(id, "127.0.0.1", 9092 + id)).toList();
    }

    private static BrokerInfo broker(int id, String rack) {
        return new BrokerInfo(id, List.of(new BrokerInfo.Endpoint("PLAINTEXT", "PLAINTEXT", "127.0.0.1", 9092 + id)),
                Optional.of(rack));
    }

    private static Map<Integer, String> racks(List<BrokerInfo> live) {
        Map<Integer, String> out = new HashMap<>();
        live.forEach(b -> out.put(b.id(), b.rack().orElseThrow()));
        return out;
    }

    private static Map<Integer, Integer> leaderCounts(List<List<Integer>> placed) {
        Map<Integer, Integer> out = new TreeMap<>();
        placed.forEach(r -> out.merge(r.get(0), 1, Integer::sum));
        return out;
    }

    private static Map<Integer, Integer> replicaCounts(List<List<Integer>> placed) {
        Map<Integer, Integer> out = new TreeMap<>();
        placed.forEach(r -> r.forEach(b -> out.merge(b, 1, Integer::sum)));
        return out;
    }
}

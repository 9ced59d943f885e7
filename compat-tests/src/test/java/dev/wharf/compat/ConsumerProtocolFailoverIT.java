package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A consumer group of the KIP-848 protocol across the loss of its coordinator, on three broker
 * processes: the broker leading the group's partition of {@code __consumer_offsets} is killed
 * (SIGKILL), another broker loads the group (members, epochs, assignments, offsets) from its
 * replica, and the members carry on there with the partitions they had, no rebalance. Every
 * acknowledged record is consumed; only records whose commit the crash cut off may come twice.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.FIND_COORDINATOR,
        ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP, ApiKeys.DESCRIBE_GROUPS,
        ApiKeys.INIT_PRODUCER_ID, ApiKeys.CONSUMER_GROUP_HEARTBEAT, ApiKeys.CONSUMER_GROUP_DESCRIBE})
class ConsumerProtocolFailoverIT {
    private static final Duration FAILOVER = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    // Two members, four partitions; the coordinator dies; both go on consuming from the new coordinator,
    // offsets resume where they were committed, and nobody loses or swaps a partition.
    @Test
    @Timeout(180)
    void membersCarryOnOnTheNewCoordinator() throws Exception {
        try (Cluster cluster = Cluster.start(dir, 3, Map.of("group.consumer.heartbeat.interval.ms", "500",
                "group.consumer.session.timeout.ms", "30000"))) {
            String topic = "kip848-failover";
            String group = "kip848-failover-group";
            cluster.createReplicatedTopic(topic, 4, FAILOVER);
            Set<TopicPartition> all = ConsumerGroupsIT.partitions(topic, 4);
            RecordLedger ledger = new RecordLedger();
            ledger.produce(cluster.bootstrapServers(), topic, 0, 400);
            Map<String, Object> consumer = Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer",
                    ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
            try (GroupMember a = GroupMember.create("a", cluster.bootstrapServers(), group, ledger, consumer);
                    GroupMember b = GroupMember.create("b", cluster.bootstrapServers(), group, ledger, consumer)) {
                List<GroupMember> both = List.of(a, b);
                both.forEach(m -> {
                    m.tolerateCommitFailures = true;
                    m.subscribe(List.of(topic));
                });
                GroupMember.pollUntil(FAILOVER, both,
                        () -> ConsumerGroupsIT.splitEvenly(both, all, 2) && ledger.consumedCount() >= 400);
                Set<TopicPartition> aOwned = a.owned();
                Set<TopicPartition> bOwned = b.owned();
                ConsumerGroupDescription before = cluster.admin().describeConsumerGroups(List.of(group)).all()
                        .get(30, TimeUnit.SECONDS).get(group);
                assertEquals(GroupType.CONSUMER, before.type());
                int coordinator = before.coordinator().id();

                cluster.broker(coordinator).sigkill();
                ledger.produce(cluster.bootstrapServers(), topic, 400, 400);
                GroupMember.pollUntil(Duration.ofSeconds(90), both, () -> ledger.distinctConsumed() >= 800
                        && a.owned().equals(aOwned) && b.owned().equals(bOwned));

                ConsumerGroupDescription after = cluster.admin().describeConsumerGroups(List.of(group)).all()
                        .get(30, TimeUnit.SECONDS).get(group);
                assertNotEquals(coordinator, after.coordinator().id());
                assertEquals(2, after.members().size());
                assertEquals(aOwned, a.owned(), "a kept its partitions: " + a);
                assertEquals(bOwned, b.owned(), "b kept its partitions: " + b);
                Set<String> mayRepeat = new HashSet<>(a.mayRepeat);
                mayRepeat.addAll(b.mayRepeat);
                ledger.assertEachConsumed(mayRepeat);
                // a last round of commits lands on the new coordinator: the offsets are the ends
                GroupMember.pollUntil(Duration.ofSeconds(30), both, () -> {
                    try {
                        Map<TopicPartition, OffsetAndMetadata> committed = cluster.admin().listConsumerGroupOffsets(group)
                                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                        Map<TopicPartition, Long> ends = a.consumer.endOffsets(all);
                        return all.stream().allMatch(tp -> committed.get(tp) != null
                                && committed.get(tp).offset() == ends.get(tp));
                    } catch (Exception e) {
                        return false;
                    }
                });
            }
        }
    }
}

package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupMaxSizeReachedException;
import org.apache.kafka.common.errors.InvalidSessionTimeoutException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker's group limits as a kafka-clients consumer meets them: group.max.size
 * (GroupMaxSizeReachedException) and the session-timeout range (InvalidSessionTimeoutException).
 */
@Exercises({ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH, ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP,
        ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP, ApiKeys.DESCRIBE_GROUPS, ApiKeys.CREATE_TOPICS,
        ApiKeys.CONSUMER_GROUP_DESCRIBE})
class GroupLimitsIT {
    @TempDir
    Path dir;

    private RunningBroker broker;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        Map<String, String> config = new HashMap<>(ConsumerGroupsIT.GROUP_BROKER);
        config.put("group.max.size", "2");
        config.put("group.max.session.timeout.ms", "20000"); // group.min.session.timeout.ms stays at 6000
        broker = new RunningBroker(dir, config);
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
        admin.createTopics(List.of(new NewTopic("limited", 4, (short) 1))).all().get();
    }

    @AfterEach
    void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    /** Polls until poll throws; returns what it threw. */
    private static Exception pollUntilFailure(GroupMember m) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).atMost(Duration.ofSeconds(20)).until(() -> {
            try {
                m.pollAndCommit();
            } catch (Exception e) {
                failure.set(e);
            }
            return failure.get() != null;
        });
        return failure.get();
    }

    // A third member of a group limited to two is refused with GroupMaxSizeReachedException; the two members
    // keep all partitions between them.
    @Test
    @Timeout(60)
    void aFullGroupRefusesAnotherMember() throws Exception {
        Set<TopicPartition> all = ConsumerGroupsIT.partitions("limited", 4);
        RecordLedger ledger = new RecordLedger();
        try (GroupMember a = GroupMember.create("a", broker.bootstrap(), "pair", ledger, Map.of());
                GroupMember b = GroupMember.create("b", broker.bootstrap(), "pair", ledger, Map.of());
                GroupMember c = GroupMember.create("c", broker.bootstrap(), "pair", ledger, Map.of())) {
            List<GroupMember> two = List.of(a, b);
            two.forEach(m -> m.subscribe(List.of("limited")));
            GroupMember.pollUntil(Duration.ofSeconds(30), two, () -> ConsumerGroupsIT.splitEvenly(two, all, 2));
            c.subscribe(List.of("limited"));
            assertInstanceOf(GroupMaxSizeReachedException.class, pollUntilFailure(c));
            GroupMember.pollUntil(Duration.ofSeconds(20), two, () -> ConsumerGroupsIT.splitEvenly(two, all, 2));
            assertEquals(2, admin.describeConsumerGroups(List.of("pair")).describedGroups().get("pair").get().members().size());
        }
    }

    // session.timeout.ms below group.min.session.timeout.ms or above group.max.session.timeout.ms is refused
    // with InvalidSessionTimeoutException.
    @Test
    @Timeout(60)
    void sessionTimeoutOutsideTheBrokersRangeIsRefused() throws Exception {
        RecordLedger ledger = new RecordLedger();
        for (String timeout : List.of("5000", "25000")) {
            try (GroupMember m = GroupMember.create("t" + timeout, broker.bootstrap(), "timeouts-" + timeout, ledger,
                    Map.of(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, timeout, ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "30000"))) {
                m.subscribe(List.of("limited"));
                assertInstanceOf(InvalidSessionTimeoutException.class, pollUntilFailure(m), "session.timeout.ms=" + timeout);
            }
        }
    }
}

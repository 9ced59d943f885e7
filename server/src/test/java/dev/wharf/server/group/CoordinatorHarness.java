package dev.wharf.server.group;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.logstore.LogConfig;
import dev.wharf.logstore.LogManager;
import dev.wharf.server.replica.Partition;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.ErrorCode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.common.protocol.Errors;

/**
 * A coordinator with everything around it under the test's control: the clock, the timer, the
 * io executor (tasks run only when the test drains it) and {@code __consumer_offsets} in a
 * directory of real logs. No broker, no threads, no sleeps.
 */
final class CoordinatorHarness implements AutoCloseable {
    static final int SESSION_MS = 10_000;
    static final int REBALANCE_MS = 30_000;

    final AtomicLong now = new AtomicLong(1_000_000);
    final ManualTimer timer = new ManualTimer(now);
    final QueueExecutor io = new QueueExecutor();
    final Path dir;
    final Map<String, String> overrides;
    final TestOffsetsTopic topic;
    final GroupStore store;
    final GroupCoordinator coordinator;
    final GroupOffsets offsets;

    CoordinatorHarness(Path dir, Map<String, String> overrides) throws Exception {
        this.dir = dir;
        this.overrides = overrides;
        Map<String, String> raw = new HashMap<>(Map.of("group.initial.rebalance.delay.ms", "0",
                "group.min.session.timeout.ms", "1000"));
        raw.putAll(overrides);
        this.topic = new TestOffsetsTopic(dir, BrokerConfig.of(raw));
        this.store = new GroupStore(topic, io, now::get);
        this.coordinator = new GroupCoordinator(store, io, timer, now::get);
        this.offsets = new GroupOffsets(store, now::get);
        store.loadAll();
    }

    CoordinatorHarness(Path dir) throws Exception {
        this(dir, Map.of());
    }

    /** A second coordinator over the same logs, as after a restart of the broker. */
    CoordinatorHarness restart() throws Exception {
        close();
        return new CoordinatorHarness(dir, overrides);
    }

    @Override
    public void close() throws Exception {
        io.drain();
        topic.logs.close();
    }

    /** Runs queued io work (partition writes, timer hand-offs) until none is left. */
    void drain() {
        io.drain();
    }

    /** Moves time forward, firing timers and running what they hand to io. */
    void advance(long ms) {
        timer.advanceTo(now.get() + ms, io::drain);
        io.drain();
    }

    // ---- requests ----------------------------------------------------------------------------

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static GroupCoordinator.JoinRequest joinRequest(String group, String memberId, String instanceId, short version) {
        return new GroupCoordinator.JoinRequest(group, memberId, instanceId, "client", "/127.0.0.1", SESSION_MS,
                REBALANCE_MS, "consumer", Map.of("range", bytes("sub-" + memberId)), version);
    }

    CompletableFuture<GroupCoordinator.JoinResult> join(String group, String memberId) {
        CompletableFuture<GroupCoordinator.JoinResult> f = coordinator.join(joinRequest(group, memberId, null, (short) 9));
        drain();
        return f;
    }

    /** A dynamic member joining for the first time (v4+: it learns its id first). */
    CompletableFuture<GroupCoordinator.JoinResult> joinNew(String group) {
        GroupCoordinator.JoinResult first = join(group, "").join();
        assertError(Errors.MEMBER_ID_REQUIRED, first.error());
        return join(group, first.memberId());
    }

    CompletableFuture<GroupCoordinator.SyncResult> sync(String group, int generation, String memberId,
            Map<String, byte[]> assignments) {
        CompletableFuture<GroupCoordinator.SyncResult> f = coordinator.sync(group, generation, memberId, null,
                "consumer", "range", assignments);
        drain();
        return f;
    }

    ErrorCode heartbeat(String group, String memberId, int generation) {
        return coordinator.heartbeat(group, memberId, null, generation);
    }

    List<ErrorCode> commit(String group, String memberId, int generation, String topicName, int partition, long offset) {
        CompletableFuture<List<ErrorCode>> f = offsets.commitOffsets(group, memberId, null, generation, -1,
                List.of(new GroupOffsets.OffsetToCommit(topicName, partition, offset, -1, "")), (short) 9);
        drain();
        assertTrue(f.isDone(), "commit answered once written");
        return f.join();
    }

    Optional<Long> committed(String group, String topicName, int partition) {
        TopicPartition tp = new TopicPartition(topicName, partition);
        return offsets.fetchOffsets(group, List.of(tp)).orElseThrow().values().stream()
                .map(CommittedOffset::offset).findFirst();
    }

    String state(String group) {
        return coordinator.describe(group).orElseThrow().state();
    }

    static void assertError(Errors expected, ErrorCode actual) {
        assertEquals(expected.code(), actual.code, "expected " + expected + " but was " + actual);
    }

    // ---- surroundings ------------------------------------------------------------------------

    /** Runs tasks only when the test says so, in the order they were handed over. */
    static final class QueueExecutor implements Executor {
        private final ArrayDeque<Runnable> tasks = new ArrayDeque<>();

        @Override
        public synchronized void execute(Runnable task) {
            tasks.add(task);
        }

        synchronized int pending() {
            return tasks.size();
        }

        void drain() {
            for (int i = 0; i < 100_000; i++) {
                Runnable next;
                synchronized (this) {
                    next = tasks.poll();
                }
                if (next == null) {
                    return;
                }
                next.run();
            }
            throw new AssertionError("io work never settles");
        }
    }

    /** {@code __consumer_offsets} with two partitions led here, and topic "t" with four partitions. */
    static final class TestOffsetsTopic implements OffsetsTopic {
        static final int PARTITIONS = 2;
        final LogManager logs;
        final BrokerConfig config;
        final Map<String, Integer> topics = new HashMap<>(Map.of("t", 4, "u", 4));
        final List<Consumer<String>> deletionListeners = new ArrayList<>();

        TestOffsetsTopic(Path dir, BrokerConfig config) throws Exception {
            this.config = config;
            this.logs = new LogManager(List.of(dir), LogConfig.DEFAULTS.with(Map.of("file.delete.delay.ms", "0")),
                    60_000, System::currentTimeMillis);
            logs.startup();
        }

        @Override
        public BrokerConfig config() {
            return config;
        }

        @Override
        public OptionalInt partitionCount() {
            return OptionalInt.of(PARTITIONS);
        }

        @Override
        public List<Integer> ledPartitions() {
            return List.of(0, 1);
        }

        @Override
        public Optional<Partition> partition(int partition) {
            return Optional.of(CoordinatorLogTest.partition(logs.getOrCreate(new TopicPartition(NAME, partition))));
        }

        @Override
        public int partitionsOf(String topic) {
            return topics.getOrDefault(topic, -1);
        }

        @Override
        public void onTopicDeleted(Consumer<String> listener) {
            deletionListeners.add(listener);
        }

        void deleteTopic(String topic) {
            topics.remove(topic);
            deletionListeners.forEach(l -> l.accept(topic));
        }

        @Override
        public Optional<BrokerInfo> coordinatorFor(String groupId) {
            return Optional.empty();
        }
    }
}

package dev.wharf.server.group;

import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.PartitionWriter;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.logstore.CleanerConfig;
import dev.wharf.logstore.LogConfig;
import dev.wharf.logstore.LogManager;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.server.replica.PartitionWaiters;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.ProduceConfig;
import dev.wharf.logstore.TopicPartition;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

public class CoordinatorLogTest {
    private static final TopicPartition TP = new TopicPartition("__consumer_offsets", 0);
    private static final int SEGMENT = 64 * 1024;

    @TempDir
    Path dir;

    private LogManager open() throws Exception {
        LogManager logs = new LogManager(List.of(dir), LogConfig.DEFAULTS.with(Map.of("segment.bytes",
                Integer.toString(SEGMENT), "file.delete.delay.ms", "0", "cleanup.policy", "compact")), 60_000,
                System::currentTimeMillis);
        logs.startup();
        logs.startCleaner(new CleanerConfig(true, 1, 1 << 20, 64 * 1024, 0.9, Double.MAX_VALUE, 20));
        return logs;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The log as a partition led by broker 0 that no fetch waits on (so its purgatory's timer is never asked). */
    public static Partition partition(PartitionLog log) {
        return Partition.soleLeader(java.util.UUID.randomUUID(), log, 0, new ProduceConfig(1 << 20, false, Long.MAX_VALUE, 3_600_000),
                PartitionWaiters.on(new ManualTimer(new java.util.concurrent.atomic.AtomicLong())));
    }

    private static Map<ByteBuffer, byte[]> asMap(List<CoordinatorLog.Entry> entries) {
        Map<ByteBuffer, byte[]> m = new HashMap<>();
        entries.forEach(e -> m.put(ByteBuffer.wrap(e.key()), e.value()));
        return m;
    }

    @Test
    void keepsOnlyTheLatestValuesAndTheCleanerKeepsItBounded() throws Exception {
        Map<String, String> expected = new HashMap<>();
        try (LogManager logs = open()) {
            PartitionLog log = logs.getOrCreate(TP);
            CoordinatorLog store = CoordinatorLog.load(partition(log));
            for (int i = 0; i < 20_000; i++) {
                String key = "k" + (i % 100);
                String value = "value-" + i + "-" + "x".repeat(40);
                store.write(List.of(new CoordinatorLog.Entry(bytes(key), bytes(value))));
                expected.put(key, value);
            }
            // tombstones remove keys, and stay removed through later compactions
            for (int k = 0; k < 10; k++) {
                store.write(List.of(new CoordinatorLog.Entry(bytes("k" + k), null)));
                expected.remove("k" + k);
            }
            // about 1.8 MB went in; live data is about 7 KB: the log cleaner keeps it to a few segments
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> log.size() < 4L * SEGMENT);
        }
        try (LogManager logs = open()) {
            CoordinatorLog reloaded = CoordinatorLog.load(partition(logs.get(TP).orElseThrow()));
            Map<ByteBuffer, byte[]> live = asMap(reloaded.entries());
            assertEquals(expected.size(), live.size());
            expected.forEach((k, v) -> assertArrayEquals(bytes(v), live.get(ByteBuffer.wrap(bytes(k))), k));
            assertNull(live.get(ByteBuffer.wrap(bytes("k3"))));
        }
    }

    @Test
    void recordsRoundTrip() {
        CommittedOffset o = new CommittedOffset(42, 7, "meta ü", 1000, -1);
        assertEquals(o, GroupRecords.readOffsetValue(GroupRecords.offsetValue(o)));
        assertEquals(new GroupRecords.Key(GroupRecords.OFFSET_KEY, "g", "t", 3),
                GroupRecords.readKey(GroupRecords.offsetKey("g", "t", 3)));
        GroupRecords.StoredGroup g = new GroupRecords.StoredGroup("consumer", 5, "range", "m1", 99, List.of(
                new GroupRecords.StoredMember("m1", "i1", "c1", "/127.0.0.1", 300, 45, bytes("sub"), bytes("asg")),
                new GroupRecords.StoredMember("m2", null, "c2", "/127.0.0.1", 300, 45, new byte[0], new byte[0])));
        GroupRecords.StoredGroup back = GroupRecords.readGroupValue(GroupRecords.groupValue(g));
        assertEquals(g.generation(), back.generation());
        assertEquals(g.leaderId(), back.leaderId());
        assertEquals("i1", back.members().get(0).groupInstanceId());
        assertNull(back.members().get(1).groupInstanceId());
        assertArrayEquals(bytes("asg"), back.members().get(0).assignment());
    }
}

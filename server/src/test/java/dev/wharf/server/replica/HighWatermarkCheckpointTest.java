package dev.wharf.server.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.logstore.TopicPartition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HighWatermarkCheckpointTest {
    @TempDir
    Path dir;

    // what is written is read back, in Kafka's file layout (version, count, "topic partition offset")
    @Test
    void writesKafkasLayoutAndReadsItBack() throws Exception {
        HighWatermarkCheckpoint checkpoint = new HighWatermarkCheckpoint(dir);
        Map<TopicPartition, Long> hws = Map.of(new TopicPartition("orders", 0), 1042L,
                new TopicPartition("orders", 1), 977L);

        checkpoint.write(hws);

        List<String> lines = Files.readAllLines(dir.resolve("replication-offset-checkpoint"));
        assertEquals("0", lines.get(0));
        assertEquals("2", lines.get(1));
        assertTrue(lines.contains("orders 0 1042") && lines.contains("orders 1 977"), lines.toString());
        assertEquals(hws, new HighWatermarkCheckpoint(dir).read());
        assertTrue(Files.list(dir).noneMatch(f -> f.getFileName().toString().endsWith(".tmp")));
    }

    // a missing, truncated or foreign file means no high watermarks, not a failed start
    @Test
    void unreadableFilesAreIgnored() throws Exception {
        assertEquals(Map.of(), new HighWatermarkCheckpoint(dir).read());
        Path file = dir.resolve("replication-offset-checkpoint");
        for (String content : List.of("0\n3\norders 0 5\n", "7\n0\n", "0\n1\norders zero 5\n", "")) {
            Files.writeString(file, content);
            assertEquals(Map.of(), new HighWatermarkCheckpoint(dir).read(), content);
        }
    }
}

package dev.wharf.server.replica;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.logstore.LogConfig;
import dev.wharf.logstore.LogManager;
import dev.wharf.logstore.TopicPartition;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rule deciding which replicas without an online log are offline rather than created empty. */
class OfflineSinceStartTest {
    @TempDir
    Path tmp;

    private final UUID topicId = UUID.randomUUID();
    private final TopicPartition known = new TopicPartition("t", 0);
    private final TopicPartition later = new TopicPartition("t", 1);

    private LogManager logs(boolean secondDirBroken) throws Exception {
        Path root = Files.createTempDirectory(tmp, "broker");
        Path b = root.resolve("b");
        if (secondDirBroken) {
            Files.writeString(b, "not a directory");
        }
        LogManager m = new LogManager(List.of(root.resolve("a"), b), LogConfig.DEFAULTS, 60_000,
                System::currentTimeMillis);
        m.startup();
        return m;
    }

    // assigned at the first sync and in no online dir while a dir is offline: offline; assigned later: created
    @Test
    void onlyReplicasKnownAtTheFirstSyncAreOffline() throws Exception {
        try (LogManager m = logs(true)) {
            OfflineSinceStart rule = new OfflineSinceStart(m);
            rule.syncing(true);
            rule.assigned(topicId, known);
            rule.syncing(false);
            rule.assigned(topicId, later);
            assertTrue(rule.isOffline(topicId, known));
            assertFalse(rule.isOffline(topicId, later), "a partition added after the start is new here");
            assertFalse(rule.isOffline(UUID.randomUUID(), known), "a topic re-created under the name is new");
        }
    }

    // a replica whose log an online dir holds, or any replica when every dir is online, opens as usual
    @Test
    void aLogInAnOnlineDirOrNoOfflineDirMeansOpen() throws Exception {
        try (LogManager m = logs(true)) {
            m.getOrCreate(known);
            OfflineSinceStart rule = new OfflineSinceStart(m);
            rule.syncing(true);
            rule.assigned(topicId, known);
            assertFalse(rule.isOffline(topicId, known));
        }
        try (LogManager healthy = logs(false)) {
            OfflineSinceStart rule = new OfflineSinceStart(healthy);
            rule.syncing(true);
            rule.assigned(topicId, later);
            assertFalse(rule.isOffline(topicId, later));
        }
    }
}

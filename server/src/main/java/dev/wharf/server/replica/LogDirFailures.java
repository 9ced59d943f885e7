package dev.wharf.server.replica;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.logstore.LogManager;
import dev.wharf.logstore.TopicPartition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the broker does when a log dir fails (KIP-112): its replicas stop at once, on the thread
 * that met the I/O error ({@link ReplicaManager#takeOffline}: their clients get
 * KAFKA_STORAGE_ERROR and look for the new leader), then the controller hears of them through this
 * broker's ephemeral {@code /brokers/offline_replicas/<id>} node, so it moves their leadership to
 * other in-sync replicas and drops them from the ISRs. The node dies with the broker's session,
 * so a restart (with the disk fixed) brings them back. With every log dir offline the broker
 * stops, as Kafka does.
 *
 * <p>Threads: failures arrive on any thread; the ZooKeeper writes run one at a time on
 * {@code wharf-log-dir-failure}, which owns the list of offline replicas.
 */
public final class LogDirFailures {
    private static final Logger log = LoggerFactory.getLogger(LogDirFailures.class);

    private final ReplicaManager replicas;
    private final LogManager logs;
    private final ZkMetadataStore metadata;
    private final int brokerId;
    private final Runnable allFailed;
    /** Confined to {@link #thread}. */
    private final Map<String, List<Integer>> offline = new TreeMap<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "wharf-log-dir-failure");
        t.setDaemon(true);
        return t;
    });

    /** @param allFailed run when no log dir is left (the broker halts) */
    public LogDirFailures(ReplicaManager replicas, LogManager logs, ZkMetadataStore metadata, int brokerId,
            Runnable allFailed) {
        this.replicas = replicas;
        this.logs = logs;
        this.metadata = metadata;
        this.brokerId = brokerId;
        this.allFailed = allFailed;
        logs.onDirFailure((dir, cause) -> failed(dir));
    }

    private void failed(Path dir) {
        List<TopicPartition> gone = replicas.takeOffline(dir);
        log.error("log dir={} failed: replicas offline here={}", dir, gone);
        if (logs.onlineDirs().isEmpty()) {
            log.error("every log dir has failed; the broker stops");
            allFailed.run();
            return;
        }
        thread.execute(() -> {
            gone.forEach(tp -> offline.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(tp.partition()));
            try {
                metadata.reportOfflineReplicas(brokerId, offline);
            } catch (Exception e) {
                log.error("cannot tell the controller of the offline replicas={}", offline, e);
            }
        });
    }

    public void close() {
        thread.shutdown();
    }
}

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
 * stops, as Kafka does. A dir unreadable at start-up has no replicas to stop; its replicas are
 * reported as the metadata names them ({@link OfflineSinceStart}), through the same node.
 *
 * <p>Threads: failures arrive on any thread, start-up offline replicas on {@code wharf-zk-events};
 * both queue them in {@link #pending}; the ZooKeeper writes run one at a time on
 * {@code wharf-log-dir-failure}, which owns the list of offline replicas and writes it whole once
 * for however many replicas queued meanwhile (a start with many replicas offline writes a few times, not once each).
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
    private final java.util.Queue<TopicPartition> pending = new java.util.concurrent.ConcurrentLinkedQueue<>();
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
        replicas.onOfflineAtStart(this::report);
        if (!logs.offlineDirs().isEmpty()) {
            log.error("log dirs={} offline since start-up: the replicas assigned here and in no online dir are offline",
                    logs.offlineDirs());
        }
    }

    private void failed(Path dir) {
        List<TopicPartition> gone = replicas.takeOffline(dir);
        log.error("log dir={} failed: replicas offline here={}", dir, gone);
        if (logs.onlineDirs().isEmpty()) {
            log.error("every log dir has failed; the broker stops");
            allFailed.run();
            return;
        }
        gone.forEach(this::report);
    }

    /** Tells the controller, soon, that this broker's replica of {@code tp} is offline. */
    private void report(TopicPartition tp) {
        pending.add(tp);
        thread.execute(this::writeOffline);
    }

    /** On {@link #thread}: writes the offline replicas whole, if any were queued since the last write. */
    private void writeOffline() {
        boolean changed = false;
        for (TopicPartition tp; (tp = pending.poll()) != null; changed = true) {
            offline.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(tp.partition());
        }
        if (!changed) {
            return; // written by an earlier task
        }
        try {
            metadata.reportOfflineReplicas(brokerId, offline);
        } catch (Exception e) {
            log.error("cannot tell the controller of the offline replicas={}", offline, e);
        }
    }

    public void close() {
        thread.shutdown();
    }
}

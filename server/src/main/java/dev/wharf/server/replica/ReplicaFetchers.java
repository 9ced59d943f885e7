package dev.wharf.server.replica;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.config.BrokerKeys;
import java.util.HashMap;
import java.util.Map;

/**
 * The {@link ReplicaFetcher}s of this broker, one per leader broker it follows partitions of
 * (started on first use, kept while the broker runs). Threads: {@code wharf-zk-events} adds and
 * removes partitions; shutdown closes them. Synchronized: the table is small and rarely touched.
 */
final class ReplicaFetchers {
    private final ZkMetadataStore metadata;
    private final ReplicaFetcher.Settings settings;
    private final ReplicationThrottles throttles;
    private final Map<Integer, ReplicaFetcher> byLeader = new HashMap<>();
    private final Map<Partition, ReplicaFetcher> byPartition = new HashMap<>();
    private boolean closed;

    ReplicaFetchers(BrokerConfig config, ZkMetadataStore metadata, ReplicationThrottles throttles) {
        this.metadata = metadata;
        this.throttles = throttles;
        int responseMax = config.get(BrokerKeys.REPLICA_FETCH_RESPONSE_MAX_BYTES);
        // a response is at most its limit, except that a first batch larger than it comes whole
        int largestFrame = (int) Math.min(Integer.MAX_VALUE - 8L,
                (long) responseMax + 2L * config.get(BrokerKeys.MESSAGE_MAX_BYTES) + (1 << 20));
        this.settings = new ReplicaFetcher.Settings(config.brokerId(), config.interBrokerListener(),
                config.get(BrokerKeys.REPLICA_FETCH_WAIT_MAX_MS), config.get(BrokerKeys.REPLICA_FETCH_MIN_BYTES),
                config.get(BrokerKeys.REPLICA_FETCH_MAX_BYTES), responseMax, config.get(BrokerKeys.REPLICA_SOCKET_TIMEOUT_MS),
                config.get(BrokerKeys.REPLICA_FETCH_BACKOFF_MS), largestFrame);
    }

    /** Copies {@code p} from {@code leaderId} as it leads in {@code leaderEpoch}. */
    synchronized void add(Partition p, int leaderId, int leaderEpoch) {
        if (closed) {
            return;
        }
        remove(p);
        ReplicaFetcher fetcher = byLeader.computeIfAbsent(leaderId, id -> new ReplicaFetcher(id, settings, throttles,
                () -> {
                    try {
                        return metadata.liveBrokers();
                    } catch (Exception e) {
                        return java.util.List.of();
                    }
                },
                () -> metadata.brokerEpochs().getOrDefault(settings.brokerId(), -1L)));
        fetcher.add(p, leaderEpoch);
        byPartition.put(p, fetcher);
    }

    synchronized void remove(Partition p) {
        ReplicaFetcher fetcher = byPartition.remove(p);
        if (fetcher != null) {
            fetcher.remove(p);
        }
    }

    synchronized void close() {
        closed = true;
        byLeader.values().forEach(ReplicaFetcher::close);
        byLeader.clear();
        byPartition.clear();
    }
}

package dev.wharf.server.metrics;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.logstore.LogManager;
import dev.wharf.server.replica.ReplicaManager;
import java.io.Closeable;
import java.io.IOException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * All of one broker's metrics, in the order the broker starts: the registry and the request and
 * topic metrics first (the listeners record into them), then the replica, controller, thread and
 * server metrics once those parts exist, then the Prometheus endpoint if
 * {@code metrics.prometheus.port} is set. Closing removes every MBean and stops the endpoint.
 * Threads: set up on the broker's start-up thread.
 */
public final class BrokerMetrics implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(BrokerMetrics.class);
    /** Kafka's BrokerState values (org.apache.kafka.metadata.BrokerState). */
    private static final int STARTING = 1;
    private static final int RUNNING = 3;
    private static final int SHUTTING_DOWN = 7;

    private final MetricsRegistry registry = new MetricsRegistry();
    private final BrokerTopicMetrics topics = new BrokerTopicMetrics(registry);
    private final RequestMetrics requests = new RequestMetrics(registry);
    /** From the broker's start to its MBeans' registration (see {@link MetricsRegistry#showFrom}). */
    private static final long SHOW_AFTER_MS = 2000;
    private volatile int brokerState = STARTING;
    private final long startMs = System.currentTimeMillis();
    private PrometheusEndpoint prometheus;

    public MetricsRegistry registry() {
        return registry;
    }

    public RequestMetrics requests() {
        return requests;
    }

    public BrokerTopicMetrics topics() {
        return topics;
    }

    /** Before the replica manager subscribes: its partitions register their meters and log gauges as they open. */
    public void follow(ReplicaManager replicas, ZkMetadataStore metadata, ThreadPoolExecutor io, LogManager logs) {
        new ReplicaMetrics(registry, topics, replicas, metadata);
        KafkaTimer flushes = registry.timer(MetricName.of("kafka.log", "LogFlushStats", "LogFlushRateAndTimeMs"));
        logs.onFlush(ms -> {
            if (MetricsRegistry.RECORDING) {
                flushes.update(ms);
            }
        });
        ControllerMetrics.register(registry, metadata);
        // Kafka's request queue waits for a handler thread: Wharf's I/O pool queue is that
        registry.gauge(MetricName.of("kafka.network", "RequestChannel", "RequestQueueSize"), () -> io.getQueue().size());
        registry.gauge(MetricName.of("kafka.server", "KafkaServer", "BrokerState"), () -> brokerState);
    }

    /** This broker's id (see {@link MetricsRegistry}'s several brokers) and build, as Kafka's app-info. */
    public void appInfo(int brokerId, String version, String commit) {
        registry.brokerId(brokerId);
        AppInfo.register(registry, brokerId, version, commit, startMs);
    }

    /** The group coordinator's metrics (group-coordinator-metrics). */
    public void groups(dev.wharf.server.group.GroupCoordinator groups, dev.wharf.server.group.GroupOffsets offsets) {
        new GroupCoordinatorMetrics(registry, groups, offsets);
    }

    /** The broker serves: BrokerState RUNNING, ClusterId known, the MBeans registered
     * {@link #SHOW_AFTER_MS} later, and the Prometheus endpoint up if configured. */
    public void running(Supplier<String> clusterId, String prometheusHost, int prometheusPort) throws IOException {
        registry.gauge(MetricName.of("kafka.server", "KafkaServer", "ClusterId"), clusterId);
        brokerState = RUNNING;
        registry.showFrom(SHOW_AFTER_MS);
        registry.every(SHOW_AFTER_MS, ThreadIdleSampler.PERIOD_MS, new ThreadIdleSampler(registry));
        if (prometheusPort >= 0) {
            prometheus = PrometheusEndpoint.start(registry, prometheusHost, prometheusPort);
            log.info("Prometheus metrics at http://{}:{}/metrics", prometheusHost, prometheus.port());
        }
    }

    /** The bound port of the Prometheus endpoint; -1 when it is off. */
    public int prometheusPort() {
        return prometheus == null ? -1 : prometheus.port();
    }

    public void shuttingDown() {
        brokerState = SHUTTING_DOWN;
    }

    @Override
    public void close() {
        if (prometheus != null) {
            prometheus.close();
        }
        registry.close();
    }
}

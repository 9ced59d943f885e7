package dev.wharf.server;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.controller.EmbeddedZooKeeper;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.logstore.LogManager;
import dev.wharf.server.api.AlterConfigsHandler;
import dev.wharf.server.api.ApiHandlers;
import dev.wharf.server.api.ApiVersionsHandler;
import dev.wharf.server.api.CreatePartitionsHandler;
import dev.wharf.server.api.CreateTopicsHandler;
import dev.wharf.server.api.DeleteGroupsHandler;
import dev.wharf.server.api.DeleteRecordsHandler;
import dev.wharf.server.api.DeleteTopicsHandler;
import dev.wharf.server.api.DescribeClusterHandler;
import dev.wharf.server.api.DescribeConfigsHandler;
import dev.wharf.server.api.DescribeGroupsHandler;
import dev.wharf.server.api.DescribeLogDirsHandler;
import dev.wharf.server.api.DescribeTopicPartitionsHandler;
import dev.wharf.server.api.IncrementalAlterConfigsHandler;
import dev.wharf.server.api.FetchHandler;
import dev.wharf.server.api.FindCoordinatorHandler;
import dev.wharf.server.api.HeartbeatHandler;
import dev.wharf.server.api.InitProducerIdHandler;
import dev.wharf.server.api.JoinGroupHandler;
import dev.wharf.server.api.LeaveGroupHandler;
import dev.wharf.server.api.ListGroupsHandler;
import dev.wharf.server.api.ListOffsetsHandler;
import dev.wharf.server.api.MetadataHandler;
import dev.wharf.server.api.OffsetCommitHandler;
import dev.wharf.server.api.OffsetDeleteHandler;
import dev.wharf.server.api.OffsetFetchHandler;
import dev.wharf.server.api.OffsetForLeaderEpochHandler;
import dev.wharf.server.api.ProduceHandler;
import dev.wharf.server.api.SyncGroupHandler;
import dev.wharf.server.group.GroupCoordinator;
import dev.wharf.server.group.GroupOffsets;
import dev.wharf.server.group.GroupStore;
import dev.wharf.server.network.NettyServer;
import dev.wharf.server.network.SendStats;
import io.netty.util.HashedWheelTimer;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Wharf broker: the log manager, the cluster metadata in ZooKeeper (an embedded server unless
 * {@code zookeeper.connect} is set), the request handlers and the Netty listener. Start-up order:
 * logs and ZooKeeper while the listener binds (so the registered port is the bound one), then
 * metadata, handlers, and only then are connections accepted.
 */
public final class Broker implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(Broker.class);

    private final BrokerConfig config;
    private LogManager logs;
    private EmbeddedZooKeeper embeddedZooKeeper;
    private ZkMetadataStore metadata;
    private NettyServer server;
    private ExecutorService io;
    private ScheduledExecutorService timer;
    private HashedWheelTimer deadlines;
    private BrokerInfo advertised;
    private PartitionManager partitions;
    private GroupCoordinator groups;

    public Broker(BrokerConfig config) {
        this.config = config;
    }

    public void start() throws Exception {
        config.warnings().forEach(w -> log.warn("{}", w));
        ApiHandlers handlers = new ApiHandlers();
        ApiVersionsHandler apiVersions = new ApiVersionsHandler(handlers);
        handlers.register(apiVersions);
        BrokerConfig.Listener listener = config.listener();
        // Steps that do not depend on each other overlap on a second core: the listener binds, and
        // the ZooKeeper client loads (its configuration initialises the JDK's TLS context even with
        // TLS off, ~150 ms), while the logs load and the embedded ZooKeeper starts.
        ExecutorService startup = Executors.newFixedThreadPool(2, daemon("wharf-start"));
        try {
            Future<?> zkClientLoaded = startup.submit(ZkMetadataStore::loadClientClasses);
            Future<NettyServer> listening = startup.submit(() -> new NettyServer(listener.host(), listener.port(),
                    config.getInt("num.network.threads"), config.getInt("socket.request.max.bytes"),
                    config.getLong("connections.max.idle.ms"), handlers, apiVersions));
            try {
                startLogsAndZooKeeper();
            } finally {
                server = await(listening); // closed by close() even when the rest failed
            }
            await(zkClientLoaded);
        } finally {
            startup.shutdown();
        }
        String connect = embeddedZooKeeper != null ? embeddedZooKeeper.connectString() : config.getString("zookeeper.connect");
        io = Executors.newFixedThreadPool(config.getInt("num.io.threads"), daemon("wharf-io"));
        timer = Executors.newSingleThreadScheduledExecutor(daemon("wharf-timer"));
        // fetch waits and group timeouts: kept to within a 10 ms tick, taken and cancelled without waking a thread
        deadlines = new HashedWheelTimer(daemon("wharf-deadlines"), 10, TimeUnit.MILLISECONDS, 512);
        BrokerConfig.Listener adv = config.advertisedListener();
        String host = adv.host().isEmpty() ? "localhost" : adv.host();
        int port = adv.port() == 0 || adv.equals(listener) ? server.port() : adv.port();
        advertised = new BrokerInfo(config.brokerId(), host, port);

        metadata = new ZkMetadataStore(connect, config.getInt("zookeeper.session.timeout.ms"), advertised);
        metadata.start();
        partitions = new PartitionManager(config, metadata, logs);
        long expiryCheckMs = config.getInt("producer.id.expiration.check.interval.ms");
        timer.scheduleWithFixedDelay(() -> io.execute(() -> {
            try {
                int expired = partitions.expireProducers(System.currentTimeMillis());
                if (expired > 0) {
                    log.info("expired idle producer state entries={}", expired);
                }
            } catch (RuntimeException e) {
                log.warn("producer expiration failed", e);
            }
        }), expiryCheckMs, expiryCheckMs, TimeUnit.MILLISECONDS);
        GroupStore groupStore = new GroupStore(partitions, io, System::currentTimeMillis);
        groups = new GroupCoordinator(groupStore, io, deadlines, System::currentTimeMillis);
        GroupOffsets offsets = new GroupOffsets(groupStore, System::currentTimeMillis);
        groupStore.loadAll(); // before the first client: committed offsets are known when asked for
        long offsetsCheckMs = config.getLong("offsets.retention.check.interval.ms");
        timer.scheduleWithFixedDelay(() -> io.execute(() -> {
            try {
                int expired = offsets.expireOffsets();
                if (expired > 0) {
                    log.info("expired committed offsets={}", expired);
                }
            } catch (RuntimeException e) {
                log.warn("offset expiration failed", e);
            }
        }), offsetsCheckMs, offsetsCheckMs, TimeUnit.MILLISECONDS);
        handlers.register(new FindCoordinatorHandler(groupStore, io))
                .register(new JoinGroupHandler(groups, io))
                .register(new SyncGroupHandler(groups, io))
                .register(new HeartbeatHandler(groups, io))
                .register(new LeaveGroupHandler(groups, io))
                .register(new OffsetCommitHandler(offsets, partitions, io))
                .register(new OffsetFetchHandler(offsets, partitions, io))
                .register(new OffsetDeleteHandler(offsets, io))
                .register(new DescribeGroupsHandler(groups, io))
                .register(new ListGroupsHandler(groups, io))
                .register(new DeleteGroupsHandler(groups, io));
        handlers.register(new MetadataHandler(partitions, io))
                .register(new ProduceHandler(partitions))
                .register(new FetchHandler(partitions, deadlines, new FetchSessions(config.getInt("max.incremental.fetch.session.cache.slots"))))
                .register(new ListOffsetsHandler(partitions, io))
                .register(new InitProducerIdHandler(partitions, io))
                .register(new CreateTopicsHandler(partitions, io))
                .register(new DeleteTopicsHandler(partitions, io))
                .register(new DescribeClusterHandler(partitions, io))
                .register(new DescribeConfigsHandler(partitions, io))
                .register(new IncrementalAlterConfigsHandler(partitions, io))
                .register(new DeleteRecordsHandler(partitions, io))
                .register(new CreatePartitionsHandler(partitions, io))
                .register(new OffsetForLeaderEpochHandler(partitions, io))
                .register(new DescribeLogDirsHandler(partitions, io))
                .register(new DescribeTopicPartitionsHandler(partitions, io))
                .register(new AlterConfigsHandler(partitions, io));
        server.startAccepting();
        log.info("Wharf broker {} ready: listening on {}:{} (cluster id {})", config.brokerId(), host, port,
                metadata.clusterId());
    }

    /** Where clients reach this broker. */
    public BrokerInfo advertised() {
        return advertised;
    }

    /** Bytes sent to clients, and the part sent from log files with {@code transferTo}. */
    public SendStats sendStats() {
        return server.sendStats();
    }

    public String clusterId() {
        return metadata.clusterId();
    }

    /** Stops taking requests, then closes metadata, logs (cleanly: no recovery next time) and ZooKeeper. */
    @Override
    public void close() throws IOException {
        if (server != null) {
            server.close();
        }

        if (timer != null) {
            timer.shutdownNow();
        }
        if (deadlines != null) {
            deadlines.stop(); // fetches still waiting go unanswered: their connections are closed
        }
        if (io != null) {
            io.shutdown();
            try {
                io.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (partitions != null) {
            partitions.saveProducerStates(); // after the last append
        }
        if (metadata != null) {
            metadata.close();
        }
        if (logs != null) {
            logs.close();
        }
        if (embeddedZooKeeper != null) {
            embeddedZooKeeper.close();
        }
        log.info("Wharf broker {} stopped", config.brokerId());
    }

    private void startLogsAndZooKeeper() throws IOException {
        logs = new LogManager(config.logDirs(), config.logConfig(), config.getLong("log.retention.check.interval.ms"),
                System::currentTimeMillis);
        logs.startup();
        if (config.getString("zookeeper.connect").isEmpty()) {
            Path first = config.logDirs().get(0).toAbsolutePath();
            Path zkDir = first.getParent() == null ? Path.of("zookeeper") : first.getParent().resolve("zookeeper");
            embeddedZooKeeper = new EmbeddedZooKeeper(zkDir, config.getInt("zookeeper.embedded.port"));
        }
    }

    /** The future's value, or the exception its task threw. */
    private static <T> T await(Future<T> future) throws Exception {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}

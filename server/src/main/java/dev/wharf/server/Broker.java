package dev.wharf.server;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.controller.EmbeddedZooKeeper;
import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.logstore.LogManager;
import dev.wharf.server.api.AddOffsetsToTxnHandler;
import dev.wharf.server.api.UpdateFeaturesHandler;
import dev.wharf.server.api.AddPartitionsToTxnHandler;
import dev.wharf.server.api.AlterConfigsHandler;
import dev.wharf.server.api.AlterPartitionReassignmentsHandler;
import dev.wharf.server.api.ApiHandlers;
import dev.wharf.server.api.ApiVersionsHandler;
import dev.wharf.server.api.CreateAclsHandler;
import dev.wharf.server.api.CreatePartitionsHandler;
import dev.wharf.server.api.CreateTopicsHandler;
import dev.wharf.server.api.DeleteAclsHandler;
import dev.wharf.server.api.DeleteGroupsHandler;
import dev.wharf.server.api.DeleteRecordsHandler;
import dev.wharf.server.api.DeleteTopicsHandler;
import dev.wharf.server.api.DescribeAclsHandler;
import dev.wharf.server.api.DescribeClusterHandler;
import dev.wharf.server.api.DescribeConfigsHandler;
import dev.wharf.server.api.DescribeGroupsHandler;
import dev.wharf.server.api.DescribeLogDirsHandler;
import dev.wharf.server.api.DescribeProducersHandler;
import dev.wharf.server.api.DescribeTopicPartitionsHandler;
import dev.wharf.server.api.DescribeTransactionsHandler;
import dev.wharf.server.api.ElectLeadersHandler;
import dev.wharf.server.api.EndTxnHandler;
import dev.wharf.server.api.FindCoordinatorHandler;
import dev.wharf.server.api.HeartbeatHandler;
import dev.wharf.server.api.IncrementalAlterConfigsHandler;
import dev.wharf.server.api.InitProducerIdHandler;
import dev.wharf.server.api.JoinGroupHandler;
import dev.wharf.server.api.LeaveGroupHandler;
import dev.wharf.server.api.ListGroupsHandler;
import dev.wharf.server.api.ListOffsetsHandler;
import dev.wharf.server.api.ListPartitionReassignmentsHandler;
import dev.wharf.server.api.ListTransactionsHandler;
import dev.wharf.server.api.MetadataHandler;
import dev.wharf.server.api.OffsetCommitHandler;
import dev.wharf.server.api.OffsetDeleteHandler;
import dev.wharf.server.api.OffsetFetchHandler;
import dev.wharf.server.api.OffsetForLeaderEpochHandler;
import dev.wharf.server.api.ProduceHandler;
import dev.wharf.server.api.SaslAuthenticateHandler;
import dev.wharf.server.api.SaslHandshakeHandler;
import dev.wharf.server.api.SyncGroupHandler;
import dev.wharf.server.api.TxnOffsetCommitHandler;
import dev.wharf.server.api.WriteTxnMarkersHandler;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.security.ScramCredentials;
import dev.wharf.server.security.StoredScramCredentials;
import dev.wharf.server.fetch.FetchHandler;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.txn.TxnAdmin;
import dev.wharf.server.txn.TxnCoordinator;
import dev.wharf.server.txn.TxnStore;
import dev.wharf.server.txn.TxnVerifier;
import dev.wharf.server.feature.FinalizedFeatures;
import dev.wharf.server.quota.ClientQuotaApis;
import dev.wharf.server.quota.ClientQuotas;
import dev.wharf.server.registry.SchemaRegistryService;
import dev.wharf.server.group.GroupCoordinator;
import dev.wharf.server.group.GroupOffsets;
import dev.wharf.server.group.GroupStore;
import dev.wharf.server.network.SendStats;
import dev.wharf.server.replica.LogDirFailures;
import dev.wharf.server.replica.LogDirMoves;
import dev.wharf.server.replica.ReplicaManager;
import dev.wharf.server.replica.ReplicationThrottles;
import io.netty.util.HashedWheelTimer;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
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
    /** The configuration in force: {@link #config} under the dynamic broker configs in ZooKeeper. */
    private final DynamicBrokerConfig dynamicConfig;
    private LogManager logs;
    private LogDirMoves logDirMoves;
    private LogDirFailures logDirFailures;
    private EmbeddedZooKeeper embeddedZooKeeper;
    private ZkMetadataStore metadata;
    private BrokerListeners listeners;
    private ThreadPoolExecutor io;
    private ScheduledExecutorService timer;
    private PeriodicTasks tasks;
    private HashedWheelTimer deadlines;
    private BrokerInfo advertised;
    private ReplicaManager replicas;
    private GroupCoordinator groups;
    private final dev.wharf.server.metrics.BrokerMetrics metrics = new dev.wharf.server.metrics.BrokerMetrics();
    private ScheduledExecutorService markerThread;
    private ScheduledExecutorService verifierThread;
    private SchemaRegistryService schemaRegistry;
    /** Where SASL/SCRAM finds users' credentials: ZooKeeper, once connected. */
    private volatile ScramCredentials scramCredentials;

    public Broker(BrokerConfig config) {
        this.config = config;
        this.dynamicConfig = new DynamicBrokerConfig(config);
    }

    public void start() throws Exception {
        config.warnings().forEach(w -> log.warn("{}", w));
        Optional.ofNullable(dev.wharf.server.config.IgnoredKeys.notice(config.ignoredKeys())).ifPresent(n -> log.info("{}", n));
        FinalizedFeatures features = new FinalizedFeatures(config.get(BrokerKeys.TRANSACTION_VERSION).shortValue(),
                config.get(BrokerKeys.GROUP_COORDINATOR_REBALANCE_PROTOCOLS));
        ApiHandlers handlers = new ApiHandlers().gate(features::serves).gateByFeature(features::enables).requestMetrics(metrics.requests());
        ApiVersionsHandler apiVersions = new ApiVersionsHandler(handlers, features);
        handlers.register(apiVersions);
        // listeners are set up before ZooKeeper is reached; SCRAM credentials are looked up there
        // when a client authenticates, by then (connections are accepted last)
        listeners = new BrokerListeners(config, (user, mechanism) -> scramCredentials == null ? Optional.empty()
                : scramCredentials.lookup(user, mechanism));
        int ioThreads = config.get(BrokerKeys.NUM_IO_THREADS);
        io = new ThreadPoolExecutor(ioThreads, ioThreads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), daemon("wharf-io"));
        // Steps that do not depend on each other overlap on a second core: the listeners bind, and
        // the ZooKeeper client loads (its configuration initialises the JDK's TLS context even with
        // TLS off, ~150 ms), while the logs load and the embedded ZooKeeper starts.
        ExecutorService startup = Executors.newFixedThreadPool(2, daemon("wharf-start"));
        try {
            Future<?> zkClientLoaded = startup.submit(ZkMetadataStore::loadClientClasses);
            Future<?> listening = startup.submit(() -> {
                listeners.bind(handlers, apiVersions, io);
                return null;
            });
            try {
                startLogsAndZooKeeper();
            } finally {
                await(listening);
            }
            await(zkClientLoaded);
        } finally {
            startup.shutdown();
        }
        String connect = embeddedZooKeeper != null ? embeddedZooKeeper.connectString() : config.get(BrokerKeys.ZOOKEEPER_CONNECT);
        timer = Executors.newSingleThreadScheduledExecutor(daemon("wharf-timer"));
        tasks = new PeriodicTasks(timer, io);
        // fetch waits and group timeouts: kept to within a 10 ms tick, taken and cancelled without waking a thread
        deadlines = new HashedWheelTimer(daemon("wharf-deadlines"), 10, TimeUnit.MILLISECONDS, 512);
        advertised = new BrokerInfo(config.brokerId(), listeners.advertised(),
                Optional.ofNullable(config.get(BrokerKeys.BROKER_RACK)));

        metadata = new ZkMetadataStore(connect, config.get(BrokerKeys.ZOOKEEPER_SESSION_TIMEOUT_MS), advertised);
        metadata.uncleanElectionPolicy(t -> {
            try {
                return TopicSettings.of(dynamicConfig.current(), t.configs()).get(TopicConfigs.UNCLEAN_LEADER_ELECTION_ENABLE);
            } catch (RuntimeException e) {
                return false; // a config that does not parse allows nothing unsafe
            }
        });
        metadata.start();
        // before the replicas open: partitions start with the dynamic defaults, not the static ones
        metadata.subscribeBrokerConfigs(dynamicConfig::entityChanged);
        metadata.subscribeFeatures(features::update);
        dynamicConfig.onChange((before, now) -> resizeIo(now.get(BrokerKeys.NUM_IO_THREADS)));
        listeners.followLimits(dynamicConfig);
        resizeIo(dynamicConfig.get(BrokerKeys.NUM_IO_THREADS));
        ReplicationThrottles throttles = new ReplicationThrottles(config.brokerId(),
                topic -> metadata.topic(topic).map(TopicInfo::configs).orElse(Map.of()),
                dynamicConfig::leaderThrottleRate, dynamicConfig::followerThrottleRate);
        replicas = new ReplicaManager(dynamicConfig, metadata, logs, deadlines, io, throttles);
        logDirMoves = new LogDirMoves(replicas, logs,
                () -> dynamicConfig.get(BrokerKeys.REPLICA_ALTER_LOG_DIRS_IO_MAX_BYTES_PER_SECOND));
        // with every log dir failed the broker halts, as Kafka does: nothing is left to serve or flush
        logDirFailures = new LogDirFailures(replicas, logs, metadata, config.brokerId(),
                () -> Runtime.getRuntime().halt(1));
        metrics.follow(replicas, metadata, io, logs); // before subscribing: partitions register their metrics as they open
        replicas.subscribe();
        logDirMoves.start();
        // log.cleaner.* is dynamic as in Kafka: a change restarts the cleaner threads with the new settings
        logs.startCleaner(dynamicConfig.current().cleanerConfig());
        dynamicConfig.onChange((before, now) -> {
            if (!now.cleanerConfig().equals(before.cleanerConfig())) {
                logs.restartCleaner(now.cleanerConfig());
            }
        });
        TopicAdmin admin = new TopicAdmin(metadata, replicas);
        BrokerConfigAdmin brokerConfigAdmin = new BrokerConfigAdmin(metadata);
        tasks.every(config.get(BrokerKeys.REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS), "high watermark checkpoint",
                replicas::checkpointHighWatermarks);
        tasks.every(Math.max(1, config.get(BrokerKeys.REPLICA_LAG_TIME_MAX_MS) / 2), "ISR check", replicas::maybeShrinkIsrs);
        tasks.removing(config.get(BrokerKeys.PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS), "idle producer state entries",
                () -> replicas.expireProducers(System.currentTimeMillis()));
        if (config.get(BrokerKeys.AUTO_LEADER_REBALANCE_ENABLE)) {
            // only the controller moves anything; every broker asks, so whichever is controller does
            int imbalance = config.get(BrokerKeys.LEADER_IMBALANCE_PER_BROKER_PERCENTAGE);
            tasks.every(TimeUnit.SECONDS.toMillis(config.get(BrokerKeys.LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS)),
                    "leader rebalance", () -> metadata.rebalanceLeaders(imbalance));
        }
        GroupStore groupStore = new GroupStore(config, metadata, admin, replicas, io, System::currentTimeMillis);
        groups = new GroupCoordinator(groupStore, io, deadlines, System::currentTimeMillis);
        GroupOffsets offsets = new GroupOffsets(groupStore, System::currentTimeMillis);
        metrics.groups(groups, offsets);
        // the coordinator follows its partitions' leadership: loads groups where it leads, drops them where it stopped
        replicas.onLeadershipChange((partition, leading) -> {
            if (partition.topicPartition().topic().equals(GroupStore.OFFSETS_TOPIC)) {
                int p = partition.topicPartition().partition();
                io.execute(() -> {
                    if (leading) {
                        groupStore.load(p);
                    } else {
                        groupStore.unload(p);
                    }
                });
            }
        });
        groupStore.loadAll(); // before the first client: committed offsets are known when asked for
        tasks.removing(config.get(BrokerKeys.OFFSETS_RETENTION_CHECK_INTERVAL_MS), "expired committed offsets",
                offsets::expireOffsets);
        TxnStore txnStore = new TxnStore(config, metadata, admin, replicas, io);
        TxnCoordinator transactions = startTransactions(txnStore);
        TxnAdmin txnAdmin = new TxnAdmin(txnStore);
        verifierThread = Executors.newSingleThreadScheduledExecutor(daemon("wharf-txn-verify"));
        TxnVerifier verifier = new TxnVerifier(txnStore, transactions, metadata, config.brokerId(),
                config.interBrokerListener(), verifierThread);
        // before the handlers: with an authorizer, every ACL is loaded before the first request
        Authorization authz = Authorization.start(config, metadata);
        // quotas wrap every handler, those registered before and after; topic changes count mutations
        ClientQuotas quotas = ClientQuotaApis.register(handlers, metadata, config, authz);
        handlers.register(new SaslHandshakeHandler()).register(new SaslAuthenticateHandler());
        handlers.register(new FindCoordinatorHandler(authz, groupStore, txnStore))
                .register(new AddPartitionsToTxnHandler(authz, transactions, verifier, metadata))
                .register(new AddOffsetsToTxnHandler(authz, transactions, groupStore))
                .register(new EndTxnHandler(authz, transactions))
                .register(new WriteTxnMarkersHandler(authz, metadata, replicas, groupStore::markerWritten))
                .register(new TxnOffsetCommitHandler(authz, offsets, groupStore, verifier, metadata))
                .register(new DescribeProducersHandler(authz, metadata, replicas))
                .register(new DescribeTransactionsHandler(authz, txnAdmin))
                .register(new ListTransactionsHandler(authz, txnAdmin))
                .register(new JoinGroupHandler(authz, groups))
                .register(new SyncGroupHandler(authz, groups))
                .register(new HeartbeatHandler(authz, groups))
                .register(new LeaveGroupHandler(authz, groups))
                .register(new OffsetCommitHandler(authz, offsets, metadata))
                .register(new OffsetFetchHandler(authz, offsets, metadata))
                .register(new OffsetDeleteHandler(authz, offsets))
                .register(new DescribeGroupsHandler(authz, groups))
                .register(new ListGroupsHandler(authz, groups))
                .register(new DeleteGroupsHandler(authz, groups));
        dev.wharf.server.api.ConsumerGroupApis.register(handlers, groupStore, groups, io, deadlines, metadata, authz); // KIP-848
        dev.wharf.server.group.StreamsGroupApis.register(handlers, groupStore, metadata, admin, io, deadlines, authz);
        handlers.register(new MetadataHandler(authz, config, metadata, admin))
                .register(new ProduceHandler(authz, metadata, replicas, config.brokerId(), verifier,
                        config.get(BrokerKeys.TRANSACTION_PARTITION_VERIFICATION_ENABLE)))
                .register(new FetchHandler(authz, metadata, replicas,
                        new FetchSessions(config.get(BrokerKeys.MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS)), config.brokerId(),
                        BrokerKeys.RACK_AWARE_REPLICA_SELECTOR.equals(config.get(BrokerKeys.REPLICA_SELECTOR_CLASS))))
                .register(new ListOffsetsHandler(authz, metadata, replicas))
                .register(new InitProducerIdHandler(authz, metadata, transactions))
                .register(new CreateTopicsHandler(authz, config, metadata, admin, quotas))
                .register(new DeleteTopicsHandler(authz, metadata, admin, quotas))
                .register(new DescribeClusterHandler(authz, metadata))
                .register(new DescribeConfigsHandler(authz, dynamicConfig, metadata))
                .register(new IncrementalAlterConfigsHandler(authz, metadata, admin, brokerConfigAdmin, dynamicConfig))
                .register(new DeleteRecordsHandler(authz, metadata, replicas))
                .register(new CreatePartitionsHandler(authz, metadata, admin, quotas))
                .register(new OffsetForLeaderEpochHandler(authz, metadata, replicas))
                .register(new DescribeLogDirsHandler(authz, logs))
                .register(new dev.wharf.server.api.AlterReplicaLogDirsHandler(authz, metadata, logDirMoves))
                .register(new DescribeTopicPartitionsHandler(authz, metadata))
                .register(new AlterConfigsHandler(authz, metadata, admin, brokerConfigAdmin))
                .register(new ElectLeadersHandler(authz, metadata))
                .register(new AlterPartitionReassignmentsHandler(authz, metadata))
                .register(new ListPartitionReassignmentsHandler(authz, metadata))
                .register(new CreateAclsHandler(authz, metadata))
                .register(new DescribeAclsHandler(authz))
                .register(new DeleteAclsHandler(authz, metadata))
                .register(new UpdateFeaturesHandler(authz, metadata, features));
        scramCredentials = new StoredScramCredentials(metadata); // SASL/SCRAM reads what AlterUserScramCredentials wrote
        dev.wharf.server.share.ShareGroupApis.register(handlers, config, metadata, replicas, groupStore, io, deadlines, authz);
        listeners.startAccepting();
        schemaRegistry = SchemaRegistryService.startIfConfigured(config, metadata, admin, replicas, io, authz, scramCredentials);
        metrics.appInfo(config.brokerId(), BuildInfo.current().version(), BuildInfo.current().commit());
        metrics.running(metadata::clusterId, config.get(BrokerKeys.METRICS_PROMETHEUS_HOST),
                config.get(BrokerKeys.METRICS_PROMETHEUS_PORT));
        log.info("Wharf broker {} ready: listening on {} (cluster id {})", config.brokerId(), advertised.endpoints(),
                metadata.clusterId());
    }

    /**
     * The transaction coordinator: follows the leadership of {@code __transaction_state}'s
     * partitions, loads those led here, and aborts timed-out transactions and forgets idle ids on
     * the timer.
     */
    private TxnCoordinator startTransactions(TxnStore txnStore) {
        markerThread = Executors.newSingleThreadScheduledExecutor(daemon("wharf-txn-markers"));
        TxnCoordinator transactions = TxnCoordinator.create(config, metadata, txnStore, markerThread);
        replicas.onLeadershipChange((partition, leading) -> {
            if (partition.topicPartition().topic().equals(TxnStore.TOPIC)) {
                int p = partition.topicPartition().partition();
                io.execute(() -> {
                    if (leading) {
                        txnStore.load(p);
                    } else {
                        txnStore.unload(p);
                    }
                });
            }
        });
        txnStore.loadAll();
        tasks.every(config.get(BrokerKeys.TRANSACTION_ABORT_TIMED_OUT_INTERVAL_MS), "aborting timed-out transactions",
                transactions::abortTimedOut);
        long expirationMs = config.get(BrokerKeys.TRANSACTIONAL_ID_EXPIRATION_MS);
        tasks.removing(config.get(BrokerKeys.TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS), "idle transactional ids",
                () -> transactions.expireIdle(expirationMs));
        return transactions;
    }

    /** Where clients reach this broker. */
    public BrokerInfo advertised() {
        return advertised;
    }

    /** Bytes sent to clients, and the part sent from log files with {@code transferTo}. */
    public SendStats sendStats() {
        return listeners.sendStats();
    }

    public String clusterId() {
        return metadata.clusterId();
    }

    /** The embedded ZooKeeper server's connect string; empty when zookeeper.connect names an ensemble. */
    public Optional<String> embeddedZooKeeperConnect() {
        return Optional.ofNullable(embeddedZooKeeper).map(EmbeddedZooKeeper::connectString);
    }

    /** Stops taking requests, then closes metadata, logs (cleanly: no recovery next time) and ZooKeeper. */
    @Override
    public void close() throws IOException {
        metrics.shuttingDown();
        if (metadata != null && replicas != null && config.get(BrokerKeys.CONTROLLED_SHUTDOWN_ENABLE)) {
            new ControlledShutdown(config, metadata).run();
        }
        Optional.ofNullable(schemaRegistry).ifPresent(SchemaRegistryService::close); // first: it writes through the broker
        if (listeners != null) {
            listeners.close();
        }

        for (ExecutorService thread : java.util.Arrays.asList(markerThread, verifierThread, timer)) {
            if (thread != null) {
                thread.shutdownNow();
            }
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
        if (logDirMoves != null) {
            logDirMoves.close(); // a move not finished resumes at the next start
        }
        if (logDirFailures != null) {
            logDirFailures.close();
        }
        if (replicas != null) {
            replicas.shutdown(); // after the last append: producer state and high watermarks
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
        metrics.close();
        log.info("Wharf broker {} stopped", config.brokerId());
    }

    private void startLogsAndZooKeeper() throws IOException {
        logs = new LogManager(config.logDirs(), config.logConfig(), config.get(BrokerKeys.LOG_RETENTION_CHECK_INTERVAL_MS),
                System::currentTimeMillis);
        logs.startup();
        if (config.get(BrokerKeys.ZOOKEEPER_CONNECT).isEmpty()) {
            Path first = config.logDirs().get(0).toAbsolutePath();
            Path zkDir = first.getParent() == null ? Path.of("zookeeper") : first.getParent().resolve("zookeeper");
            embeddedZooKeeper = new EmbeddedZooKeeper(zkDir, config.get(BrokerKeys.ZOOKEEPER_EMBEDDED_PORT));
        }
    }

    /**
     * num.io.threads is dynamic: the pool takes the new size at once; threads beyond a smaller
     * size end as they finish their task.
     */
    private void resizeIo(int threads) {
        if (threads > io.getMaximumPoolSize()) {
            io.setMaximumPoolSize(threads);
            io.setCorePoolSize(threads);
        } else if (threads < io.getMaximumPoolSize()) {
            io.setCorePoolSize(threads);
            io.setMaximumPoolSize(threads);
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

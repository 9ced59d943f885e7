package dev.wharf.controller;

import java.io.Closeable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.curator.framework.CuratorFrameworkFactory;

/**
 * Cluster metadata in ZooKeeper, as the broker sees it: one facade over
 * <ul>
 *   <li>{@link ZkSession}: the session, this broker's registration, and the {@code wharf-zk-events}
 *       thread all ZooKeeper work runs on;
 *   <li>{@link ControllerElection}: who is controller, and the epoch that fences its writes;
 *   <li>{@link MetadataCache}: cluster id, live brokers and topics in memory, followed by watches;
 *   <li>{@link ControllerWrites} and {@link ProducerIdBlocks}: topic writes and producer ids, from any broker;
 *   <li>{@link LeaderElections}: the controller moving leadership off brokers that are gone,
 *       which {@link BrokerLiveness} notices before their sessions expire;
 *   <li>{@link IsrWrites}: a leader's changes to its partition's ISR;
 *   <li>{@link Reassignments}: the controller moving partitions to other replicas;
 *   <li>{@link ConfigEntityStore}: dynamic broker configs, per broker and cluster-wide, and the
 *       configs of users and client ids (quotas, SCRAM credentials);
 *   <li>{@link AclStore}: ACLs;
 *   <li>{@link ZkData}: every znode path and its encoding.
 * </ul>
 *
 * <p>Threads: reads ({@link #topics()}, {@link #liveBrokers()}, {@link #controllerId()}, ...) are
 * served from memory on the caller's thread; writes are handed to {@code wharf-zk-events} and the
 * caller waits for them, getting back what they threw.
 */
public final class ZkMetadataStore implements Closeable {
    private final ZkSession session;
    private final MetadataCache cache;
    private final ControllerElection election;
    private final ControllerWrites writes;
    private final ProducerIdBlocks producerIds;
    private final LeaderElections elections;
    private final BrokerLiveness liveness;
    private final IsrWrites isrWrites;
    private final Reassignments reassignments;
    private final ConfigEntityStore<String> brokerConfigs;
    private final ConfigEntityStore<ClientEntity> userConfigs;
    private final ConfigEntityStore<ClientEntity> clientIdConfigs;
    private final ConfigEntityStore<String> groupConfigs;
    private final AclStore acls;
    private final ConfigEntityStore<String> features;
    /** This broker's last report of replicas in failed log dirs, written again under a new session. */
    private volatile byte[] offlineReport;

    public ZkMetadataStore(String connect, int sessionTimeoutMs, BrokerInfo self) {
        this.session = new ZkSession(connect, sessionTimeoutMs, self);
        this.cache = new MetadataCache(session);
        this.election = new ControllerElection(session);
        this.writes = new ControllerWrites(session, election, cache);
        this.producerIds = new ProducerIdBlocks(session);
        this.elections = new LeaderElections(session, election, cache);
        this.liveness = new BrokerLiveness(session, election, cache, self.id(), elections::livenessChanged);
        elections.excluding(liveness::gone);
        this.isrWrites = new IsrWrites(session, cache);
        this.reassignments = new Reassignments(session, election, cache);
        this.brokerConfigs = new ConfigEntityStore<>(session, ZkEntityLayouts.BROKER_ENTITIES);
        this.userConfigs = new ConfigEntityStore<>(session, ZkEntityLayouts.USER_ENTITIES);
        this.clientIdConfigs = new ConfigEntityStore<>(session, ZkEntityLayouts.CLIENT_ID_ENTITIES);
        this.groupConfigs = new ConfigEntityStore<>(session, ZkEntityLayouts.GROUP_ENTITIES);
        this.acls = new AclStore(session);
        this.features = new ConfigEntityStore<>(session, ZkEntityLayouts.FEATURE_ENTITIES);
        // the cache first, so a broker elected controller already knows the brokers and topics
        for (ZkSession.Listener l : List.<ZkSession.Listener>of(cache, election, brokerConfigs, userConfigs, clientIdConfigs,
                groupConfigs, acls, features)) {
            session.addListener(l);
        }
        session.addListener(() -> {
            byte[] report = offlineReport;
            if (report != null) { // a new session lost the ephemeral node: the replicas are still offline
                session.createEphemeral(ZkData.offlineReplicas(self.id()), report, true);
            }
        });
        cache.subscribe(liveness); // before elections: they see who is gone as of the same change
        cache.subscribe(elections);
        cache.subscribe(reassignments);
        election.onElected(() -> {
            liveness.elected();
            elections.elected();
            reassignments.elected();
        });
    }

    /** Whether a topic may elect a leader outside its ISR (unclean.leader.election.enable); set before {@link #start()}. */
    public void uncleanElectionPolicy(java.util.function.Predicate<TopicInfo> allowed) {
        elections.uncleanElectionPolicy(allowed);
    }

    /** Tells {@code listener} of each leader this broker, as controller, elects from now on. */
    public void onLeaderElection(ElectionListener listener) {
        elections.onElection(listener);
    }

    /**
     * Loads and initialises the ZooKeeper client's classes ahead of {@link #start()}, so a broker
     * can do it while other start-up steps run: the client's configuration class initialises the
     * JDK's default TLS context (reading its trust store) even when TLS is not used.
     */
    public static void loadClientClasses() {
        new org.apache.zookeeper.client.ZKClientConfig();
        CuratorFrameworkFactory.builder();
    }

    /** Connects, makes sure the cluster id exists, registers this broker, loads the metadata and runs the election. */
    public void start() throws Exception {
        session.start();
        session.call(() -> {
            cache.loadOrCreateClusterId();
            return null;
        });
    }

    /**
     * Tells a listener about every topic and the live brokers as they are now, then about every
     * later change, all on {@code wharf-zk-events}.
     */
    public void subscribe(MetadataListener listener) throws Exception {
        session.call(() -> {
            cache.subscribe(listener);
            listener.brokersChanged(cache.liveBrokers());
            for (TopicInfo t : cache.topics().values()) {
                listener.topicChanged(t.name(), Optional.of(t));
            }
            return null;
        });
    }

    public String clusterId() {
        return cache.clusterId();
    }

    public boolean isController() {
        return election.isController();
    }

    /** The current ZooKeeper handle, so tests can expire its session. */
    org.apache.zookeeper.ZooKeeper zooKeeperForTests() throws Exception {
        return session.client().getZookeeperClient().getZooKeeper();
    }

    public int controllerEpoch() {
        return election.epoch();
    }

    /** The controller's broker id, or -1 when none is known; from memory, kept current by a watch. */
    public int controllerId() {
        return election.controllerId();
    }

    /** The registered brokers by id, from memory (a watch on {@code /brokers/ids}); the last seen while ZooKeeper is away. */
    public List<BrokerInfo> liveBrokers() throws Exception {
        return cache.liveBrokers();
    }

    /** The replicas of a partition whose broker is not registered now (Metadata's offline replicas). */
    public List<Integer> offlineReplicas(TopicInfo.PartitionInfo p) {
        List<BrokerInfo> live = cache.liveBrokers();
        return p.replicas().stream().filter(r -> live.stream().noneMatch(b -> b.id() == r)).toList();
    }

    /**
     * The replicas of {@code topic}'s partition that are offline: on a broker not registered now,
     * or in a failed log dir of a broker that is (KIP-112).
     */
    public List<Integer> offlineReplicas(String topic, TopicInfo.PartitionInfo p) {
        java.util.Set<Integer> failed = cache.offlineReplicas(topic, p.partition());
        List<BrokerInfo> live = cache.liveBrokers();
        return p.replicas().stream().filter(r -> failed.contains(r) || live.stream().noneMatch(b -> b.id() == r)).toList();
    }

    /**
     * This broker's replicas in failed log dirs (topic to partitions), in its ephemeral
     * {@code /brokers/offline_replicas/<id>} node: the controller moves their leadership away and
     * drops them from the ISRs. The node goes with the session: a restart clears it.
     */
    public void reportOfflineReplicas(int brokerId, Map<String, List<Integer>> partitions) throws Exception {
        byte[] data = ZkData.offlineReplicas(partitions);
        offlineReport = data;
        session.call(() -> {
            try {
                session.client().create().creatingParentsIfNeeded().withMode(org.apache.zookeeper.CreateMode.EPHEMERAL)
                        .forPath(ZkData.offlineReplicas(brokerId), data);
            } catch (org.apache.zookeeper.KeeperException.NodeExistsException e) {
                session.client().setData().forPath(ZkData.offlineReplicas(brokerId), data);
            }
            return null;
        });
    }

    public Map<String, TopicInfo> topics() {
        return cache.topics();
    }

    public Optional<TopicInfo> topic(String name) {
        return cache.topic(name);
    }

    /** A topic by id (Fetch and Produce from v13 name topics by id only). */
    public Optional<TopicInfo> topic(UUID id) {
        return cache.topic(id);
    }

    /** Creates a topic, its replicas placed by {@link ReplicaPlacement}; any broker. */
    public TopicInfo createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs)
            throws Exception {
        return session.call(() -> writes.createTopic(name, partitions, replicationFactor, configs));
    }

    /** Creates a topic with the given replicas of each partition (see {@link ControllerWrites#createTopic(String, List, Map)}); any broker. */
    public TopicInfo createTopic(String name, List<List<Integer>> assignment, Map<String, String> configs)
            throws Exception {
        return session.call(() -> writes.createTopic(name, assignment, configs));
    }

    /** Grows a topic to {@code count} partitions; any broker. */
    public TopicInfo addPartitions(String name, int count) throws Exception {
        return session.call(() -> writes.addPartitions(name, count));
    }

    /** Adds one partition per replica list given, with those replicas; any broker. */
    public TopicInfo addPartitions(String name, List<List<Integer>> newAssignments) throws Exception {
        return session.call(() -> writes.addPartitions(name, newAssignments));
    }

    /** Replaces a topic's config overrides; any broker. */
    public TopicInfo setTopicConfigs(String name, Map<String, String> configs) throws Exception {
        return session.call(() -> writes.setTopicConfigs(name, configs));
    }

    /** Deletes a topic's metadata (each broker deletes its logs as it sees it go); any broker. */
    public void deleteTopic(String name) throws Exception {
        session.call(() -> {
            writes.deleteTopic(name);
            return null;
        });
    }

    /**
     * The leader's ISR change (see {@link IsrWrites}): the partition's new state, or empty when the
     * state it was based on is stale (the partition moved on; the caller waits for the metadata).
     */
    public Optional<TopicInfo.PartitionInfo> alterIsr(String topic, int partition, int leaderEpoch,
            int partitionEpoch, List<Integer> isr) throws Exception {
        return session.call(() -> isrWrites.alterIsr(topic, partition, leaderEpoch, partitionEpoch, isr));
    }

    /**
     * Tells a listener about the dynamic broker configs of every entity that has some, then about
     * every later change, all on {@code wharf-zk-events}.
     */
    public void subscribeBrokerConfigs(BrokerConfigListener listener) throws Exception {
        session.call(() -> {
            brokerConfigs.subscribe(listener::brokerConfigsChanged);
            return null;
        });
    }

    /** The dynamic configs of a broker ({@code "<id>"}) or of the cluster default ({@code ""}), from memory. */
    public Map<String, String> brokerConfigs(String entity) {
        return brokerConfigs.configs(entity);
    }

    /**
     * Replaces the dynamic configs of a broker or of the cluster default ({@code ""}) with what
     * {@code change} makes of the stored ones (it may throw to refuse, and may run more than once);
     * returns them; any broker.
     */
    public Map<String, String> updateBrokerConfigs(String entity,
            java.util.function.UnaryOperator<Map<String, String>> change) throws Exception {
        return session.call(() -> brokerConfigs.update(entity, change));
    }

    /**
     * Tells a listener about the finalized feature levels as stored (empty when none were ever
     * written), then about every change, on {@code wharf-zk-events}. The map holds each feature's
     * level and the key {@code "epoch"}, which grows with every change.
     */
    public void subscribeFeatures(java.util.function.Consumer<Map<String, String>> listener) throws Exception {
        session.call(() -> {
            listener.accept(features.configs("finalized"));
            features.subscribe((entity, levels) -> listener.accept(levels));
            return null;
        });
    }

    /**
     * Replaces the finalized feature levels with what {@code change} makes of the stored ones (it
     * may throw to refuse, and may run more than once), bumping the epoch; returns them.
     */
    public Map<String, String> updateFeatures(java.util.function.UnaryOperator<Map<String, String>> change)
            throws Exception {
        return session.call(() -> features.update("finalized", stored -> {
            Map<String, String> next = new java.util.HashMap<>(change.apply(stored));
            long epoch = Long.parseLong(stored.getOrDefault(ZkEntityLayouts.FEATURES_EPOCH, "1"));
            next.put(ZkEntityLayouts.FEATURES_EPOCH, Long.toString(epoch + 1));
            return next;
        }));
    }

    /** Tells a listener about every resource's ACLs, then about every change, all on {@code wharf-zk-events}. */
    public void subscribeAcls(AclListener listener) throws Exception {
        session.call(() -> {
            acls.subscribe(listener);
            return null;
        });
    }

    /**
     * Tells a listener about the configs (quotas, SCRAM credentials) of every user and client-id
     * entity that has some, then about every later change, all on {@code wharf-zk-events}; it must
     * return quickly.
     */
    public void subscribeClientConfigs(java.util.function.BiConsumer<ClientEntity, Map<String, String>> listener)
            throws Exception {
        session.call(() -> {
            userConfigs.subscribe(listener);
            clientIdConfigs.subscribe(listener);
            return null;
        });
    }

    /** Every resource's ACLs, from memory. */
    public Map<AclResource, List<StoredAcl>> acls() {
        return acls.acls();
    }

    /**
     * Replaces a resource's ACLs with what {@code change} makes of the stored ones (it may run
     * more than once; the last run is written) and returns them; any broker.
     */
    public List<StoredAcl> updateAcls(AclResource resource, java.util.function.UnaryOperator<List<StoredAcl>> change)
            throws Exception {
        return session.call(() -> acls.update(resource, change));
    }

    /** The configs of a user or client-id entity, from memory (empty: none). */
    public Map<String, String> clientConfigs(ClientEntity entity) {
        return clientStore(entity).configs(entity);
    }

    /** Every user and client-id entity with configs, from memory. */
    public Map<ClientEntity, Map<String, String>> allClientConfigs() {
        Map<ClientEntity, Map<String, String>> all = new java.util.HashMap<>(userConfigs.all());
        all.putAll(clientIdConfigs.all());
        return all;
    }

    /**
     * Replaces the configs of a user or client-id entity with what {@code change} makes of the
     * stored ones (it may throw to refuse, and may run more than once); returns them; any broker.
     */
    public Map<String, String> updateClientConfigs(ClientEntity entity,
            java.util.function.UnaryOperator<Map<String, String>> change) throws Exception {
        return session.call(() -> clientStore(entity).update(entity, change));
    }

    private ConfigEntityStore<ClientEntity> clientStore(ClientEntity entity) {
        return entity.user() == null ? clientIdConfigs : userConfigs;
    }

    /** The configs of a group (IncrementalAlterConfigs on a GROUP resource), from memory (empty: none). */
    public Map<String, String> groupConfigs(String groupId) {
        return groupConfigs.configs(groupId);
    }

    /**
     * Replaces a group's configs with what {@code change} makes of the stored ones (it may throw
     * to refuse, and may run more than once); returns them; any broker.
     */
    public Map<String, String> updateGroupConfigs(String groupId,
            java.util.function.UnaryOperator<Map<String, String>> change) throws Exception {
        return session.call(() -> groupConfigs.update(groupId, change));
    }

    /** Each live broker's epoch, from memory: a broker that restarts or gets a new session has a new one. */
    public Map<Integer, Long> brokerEpochs() {
        return cache.brokerEpochs();
    }

    /**
     * This broker is shutting down (controlled shutdown): an ephemeral node tells the controller,
     * which moves this broker's leadership to other in-sync replicas and takes it out of the ISRs.
     */
    public void announceShutdown(int brokerId) throws Exception {
        session.call(() -> {
            try {
                session.client().create().creatingParentsIfNeeded().withMode(org.apache.zookeeper.CreateMode.EPHEMERAL)
                        .forPath(ZkData.shuttingDown(brokerId));
            } catch (org.apache.zookeeper.KeeperException.NodeExistsException e) {
                // announced already
            }
            return null;
        });
    }

    /**
     * ElectLeaders, as the controller: a preferred or unclean election for the given partitions
     * (null: all); empty when this broker is not the controller (NOT_CONTROLLER).
     */
    public Optional<Map<String, Map<Integer, Election>>> electLeaders(boolean preferred,
            Map<String, List<Integer>> partitions) throws Exception {
        return session.call(() -> election.isController() ? Optional.of(elections.elect(preferred, partitions))
                : Optional.empty());
    }

    /** Moves leadership back to preferred replicas where brokers are short of it, if controller (auto.leader.rebalance.enable). */
    public int rebalanceLeaders(int imbalancePercent) throws Exception {
        return session.call(() -> elections.rebalance(imbalancePercent));
    }

    /**
     * AlterPartitionReassignments, as the controller: starts, replaces or (an empty target)
     * cancels each partition's reassignment; empty when this broker is not the controller.
     */
    public Optional<Map<String, Map<Integer, ReassignmentResult>>> reassign(
            Map<String, Map<Integer, Optional<List<Integer>>>> targets, boolean allowReplicationFactorChange)
            throws Exception {
        return session.call(() -> election.isController()
                ? Optional.of(reassignments.alter(targets, allowReplicationFactorChange)) : Optional.empty());
    }

    /** The partitions being reassigned (of those in {@code which}; null: all), from memory; empty unless controller. */
    public Optional<Map<String, List<TopicInfo.PartitionInfo>>> ongoingReassignments(Map<String, List<Integer>> which)
            throws Exception {
        return session.call(() -> election.isController() ? Optional.of(reassignments.ongoing(which)) : Optional.empty());
    }

    /** The brokers shutting down under control, by the cache. */
    public java.util.Set<Integer> shuttingDown() {
        return cache.shuttingDown();
    }

    /** A producer id unique across brokers and restarts (see {@link ProducerIdBlocks}). */
    public long nextProducerId() throws Exception {
        return session.call(producerIds::next);
    }

    @Override
    public void close() {
        liveness.close();
        session.close();
    }
}

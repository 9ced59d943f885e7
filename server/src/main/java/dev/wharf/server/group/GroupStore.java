package dev.wharf.server.group;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.controller.TopicInfo;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.BrokerConfig;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.ReplicaManager;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The groups this broker coordinates and where they are stored: the partitions of
 * {@code __consumer_offsets} it leads, each a {@link GroupLog}, loaded (and its groups rebuilt)
 * the first time a group there is asked for, or at start-up.
 */
public final class GroupStore {
    private static final Logger log = LoggerFactory.getLogger(GroupStore.class);
    public static final String OFFSETS_TOPIC = "__consumer_offsets";

    private final BrokerConfig config;
    private final ZkMetadataStore metadata;
    private final TopicAdmin admin;
    private final ReplicaManager replicas;
    private final LongSupplier clock;
    private final Map<String, ClassicGroup> groups = new ConcurrentHashMap<>();
    private final Map<Integer, GroupLog> logs = new ConcurrentHashMap<>();
    private final Object loading = new Object();
    private volatile Consumer<Collection<ClassicGroup>> loadedListener = loaded -> {};

    public GroupStore(BrokerConfig config, ZkMetadataStore metadata, TopicAdmin admin, ReplicaManager replicas,
            LongSupplier clock) {
        this.config = config;
        this.metadata = metadata;
        this.admin = admin;
        this.replicas = replicas;
        this.clock = clock;
    }

    BrokerConfig config() {
        return config;
    }

    ZkMetadataStore metadata() {
        return metadata;
    }

    TopicAdmin admin() {
        return admin;
    }

    /** Called with the groups of each partition once it is loaded (the coordinator starts their timers). */
    void onLoaded(Consumer<Collection<ClassicGroup>> listener) {
        this.loadedListener = listener;
    }

    /** The group, if this broker knows it (call {@link #logFor} first: it loads the partition). */
    ClassicGroup group(String groupId) {
        return groups.get(groupId);
    }

    ClassicGroup getOrCreate(String groupId) {
        return groups.computeIfAbsent(groupId, id -> new ClassicGroup(id, clock.getAsLong()));
    }

    /** Forgets a group that went Dead. */
    void remove(ClassicGroup group) {
        groups.remove(group.groupId, group);
    }

    Collection<ClassicGroup> all() {
        return groups.values();
    }

    /** The {@code __consumer_offsets} partition a group's records go to (Kafka's mapping). */
    public int partitionFor(String groupId, int partitionCount) {
        return (groupId.hashCode() & 0x7fffffff) % partitionCount;
    }

    /**
     * The broker coordinating {@code groupId}, creating {@code __consumer_offsets} on first use, as
     * Kafka does; empty when its partition has no live leader.
     */
    public Optional<BrokerInfo> coordinatorFor(String groupId) throws Exception {
        TopicInfo topic = offsetsTopic();
        int leader = topic.partitions().get(partitionFor(groupId, topic.partitions().size())).leader();
        return metadata.liveBrokers().stream().filter(b -> b.id() == leader).findFirst();
    }

    private TopicInfo offsetsTopic() throws Exception {
        Optional<TopicInfo> existing = metadata.topic(OFFSETS_TOPIC);
        if (existing.isPresent()) {
            return existing.get();
        }
        int replicas = Math.max(1, Math.min(config.getInt("offsets.topic.replication.factor"),
                metadata.liveBrokers().size()));
        Map<String, String> configs = Map.of("cleanup.policy", "compact",
                "segment.bytes", Integer.toString(config.getInt("offsets.topic.segment.bytes")));
        try {
            TopicInfo created = admin.createTopic(OFFSETS_TOPIC, config.getInt("offsets.topic.num.partitions"),
                    replicas, configs);
            log.info("created {} with {} partitions", OFFSETS_TOPIC, created.partitions().size());
            return created;
        } catch (Exception e) {
            // another broker (or request) created it first
            return metadata.topic(OFFSETS_TOPIC).orElseThrow(() -> e);
        }
    }

    /** Loads every partition of {@code __consumer_offsets} this broker leads (at start-up). */
    public void loadAll() throws IOException {
        Optional<TopicInfo> topic = metadata.topic(OFFSETS_TOPIC);
        if (topic.isEmpty()) {
            return;
        }
        long start = clock.getAsLong();
        for (TopicInfo.PartitionInfo p : topic.get().partitions()) {
            if (p.leader() == config.brokerId()) {
                groupLog(topic.get(), p.partition());
            }
        }
        log.info("loaded {} groups from {} in {} ms", groups.size(), OFFSETS_TOPIC, clock.getAsLong() - start);
    }

    /**
     * The log of the partition holding {@code groupId} if this broker coordinates it, loading its
     * groups the first time; empty otherwise (NOT_COORDINATOR).
     */
    Optional<GroupLog> logFor(String groupId) {
        Optional<TopicInfo> topic = metadata.topic(OFFSETS_TOPIC);
        if (topic.isEmpty()) {
            return Optional.empty();
        }
        return groupLog(topic.get(), partitionFor(groupId, topic.get().partitions().size()));
    }

    private Optional<GroupLog> groupLog(TopicInfo topic, int partition) {
        GroupLog existing = logs.get(partition);
        if (existing != null) {
            return Optional.of(existing);
        }
        Optional<Partition> log = replicas.leaderPartition(topic, partition);
        if (log.isEmpty()) {
            return Optional.empty();
        }
        // one load at a time; the loader takes no group lock, so a timer holding one cannot block it
        synchronized (loading) {
            existing = logs.get(partition);
            if (existing != null) {
                return Optional.of(existing);
            }
            try {
                GroupLog loaded = GroupLog.load(log.get().log(), log.get().leaderEpoch(),
                        config.getInt("offsets.topic.segment.bytes"));
                Map<String, ClassicGroup> restored = restore(loaded.entries());
                groups.putAll(restored);
                logs.put(partition, loaded);
                loadedListener.accept(restored.values());
                return Optional.of(loaded);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("cannot load " + OFFSETS_TOPIC + "-" + partition, e);
            }
        }
    }

    /** Rebuilds a partition's groups (not yet published): offsets, and membership as of the last rebalance. */
    private Map<String, ClassicGroup> restore(List<GroupLog.Entry> entries) {
        long now = clock.getAsLong();
        Map<String, ClassicGroup> restored = new HashMap<>();
        for (GroupLog.Entry e : entries) {
            GroupRecords.Key key = GroupRecords.readKey(e.key());
            ClassicGroup group = restored.computeIfAbsent(key.group(), id -> new ClassicGroup(id, now));
            if (key.kind() == GroupRecords.OFFSET_KEY) {
                group.offsets.put(new TopicPartition(key.topic(), key.partition()), GroupRecords.readOffsetValue(e.value()));
                continue;
            }
            GroupRecords.StoredGroup stored = GroupRecords.readGroupValue(e.value());
            group.protocolType = stored.protocolType().isEmpty() ? null : stored.protocolType();
            group.generation = stored.generation();
            group.protocolName = stored.protocolName();
            group.leaderId = stored.leaderId();
            group.stateTimestampMs = stored.stateTimestamp();
            for (GroupRecords.StoredMember m : stored.members()) {
                GroupMember member = new GroupMember(m.memberId(), m.groupInstanceId(), m.clientId(), m.clientHost(),
                        m.rebalanceTimeoutMs(), m.sessionTimeoutMs(), Map.of(stored.protocolName(), m.subscription()));
                member.assignment = m.assignment();
                group.members.put(m.memberId(), member);
                if (m.groupInstanceId() != null) {
                    group.staticMembers.put(m.groupInstanceId(), m.memberId());
                }
            }
            group.state = group.members.isEmpty() ? GroupState.EMPTY : GroupState.STABLE;
        }
        return restored;
    }

    GroupLog.Entry groupEntry(ClassicGroup group) {
        List<GroupRecords.StoredMember> members = new ArrayList<>();
        for (GroupMember m : group.members.values()) {
            members.add(new GroupRecords.StoredMember(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                    m.rebalanceTimeoutMs, m.sessionTimeoutMs, m.metadata(group.protocolName), m.assignment));
        }
        GroupRecords.StoredGroup stored = new GroupRecords.StoredGroup(
                group.protocolType == null ? "" : group.protocolType, group.generation, group.protocolName,
                group.leaderId, group.stateTimestampMs, members);
        return new GroupLog.Entry(GroupRecords.groupKey(group.groupId), GroupRecords.groupValue(stored));
    }

    /** Stores the group's membership; false (logged) if it could not be written. */
    boolean writeGroup(ClassicGroup group) {
        Optional<GroupLog> groupLog = logFor(group.groupId);
        if (groupLog.isEmpty()) {
            return false;
        }
        try {
            groupLog.get().write(List.of(groupEntry(group)));
            return true;
        } catch (IOException | RuntimeException e) {
            log.error("cannot store group {}", group.groupId, e);
            return false;
        }
    }


    static List<GroupLog.Entry> tombstones(ClassicGroup group, Set<TopicPartition> offsets, boolean groupToo) {
        List<GroupLog.Entry> out = new ArrayList<>();
        for (TopicPartition tp : offsets) {
            out.add(new GroupLog.Entry(GroupRecords.offsetKey(group.groupId, tp.topic(), tp.partition()), null));
        }
        if (groupToo) {
            out.add(new GroupLog.Entry(GroupRecords.groupKey(group.groupId), null));
        }
        return out;
    }
}

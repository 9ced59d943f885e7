package dev.wharf.server.group;

import dev.wharf.controller.TopicInfo;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.ErrorCode;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.wire.message.ConsumerProtocolSubscription;
import dev.wharf.wire.protocol.MessageReader;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets of the coordinated groups: OffsetCommit (checked against the group's members
 * and generation), OffsetFetch, OffsetDelete, retention, and removal with a deleted topic. Each
 * change is written to the group's {@code __consumer_offsets} partition before it is answered.
 */
public final class GroupOffsets {
    private static final Logger log = LoggerFactory.getLogger(GroupOffsets.class);

    /** One partition's offset to commit. */
    public record OffsetToCommit(String topic, int partition, long offset, int leaderEpoch, String metadata) {}

    private final GroupStore store;
    private final ZkMetadataStore cluster;
    private final BrokerConfig config;
    private final LongSupplier clock;

    public GroupOffsets(GroupStore store, LongSupplier clock) {
        this.store = store;
        this.cluster = store.metadata();
        this.config = store.config();
        this.clock = clock;
        store.admin().onTopicDeleted(this::topicDeleted);
    }

    /**
     * OffsetCommit: the group-level error (NONE if the commit may proceed), or per-partition
     * errors in the order given.
     */
    public List<ErrorCode> commitOffsets(String groupId, String memberId, String groupInstanceId, int generation,
            long retentionMs, List<OffsetToCommit> offsets, short version) {
        Optional<GroupLog> groupLog = store.logFor(groupId);
        if (groupLog.isEmpty()) {
            return offsets.stream().map(o -> ErrorCode.NOT_COORDINATOR).toList();
        }
        ClassicGroup group = store.group(groupId);
        if (group == null) {
            if (generation >= 0) {
                ErrorCode e = version >= 9 ? ErrorCode.GROUP_ID_NOT_FOUND : ErrorCode.ILLEGAL_GENERATION;
                return offsets.stream().map(o -> e).toList();
            }
            // a consumer managing its own partitions: the group exists for its offsets alone
            group = store.getOrCreate(groupId);
        }
        synchronized (group) {
            ErrorCode groupError = validateCommit(group, memberId, groupInstanceId, generation);
            if (groupError != ErrorCode.NONE) {
                ErrorCode e = groupError;
                return offsets.stream().map(o -> e).toList();
            }
            long now = clock.getAsLong();
            GroupMember member = group.members.get(memberId);
            if (member != null) {
                member.heartbeatDeadlineMs = now + member.sessionTimeoutMs;
            }
            int maxMetadata = config.getInt("offset.metadata.max.bytes");
            List<ErrorCode> errors = new ArrayList<>();
            List<GroupLog.Entry> entries = new ArrayList<>();
            Map<TopicPartition, CommittedOffset> accepted = new LinkedHashMap<>();
            for (OffsetToCommit o : offsets) {
                String metadata = o.metadata() == null ? "" : o.metadata();
                Optional<TopicInfo> topic = cluster.topic(o.topic());
                if (topic.isEmpty() || o.partition() < 0 || o.partition() >= topic.get().partitions().size()) {
                    errors.add(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
                } else if (metadata.length() > maxMetadata) {
                    errors.add(ErrorCode.OFFSET_METADATA_TOO_LARGE);
                } else {
                    CommittedOffset committed = new CommittedOffset(o.offset(), o.leaderEpoch(), metadata, now,
                            retentionMs >= 0 ? now + retentionMs : -1);
                    accepted.put(new TopicPartition(o.topic(), o.partition()), committed);
                    entries.add(new GroupLog.Entry(GroupRecords.offsetKey(groupId, o.topic(), o.partition()),
                            GroupRecords.offsetValue(committed)));
                    errors.add(ErrorCode.NONE);
                }
            }
            try {
                groupLog.get().write(entries);
            } catch (IOException | RuntimeException e) {
                log.error("cannot store offsets of group {}", groupId, e);
                return errors.stream().map(x -> x == ErrorCode.NONE ? ErrorCode.UNKNOWN_SERVER_ERROR : x).toList();
            }
            group.offsets.putAll(accepted);
            return errors;
        }
    }

    private static ErrorCode validateCommit(ClassicGroup group, String memberId, String groupInstanceId, int generation) {
        if (group.is(GroupState.DEAD)) {
            return ErrorCode.COORDINATOR_NOT_AVAILABLE;
        }
        if (generation < 0 && group.is(GroupState.EMPTY)) {
            return ErrorCode.NONE; // not using the coordinator for membership
        }
        if (generation >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
            ErrorCode e = group.validateMember( memberId, groupInstanceId, generation);
            if (e != ErrorCode.NONE) {
                return e;
            }
        } else {
            // the group has members, and this commit comes from none of them
            return ErrorCode.UNKNOWN_MEMBER_ID;
        }
        if (group.is(GroupState.COMPLETING_REBALANCE)) {
            // the member knows the new generation but not its assignment yet
            return ErrorCode.REBALANCE_IN_PROGRESS;
        }
        return ErrorCode.NONE;
    }

    /**
     * OffsetFetch for one group: the committed offsets of the given partitions (null: every
     * partition with one); empty when this broker does not coordinate the group.
     */
    public Optional<Map<TopicPartition, CommittedOffset>> fetchOffsets(String groupId, List<TopicPartition> requested) {
        if (store.logFor(groupId).isEmpty()) {
            return Optional.empty();
        }
        ClassicGroup group = store.group(groupId);
        Map<TopicPartition, CommittedOffset> out = new LinkedHashMap<>();
        if (group == null) {
            return Optional.of(out);
        }
        synchronized (group) {
            if (requested == null) {
                out.putAll(group.offsets);
            } else {
                for (TopicPartition tp : requested) {
                    CommittedOffset o = group.offsets.get(tp);
                    if (o != null) {
                        out.put(tp, o);
                    }
                }
            }
        }
        return Optional.of(out);
    }

    /** OffsetDelete: a group-level error, or NONE and a per-partition error for each. */
    public Map.Entry<ErrorCode, Map<TopicPartition, ErrorCode>> deleteOffsets(String groupId,
            List<TopicPartition> requested) {
        Optional<GroupLog> groupLog = store.logFor(groupId);
        if (groupLog.isEmpty()) {
            return Map.entry(ErrorCode.NOT_COORDINATOR, Map.of());
        }
        ClassicGroup group = store.group(groupId);
        if (group == null) {
            return Map.entry(ErrorCode.GROUP_ID_NOT_FOUND, Map.of());
        }
        synchronized (group) {
            if (group.is(GroupState.DEAD)) {
                return Map.entry(ErrorCode.GROUP_ID_NOT_FOUND, Map.of());
            }
            Set<String> subscribed;
            if (group.is(GroupState.EMPTY)) {
                subscribed = Set.of();
            } else if ("consumer".equals(group.protocolType)) {
                subscribed = subscribedTopics(group);
            } else {
                return Map.entry(ErrorCode.NON_EMPTY_GROUP, Map.of());
            }
            Map<TopicPartition, ErrorCode> out = new LinkedHashMap<>();
            List<GroupLog.Entry> tombstones = new ArrayList<>();
            for (TopicPartition tp : requested) {
                if (subscribed == null || subscribed.contains(tp.topic())) {
                    out.put(tp, ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC);
                } else {
                    out.put(tp, ErrorCode.NONE);
                    if (group.offsets.containsKey(tp)) {
                        tombstones.add(new GroupLog.Entry(GroupRecords.offsetKey(groupId, tp.topic(), tp.partition()), null));
                    }
                }
            }
            try {
                groupLog.get().write(tombstones);
            } catch (IOException | RuntimeException e) {
                log.error("cannot delete offsets of group {}", groupId, e);
                return Map.entry(ErrorCode.UNKNOWN_SERVER_ERROR, Map.of());
            }
            out.forEach((tp, e) -> {
                if (e == ErrorCode.NONE) {
                    group.offsets.remove(tp);
                }
            });
            return Map.entry(ErrorCode.NONE, out);
        }
    }

    /** The topics the members subscribe to, read from their consumer-protocol metadata; null if unreadable. */
    private static Set<String> subscribedTopics(ClassicGroup group) {
        Set<String> topics = new HashSet<>();
        for (GroupMember m : group.members.values()) {
            byte[] metadata = m.metadata(group.protocolName != null ? group.protocolName
                    : m.protocols.keySet().stream().findFirst().orElse(null));
            try {
                MessageReader reader = new MessageReader(Unpooled.wrappedBuffer(metadata));
                short version = reader.readShort();
                ConsumerProtocolSubscription s = new ConsumerProtocolSubscription(reader,
                        (short) Math.min(version, ConsumerProtocolSubscription.HIGHEST_SUPPORTED_VERSION));
                topics.addAll(s.topics());
            } catch (RuntimeException e) {
                return null;
            }
        }
        return topics;
    }

    /**
     * Removes offsets past their retention, as Kafka does: an empty group's offsets
     * {@code offsets.retention.minutes} after it became empty (or after the commit, for a group
     * that never had members); a stable consumer group's offsets of topics no member subscribes
     * to, counted from the commit; a commit's own expiry time (v2-v4) always. An empty group left
     * with no offsets is deleted. Returns how many offsets expired.
     */
    public int expireOffsets() {
        long now = clock.getAsLong();
        long retentionMs = TimeUnit.MINUTES.toMillis(config.getLong("offsets.retention.minutes"));
        int expired = 0;
        for (ClassicGroup group : store.all()) {
            Optional<GroupLog> groupLog = store.logFor(group.groupId);
            if (groupLog.isEmpty()) {
                continue;
            }
            synchronized (group) {
                if (group.is(GroupState.DEAD)) {
                    continue;
                }
                Set<String> keep;
                boolean fromStateChange;
                if (group.is(GroupState.EMPTY)) {
                    keep = Set.of();
                    fromStateChange = group.protocolType != null;
                } else if ("consumer".equals(group.protocolType) && group.is(GroupState.STABLE)) {
                    keep = subscribedTopics(group);
                    fromStateChange = false;
                } else {
                    continue; // members are moving: nothing expires mid-rebalance
                }
                if (keep == null) {
                    continue; // subscriptions unreadable: keep everything
                }
                Set<TopicPartition> gone = new HashSet<>();
                group.offsets.forEach((tp, o) -> {
                    boolean due = o.expireTimestamp() >= 0 ? now >= o.expireTimestamp()
                            : now - (fromStateChange ? group.stateTimestampMs : o.commitTimestamp()) >= retentionMs;
                    if (due && !keep.contains(tp.topic())) {
                        gone.add(tp);
                    }
                });
                boolean emptyWithoutOffsets = group.is(GroupState.EMPTY) && group.offsets.isEmpty();
                if ((gone.isEmpty() && !emptyWithoutOffsets) || !removeOffsets(group, groupLog.get(), gone, now)) {
                    continue;
                }
                expired += gone.size();
            }
        }
        return expired;
    }

    /**
     * A deleted topic's offsets go from every group, as in Kafka (a topic re-created under the name
     * starts with no committed positions); an empty group left with no offsets goes too.
     */
    void topicDeleted(String topic) {
        for (ClassicGroup group : store.all()) {
            Optional<GroupLog> groupLog = store.logFor(group.groupId);
            if (groupLog.isEmpty()) {
                continue;
            }
            synchronized (group) {
                Set<TopicPartition> gone = new HashSet<>();
                group.offsets.keySet().stream().filter(tp -> tp.topic().equals(topic)).forEach(gone::add);
                if (gone.isEmpty() || group.is(GroupState.DEAD)) {
                    continue;
                }
                removeOffsets(group, groupLog.get(), gone, clock.getAsLong());
            }
        }
    }

    /** Writes tombstones for {@code gone} and forgets them; an empty group left without offsets is deleted. */
    private boolean removeOffsets(ClassicGroup group, GroupLog groupLog, Set<TopicPartition> gone, long now) {
        boolean deleteGroup = group.is(GroupState.EMPTY) && gone.size() == group.offsets.size();
        try {
            groupLog.write(GroupStore.tombstones(group, gone, deleteGroup));
        } catch (IOException | RuntimeException e) {
            log.error("cannot remove offsets of group {}", group.groupId, e);
            return false;
        }
        gone.forEach(group.offsets::remove);
        if (deleteGroup) {
            group.transition(GroupState.DEAD, now);
            store.remove(group);
        }
        return true;
    }
}

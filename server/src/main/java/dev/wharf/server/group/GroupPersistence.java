package dev.wharf.server.group;

import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.PartitionWriter;
import dev.wharf.logstore.TopicPartition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What groups write to {@code __consumer_offsets}, and how a partition's groups and offsets are
 * rebuilt from it at load. Stateless: callers hold the group's monitor while a snapshot is taken.
 */
final class GroupPersistence {
    private GroupPersistence() {}

    /** The group's membership as of now (call holding its monitor). */
    static CoordinatorLog.Entry groupEntry(ClassicGroup group) {
        List<GroupRecords.StoredMember> members = new ArrayList<>();
        for (GroupMember m : group.members.values()) {
            members.add(new GroupRecords.StoredMember(m.memberId, m.groupInstanceId, m.clientId, m.clientHost,
                    m.rebalanceTimeoutMs, m.sessionTimeoutMs, m.metadata(group.protocolName), m.assignment));
        }
        GroupRecords.StoredGroup stored = new GroupRecords.StoredGroup(group.protocolType(), group.generation,
                group.protocolName, group.leaderId, group.stateTimestampMs, members);
        return new CoordinatorLog.Entry(GroupRecords.groupKey(group.groupId), GroupRecords.groupValue(stored));
    }

    static CoordinatorLog.Entry offsetEntry(String groupId, TopicPartition tp, CommittedOffset offset) {
        return new CoordinatorLog.Entry(GroupRecords.offsetKey(groupId, tp.topic(), tp.partition()),
                GroupRecords.offsetValue(offset));
    }

    /** Deletes these offsets of the group, and with {@code groupToo} the group's own records. */
    static List<CoordinatorLog.Entry> tombstones(Group group, Collection<TopicPartition> offsets, boolean groupToo) {
        String groupId = group.groupId();
        List<CoordinatorLog.Entry> out = new ArrayList<>();
        for (TopicPartition tp : offsets) {
            out.add(new CoordinatorLog.Entry(GroupRecords.offsetKey(groupId, tp.topic(), tp.partition()), null));
        }
        if (groupToo) {
            out.addAll(group.tombstones());
        }
        return out;
    }

    /** Offsets a producer committed in a transaction still open when the partition was loaded. */
    static void restorePending(long producerId, List<CoordinatorLog.Entry> entries, OffsetTable offsets) {
        for (CoordinatorLog.Entry e : entries) {
            GroupRecords.Key key = GroupRecords.readKey(e.key());
            if (key.kind() == GroupRecords.OFFSET_KEY && e.value() != null) {
                offsets.putPending(producerId, key.group(), Map.of(new TopicPartition(key.topic(), key.partition()),
                        GroupRecords.readOffsetValue(e.value())));
            }
        }
    }

    /**
     * Rebuilds a partition's groups (not yet published) and fills in their offsets. The live
     * entries come in no particular order, so groups are rebuilt first, each kind from its own
     * records; a group with offsets only then becomes an empty classic group.
     */
    static void restore(List<CoordinatorLog.Entry> entries, long nowMs, Map<String, Group> groups,
            OffsetTable offsets) {
        List<CoordinatorLog.Entry> offsetEntries = new ArrayList<>();
        for (CoordinatorLog.Entry e : entries) {
            GroupRecords.Key key = GroupRecords.readKey(e.key());
            switch (key.kind()) {
                case ShareGroupRecords.GROUP_KEY, ShareGroupRecords.MEMBER_KEY, ShareGroupRecords.STATE_KEY -> ShareGroupRecords.restore(e, nowMs, groups);
                case GroupRecords.OFFSET_KEY -> offsetEntries.add(e);
                case GroupRecords.GROUP_KEY -> restoreClassic(key.group(), GroupRecords.readGroupValue(e.value()), nowMs,
                        groups);
                case ConsumerGroupRecords.GROUP_KIND, ConsumerGroupRecords.MEMBER_KIND, ConsumerGroupRecords.TARGET_KIND,
                        ConsumerGroupRecords.CURRENT_KIND -> ConsumerGroupRecords.restore(key.kind(), e.key(), e.value(),
                        nowMs, groups);
                case StreamsRecords.GROUP_KEY, StreamsRecords.MEMBER_KEY -> StreamsRecords.restore(key, e.value(), nowMs,
                        groups);
                default -> throw new IllegalStateException("unknown record kind " + key.kind());
            }
        }
        groups.values().forEach(g -> {
            if (g instanceof ConsumerGroup cg) {
                ConsumerGroupRecords.finishRestore(cg);
            }
        });
        for (CoordinatorLog.Entry e : offsetEntries) {
            GroupRecords.Key key = GroupRecords.readKey(e.key());
            groups.computeIfAbsent(key.group(), id -> new ClassicGroup(id, nowMs));
            offsets.put(key.group(), new TopicPartition(key.topic(), key.partition()),
                    GroupRecords.readOffsetValue(e.value()));
        }
    }

    /** A classic group as of its last stored rebalance. */
    private static void restoreClassic(String groupId, GroupRecords.StoredGroup stored, long nowMs,
            Map<String, Group> groups) {
        ClassicGroup group = new ClassicGroup(groupId, nowMs);
        groups.put(groupId, group);
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
}

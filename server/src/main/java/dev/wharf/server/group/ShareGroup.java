package dev.wharf.server.group;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.coordinator.CoordinatorLog;
import io.netty.util.Timeout;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A share group (KIP-932): members that heartbeat with the subscriptions they want, each given
 * the partitions it shares with the others, and the durable state of each share-partition the
 * group reads (start offset, in-flight record states), written by the partitions' leaders through
 * {@link ShareCoordinator}. Committed offsets do not exist for share groups.
 *
 * <p>Threads: io threads (heartbeats, state reads and writes), the deadline timer's hand-off to
 * io threads (session expiry), and the writer of its {@code __consumer_offsets} partition. Every
 * field is guarded by the group's own monitor; nothing holding it waits for a log write.
 */
final class ShareGroup extends BrokerAssignedGroup {
    static final String EMPTY = "Empty";
    static final String STABLE = "Stable";

    record TopicIdPartition(UUID topicId, int partition) {}

    /** One member as the coordinator knows it. */
    static final class Member {
        final String memberId;
        String clientId;
        String clientHost;
        String rackId;
        List<String> subscribedTopics = List.of();
        int epoch;
        /** topic id → partitions, as last computed. */
        Map<UUID, List<Integer>> assignment = Map.of();
        Timeout session;

        Member(String memberId) {
            this.memberId = memberId;
        }
    }

    int epoch;
    final Map<String, Member> members = new LinkedHashMap<>();
    final Map<TopicIdPartition, ShareStateRecord> states = new HashMap<>();

    ShareGroup(String groupId, long nowMs) {
        super(groupId, nowMs);
    }

    @Override
    public GroupType type() {
        return GroupType.SHARE;
    }

    @Override
    public String protocolType() {
        return "share";
    }

    @Override
    public String stateName() {
        return dead ? GroupState.DEAD.displayName : members.isEmpty() ? EMPTY : STABLE;
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty();
    }

    @Override
    public boolean hadMembers() {
        return epoch > 0;
    }

    @Override
    public void unload(long nowMs) {
        for (Member m : members.values()) {
            if (m.session != null) {
                m.session.cancel();
            }
        }
        members.clear();
        markDead(nowMs);
    }

    @Override
    public ErrorCode validateOffsetCommit(String memberId, String groupInstanceId, int generation,
            boolean transactional, short apiVersion, long nowMs) {
        // share groups have no committed offsets: Kafka answers a commit for one with GROUP_ID_NOT_FOUND
        return ErrorCode.GROUP_ID_NOT_FOUND;
    }

    @Override
    public boolean shouldExpire() {
        return false; // as Kafka: only DeleteGroups removes a share group and its share-partition states
    }

    @Override
    public List<CoordinatorLog.Entry> tombstones() {
        List<CoordinatorLog.Entry> out = new ArrayList<>();
        out.add(new CoordinatorLog.Entry(ShareGroupRecords.groupKey(groupId), null));
        for (String memberId : members.keySet()) {
            out.add(ShareGroupRecords.memberTombstone(groupId, memberId));
        }
        for (TopicIdPartition tp : states.keySet()) {
            out.add(ShareGroupRecords.stateTombstone(groupId, tp.topicId(), tp.partition()));
        }
        return out;
    }

    @Override
    public Subscriptions subscriptions() {
        if (members.isEmpty()) {
            return new Subscriptions.None();
        }
        Set<String> topics = new HashSet<>();
        members.values().forEach(m -> topics.addAll(m.subscribedTopics));
        return new Subscriptions.Topics(topics, true);
    }

    @Override
    public GroupCoordinator.GroupSummary summary(boolean withMembers) {
        List<GroupCoordinator.MemberSummary> out = new ArrayList<>();
        if (withMembers) {
            for (Member m : members.values()) {
                out.add(new GroupCoordinator.MemberSummary(m.memberId, null, m.clientId, m.clientHost, new byte[0],
                        new byte[0]));
            }
        }
        return new GroupCoordinator.GroupSummary(groupId, type(), stateName(), protocolType(), "", out);
    }
}

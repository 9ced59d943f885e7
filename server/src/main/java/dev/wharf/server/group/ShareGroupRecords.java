package dev.wharf.server.group;

import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.RecordBytes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What share groups write to {@code __consumer_offsets} (kinds 10-19 of {@link GroupRecords}): the
 * group's epoch (kind 10, key: kind, group), each member with its epoch and assignment (kind 11,
 * key: kind, group, member id; written whenever they change, so that after a restart or failover
 * a member carries on with the epoch it knows, as in Kafka) and each share-partition's state (kind
 * 12, key: kind, group, topic id, partition). Values start with a format version:
 *
 * <pre>
 * group:  version:short, epoch:int, stateTimestamp:long
 * member: version:short, epoch:int, clientId:utf, clientHost:utf, hasRack:bool, [rackId:utf],
 *         topicCount:int, topicCount × topic:utf, assignedCount:int, assignedCount × (topicId:2×long, count:int, count × partition:int)
 * state:  version:short, stateEpoch:int, leaderEpoch:int, startOffset:long, count:int, count × (first:long, last:long, state:byte, deliveryCount:short)
 * </pre>
 *
 * Stateless; any thread.
 */
final class ShareGroupRecords {
    static final short GROUP_KEY = 10;
    static final short MEMBER_KEY = 11;
    static final short STATE_KEY = 12;
    private static final short VALUE_VERSION = 1;
    private static final int BATCH_BYTES = 8 + 8 + 1 + 2;

    private ShareGroupRecords() {}

    static boolean isShareKind(short kind) {
        return kind == GROUP_KEY || kind == MEMBER_KEY || kind == STATE_KEY;
    }

    static CoordinatorLog.Entry groupEntry(ShareGroup group) {
        byte[] value = RecordBytes.write(out -> {
            out.writeShort(VALUE_VERSION);
            out.writeInt(group.epoch);
            out.writeLong(group.stateTimestampMs);
        });
        return new CoordinatorLog.Entry(groupKey(group.groupId()), value);
    }

    static byte[] groupKey(String groupId) {
        return RecordBytes.write(out -> {
            out.writeShort(GROUP_KEY);
            out.writeUTF(groupId);
        });
    }

    static byte[] memberKey(String groupId, String memberId) {
        return RecordBytes.write(out -> {
            out.writeShort(MEMBER_KEY);
            out.writeUTF(groupId);
            out.writeUTF(memberId);
        });
    }

    /** The member as of now (call holding the group's monitor). */
    static CoordinatorLog.Entry memberEntry(String groupId, ShareGroup.Member m) {
        byte[] value = RecordBytes.write(out -> {
            out.writeShort(VALUE_VERSION);
            out.writeInt(m.epoch);
            out.writeUTF(m.clientId == null ? "" : m.clientId);
            out.writeUTF(m.clientHost == null ? "" : m.clientHost);
            out.writeBoolean(m.rackId != null);
            if (m.rackId != null) {
                out.writeUTF(m.rackId);
            }
            out.writeInt(m.subscribedTopics.size());
            for (String t : m.subscribedTopics) {
                out.writeUTF(t);
            }
            out.writeInt(m.assignment.size());
            for (Map.Entry<UUID, List<Integer>> a : m.assignment.entrySet()) {
                out.writeLong(a.getKey().getMostSignificantBits());
                out.writeLong(a.getKey().getLeastSignificantBits());
                out.writeInt(a.getValue().size());
                for (int p : a.getValue()) {
                    out.writeInt(p);
                }
            }
        });
        return new CoordinatorLog.Entry(memberKey(groupId, m.memberId), value);
    }

    static CoordinatorLog.Entry memberTombstone(String groupId, String memberId) {
        return new CoordinatorLog.Entry(memberKey(groupId, memberId), null);
    }

    static byte[] stateKey(String groupId, UUID topicId, int partition) {
        return RecordBytes.write(out -> {
            out.writeShort(STATE_KEY);
            out.writeUTF(groupId);
            out.writeLong(topicId.getMostSignificantBits());
            out.writeLong(topicId.getLeastSignificantBits());
            out.writeInt(partition);
        });
    }

    static CoordinatorLog.Entry stateEntry(String groupId, ShareStateRecord s) {
        byte[] value = RecordBytes.write(out -> {
            out.writeShort(VALUE_VERSION);
            out.writeInt(s.stateEpoch());
            out.writeInt(s.leaderEpoch());
            out.writeLong(s.startOffset());
            out.writeInt(s.batches().size());
            for (ShareStateRecord.Batch b : s.batches()) {
                out.writeLong(b.first());
                out.writeLong(b.last());
                out.writeByte(b.state());
                out.writeShort(b.deliveryCount());
            }
        });
        return new CoordinatorLog.Entry(stateKey(groupId, s.topicId(), s.partition()), value);
    }

    static CoordinatorLog.Entry stateTombstone(String groupId, UUID topicId, int partition) {
        return new CoordinatorLog.Entry(stateKey(groupId, topicId, partition), null);
    }

    /** Rebuilds the share group of one record (creating it at its first record) at load. */
    static void restore(CoordinatorLog.Entry e, long nowMs, Map<String, Group> groups) {
        RecordBytes.read(e.key(), "__consumer_offsets", in -> {
            short kind = in.readShort();
            String groupId = in.readUTF();
            Group existing = groups.computeIfAbsent(groupId, id -> new ShareGroup(id, nowMs));
            if (!(existing instanceof ShareGroup group)) {
                throw new IOException("group " + groupId + " has records of two kinds");
            }
            if (kind == GROUP_KEY) {
                RecordBytes.read(e.value(), "__consumer_offsets", v -> {
                    checkVersion(v.readShort());
                    group.epoch = v.readInt();
                    group.stateTimestampMs = v.readLong();
                    return null;
                });
            } else if (kind == MEMBER_KEY) {
                String memberId = in.readUTF();
                if (e.value() == null) {
                    group.members.remove(memberId);
                } else {
                    group.members.put(memberId, readMember(memberId, e.value()));
                }
            } else if (kind == STATE_KEY) {
                UUID topicId = new UUID(in.readLong(), in.readLong());
                int partition = in.readInt();
                group.states.put(new ShareGroup.TopicIdPartition(topicId, partition), readState(topicId, partition, e.value()));
            } else {
                throw new IOException("unknown share record kind " + kind);
            }
            return null;
        });
    }

    /** A stored member; every count is checked against the record's size before anything is allocated. */
    private static ShareGroup.Member readMember(String memberId, byte[] value) {
        return RecordBytes.read(value, "__consumer_offsets", in -> {
            checkVersion(in.readShort());
            ShareGroup.Member m = new ShareGroup.Member(memberId);
            m.epoch = in.readInt();
            m.clientId = in.readUTF();
            m.clientHost = in.readUTF();
            m.rackId = in.readBoolean() ? in.readUTF() : null;
            int topics = checkedCount(in.readInt(), 2, value.length);
            List<String> subscribed = new ArrayList<>(topics);
            for (int i = 0; i < topics; i++) {
                subscribed.add(in.readUTF());
            }
            m.subscribedTopics = List.copyOf(subscribed);
            int assigned = checkedCount(in.readInt(), 20, value.length);
            Map<UUID, List<Integer>> assignment = new LinkedHashMap<>();
            for (int i = 0; i < assigned; i++) {
                UUID topicId = new UUID(in.readLong(), in.readLong());
                int count = checkedCount(in.readInt(), 4, value.length);
                List<Integer> partitions = new ArrayList<>(count);
                for (int j = 0; j < count; j++) {
                    partitions.add(in.readInt());
                }
                assignment.put(topicId, List.copyOf(partitions));
            }
            m.assignment = Map.copyOf(assignment);
            return m;
        });
    }

    private static int checkedCount(int count, int minBytesEach, int recordBytes) throws IOException {
        if (count < 0 || (long) count * minBytesEach > recordBytes) {
            throw new IOException("bad share member count " + count);
        }
        return count;
    }

    private static ShareStateRecord readState(UUID topicId, int partition, byte[] value) {
        return RecordBytes.read(value, "__consumer_offsets", in -> {
            checkVersion(in.readShort());
            int stateEpoch = in.readInt();
            int leaderEpoch = in.readInt();
            long start = in.readLong();
            int count = in.readInt();
            if (count < 0 || (long) count * BATCH_BYTES > value.length) {
                throw new IOException("bad state batch count " + count);
            }
            List<ShareStateRecord.Batch> batches = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                batches.add(new ShareStateRecord.Batch(in.readLong(), in.readLong(), in.readByte(), in.readShort()));
            }
            return new ShareStateRecord(topicId, partition, stateEpoch, leaderEpoch, start, batches);
        });
    }

    private static void checkVersion(short version) throws IOException {
        if (version != VALUE_VERSION) {
            throw new IOException("unknown share record version " + version);
        }
    }
}

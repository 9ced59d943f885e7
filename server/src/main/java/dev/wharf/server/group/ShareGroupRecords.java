package dev.wharf.server.group;

import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.RecordBytes;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What share groups write to {@code __consumer_offsets} (kinds 10-19 of {@link GroupRecords}): the
 * group's epoch (kind 10, key: kind, group) and each share-partition's state (kind 12, key: kind,
 * group, topic id, partition). Members are not stored: after a failover they join again, as their
 * heartbeats get UNKNOWN_MEMBER_ID. Values start with a format version:
 *
 * <pre>
 * group:  version:short, epoch:int, stateTimestamp:long
 * state:  version:short, stateEpoch:int, leaderEpoch:int, startOffset:long, count:int, count × (first:long, last:long, state:byte, deliveryCount:short)
 * </pre>
 *
 * Stateless; any thread.
 */
final class ShareGroupRecords {
    static final short GROUP_KEY = 10;
    static final short STATE_KEY = 12;
    private static final short VALUE_VERSION = 1;
    private static final int BATCH_BYTES = 8 + 8 + 1 + 2;

    private ShareGroupRecords() {}

    static boolean isShareKind(short kind) {
        return kind == GROUP_KEY || kind == STATE_KEY;
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

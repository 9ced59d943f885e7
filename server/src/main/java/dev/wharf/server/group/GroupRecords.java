package dev.wharf.server.group;

import dev.wharf.server.coordinator.RecordBytes;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys and values the coordinator writes to {@code __consumer_offsets}. As in Kafka, a key
 * starts with its kind: an offset commit (group, topic, partition) or a group's metadata (group);
 * a null value (a tombstone) deletes the key. Every value starts with a format version.
 * Stateless; any thread.
 */
final class GroupRecords {
    static final short OFFSET_KEY = 1;
    /** A classic group's metadata. */
    static final short GROUP_KEY = 2;
    // Kinds 3-9 belong to consumer groups (KIP-848), 10-19 to share groups, 20-29 to streams groups;
    // each kind's records are read and written by its own class, keys starting with kind and group id.
    private static final short VALUE_VERSION = 1;

    private GroupRecords() {}

    /** A decoded key: an offset key has a topic and partition, a group key does not. */
    record Key(short kind, String group, String topic, int partition) {}

    /** One member as stored: enough to serve DescribeGroups and keep static members across restarts. */
    record StoredMember(String memberId, String groupInstanceId, String clientId, String clientHost,
            int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription, byte[] assignment) {}

    /** A group's metadata as stored after each completed rebalance. */
    record StoredGroup(String protocolType, int generation, String protocolName, String leaderId,
            long stateTimestamp, List<StoredMember> members) {}

    static byte[] offsetKey(String group, String topic, int partition) {
        return write(out -> {
            out.writeShort(OFFSET_KEY);
            out.writeUTF(group);
            out.writeUTF(topic);
            out.writeInt(partition);
        });
    }

    static byte[] groupKey(String group) {
        return write(out -> {
            out.writeShort(GROUP_KEY);
            out.writeUTF(group);
        });
    }

    static Key readKey(byte[] key) {
        return read(key, in -> {
            short kind = in.readShort();
            String group = in.readUTF();
            if (ShareGroupRecords.isShareKind(kind)) {
                return new Key(kind, group, null, -1); // the rest of the key is ShareGroupRecords' to read
            }
            if (kind == OFFSET_KEY) {
                return new Key(kind, group, in.readUTF(), in.readInt());
            }
            if (kind == GROUP_KEY) {
                return new Key(kind, group, null, -1);
            }
            if (ConsumerGroupRecords.isConsumerKind(kind)) { // the rest of the key is ConsumerGroupRecords'
                return new Key(kind, group, null, -1);
            }
            if (StreamsRecords.owns(kind)) {
                return StreamsRecords.readKeyTail(kind, group, in);
            }
            throw new IOException("unknown key kind " + kind);
        });
    }

    static byte[] offsetValue(CommittedOffset o) {
        return write(out -> {
            out.writeShort(VALUE_VERSION);
            out.writeLong(o.offset());
            out.writeInt(o.leaderEpoch());
            out.writeUTF(o.metadata());
            out.writeLong(o.commitTimestamp());
            out.writeLong(o.expireTimestamp());
        });
    }

    static CommittedOffset readOffsetValue(byte[] value) {
        return read(value, in -> {
            checkVersion(in.readShort());
            return new CommittedOffset(in.readLong(), in.readInt(), in.readUTF(), in.readLong(), in.readLong());
        });
    }

    static byte[] groupValue(StoredGroup g) {
        return write(out -> {
            out.writeShort(VALUE_VERSION);
            out.writeUTF(g.protocolType());
            out.writeInt(g.generation());
            writeNullable(out, g.protocolName());
            writeNullable(out, g.leaderId());
            out.writeLong(g.stateTimestamp());
            out.writeInt(g.members().size());
            for (StoredMember m : g.members()) {
                out.writeUTF(m.memberId());
                writeNullable(out, m.groupInstanceId());
                out.writeUTF(m.clientId());
                out.writeUTF(m.clientHost());
                out.writeInt(m.rebalanceTimeoutMs());
                out.writeInt(m.sessionTimeoutMs());
                writeBytes(out, m.subscription());
                writeBytes(out, m.assignment());
            }
        });
    }

    static StoredGroup readGroupValue(byte[] value) {
        return read(value, in -> {
            checkVersion(in.readShort());
            String protocolType = in.readUTF();
            int generation = in.readInt();
            String protocolName = readNullable(in);
            String leader = readNullable(in);
            long stateTimestamp = in.readLong();
            int count = in.readInt();
            if (count < 0 || count > value.length) {
                throw new IOException("bad member count " + count);
            }
            List<StoredMember> members = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                members.add(new StoredMember(in.readUTF(), readNullable(in), in.readUTF(), in.readUTF(), in.readInt(),
                        in.readInt(), readBytes(in, value.length), readBytes(in, value.length)));
            }
            return new StoredGroup(protocolType, generation, protocolName, leader, stateTimestamp, members);
        });
    }

    private static void checkVersion(short version) throws IOException {
        if (version != VALUE_VERSION) {
            throw new IOException("unknown value version " + version);
        }
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            out.writeUTF(s);
        }
    }

    private static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b.length);
        out.write(b);
    }

    /** Reads a length-prefixed array; the length is checked against the record it came from. */
    private static byte[] readBytes(DataInputStream in, int limit) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > limit) {
            throw new IOException("bad length " + n);
        }
        return in.readNBytes(n);
    }

    private static byte[] write(RecordBytes.Writer w) {
        return RecordBytes.write(w);
    }

    private static <T> T read(byte[] b, RecordBytes.Reader<T> r) {
        return RecordBytes.read(b, "__consumer_offsets", r);
    }
}

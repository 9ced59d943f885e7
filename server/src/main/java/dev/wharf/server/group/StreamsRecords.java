package dev.wharf.server.group;

import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.RecordBytes;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a streams group writes to {@code __consumer_offsets}, in the spirit of Kafka's streams
 * group records, and how a partition's streams groups are rebuilt from it at load.
 *
 * <pre>
 * key 20 (group):          group epoch, target assignment epoch, topology (epoch, subtopologies)
 * key 21 (group, member):  the member's metadata, epochs, state, assigned tasks, tasks pending
 *                          revocation and target tasks
 * </pre>
 * Both keys start with the kind and the group id, as {@link GroupRecords} reads them; a member
 * key then has the member id. Values start with a format version. A null value deletes the key
 * (a member gone, a group deleted). Stateless; callers hold the group's monitor while it is read.
 */
final class StreamsRecords {
    static final short GROUP_KEY = 20;
    static final short MEMBER_KEY = 21;
    private static final short VALUE_VERSION = 1;
    private static final String TOPIC = "__consumer_offsets";

    private StreamsRecords() {}

    static boolean owns(short kind) {
        return kind == GROUP_KEY || kind == MEMBER_KEY;
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

    /** The rest of a key of ours after its kind and group: a member key's member id goes in {@code topic}. */
    static GroupRecords.Key readKeyTail(short kind, String group, DataInputStream in) throws IOException {
        return new GroupRecords.Key(kind, group, kind == MEMBER_KEY ? in.readUTF() : null, -1);
    }

    /** The records for what changed in the group since the last write (call holding its monitor). */
    static List<CoordinatorLog.Entry> changes(StreamsGroup g) {
        List<CoordinatorLog.Entry> out = new ArrayList<>();
        for (String memberId : g.removedMembers) {
            out.add(new CoordinatorLog.Entry(memberKey(g.groupId, memberId), null));
        }
        if (g.groupDirty) {
            out.add(new CoordinatorLog.Entry(groupKey(g.groupId), groupValue(g)));
        }
        for (String memberId : g.dirtyMembers) {
            StreamsMember m = g.members.get(memberId);
            if (m != null) {
                out.add(new CoordinatorLog.Entry(memberKey(g.groupId, memberId),
                        memberValue(m, g.targetAssignment.getOrDefault(memberId, StreamsTasks.EMPTY))));
            }
        }
        g.removedMembers.clear();
        g.dirtyMembers.clear();
        g.groupDirty = false;
        return out;
    }

    /** Rebuilds from one live record of ours; the group is created by whichever of its records comes first. */
    static void restore(GroupRecords.Key key, byte[] value, long nowMs, Map<String, Group> groups) {
        Group existing = groups.computeIfAbsent(key.group(), id -> new StreamsGroup(id, nowMs));
        if (!(existing instanceof StreamsGroup g)) {
            throw new IllegalStateException("group " + key.group() + " has records of two kinds");
        }
        RecordBytes.read(value, TOPIC, in -> {
            checkVersion(in.readShort());
            if (key.kind() == GROUP_KEY) {
                g.groupEpoch = in.readInt();
                g.targetAssignmentEpoch = in.readInt();
                g.topology = in.readBoolean() ? readTopology(in, value.length) : null;
            } else {
                StreamsMember m = readMember(key.topic(), in, value.length);
                g.members.put(m.memberId, m);
                g.targetAssignment.put(m.memberId, readTasks(in, value.length));
            }
            return null;
        });
        g.stateMayHaveChanged(nowMs);
    }

    private static byte[] groupValue(StreamsGroup g) {
        return RecordBytes.write(out -> {
            out.writeShort(VALUE_VERSION);
            out.writeInt(g.groupEpoch);
            out.writeInt(g.targetAssignmentEpoch);
            out.writeBoolean(g.topology != null);
            if (g.topology != null) {
                writeTopology(out, g.topology);
            }
        });
    }

    private static byte[] memberValue(StreamsMember m, StreamsTasks target) {
        return RecordBytes.write(out -> {
            out.writeShort(VALUE_VERSION);
            writeNullable(out, m.instanceId);
            writeNullable(out, m.rackId);
            writeString(out, m.clientId);
            writeString(out, m.clientHost);
            writeNullable(out, m.processId);
            out.writeBoolean(m.userEndpoint != null);
            if (m.userEndpoint != null) {
                writeString(out, m.userEndpoint.host());
                out.writeInt(m.userEndpoint.port());
            }
            writeStrings(out, m.clientTags);
            out.writeInt(m.topologyEpoch);
            out.writeInt(m.rebalanceTimeoutMs);
            out.writeInt(m.memberEpoch);
            out.writeInt(m.previousMemberEpoch);
            out.writeByte(m.state.ordinal());
            writeTasks(out, m.assigned);
            writeTasks(out, m.pendingRevocation);
            writeTasks(out, target);
        });
    }

    private static StreamsMember readMember(String memberId, DataInputStream in, int limit) throws IOException {
        StreamsMember m = new StreamsMember(memberId);
        m.instanceId = readNullable(in, limit);
        m.rackId = readNullable(in, limit);
        m.clientId = readString(in, limit);
        m.clientHost = readString(in, limit);
        m.processId = readNullable(in, limit);
        m.userEndpoint = in.readBoolean() ? new StreamsMember.Endpoint(readString(in, limit), in.readInt()) : null;
        m.clientTags = readStrings(in, limit);
        m.topologyEpoch = in.readInt();
        m.rebalanceTimeoutMs = in.readInt();
        m.memberEpoch = in.readInt();
        m.previousMemberEpoch = in.readInt();
        int state = in.readByte();
        if (state < 0 || state >= StreamsMember.State.values().length) {
            throw new IOException("bad member state " + state);
        }
        m.state = StreamsMember.State.values()[state];
        m.assigned = readTasks(in, limit);
        m.pendingRevocation = readTasks(in, limit);
        return m;
    }

    private static void writeTopology(DataOutputStream out, StreamsTopology t) throws IOException {
        out.writeInt(t.epoch());
        out.writeInt(t.subtopologies().size());
        for (StreamsTopology.Subtopology s : t.subtopologies()) {
            writeString(out, s.id());
            writeList(out, s.sourceTopics());
            writeList(out, s.sourceTopicRegex());
            writeTopicInfos(out, s.changelogTopics());
            writeList(out, s.repartitionSinkTopics());
            writeTopicInfos(out, s.repartitionSourceTopics());
            out.writeInt(s.copartitionGroups().size());
            for (StreamsTopology.CopartitionGroup g : s.copartitionGroups()) {
                writeShorts(out, g.sourceTopics());
                writeShorts(out, g.sourceTopicRegex());
                writeShorts(out, g.repartitionSourceTopics());
            }
        }
    }

    private static StreamsTopology readTopology(DataInputStream in, int limit) throws IOException {
        int epoch = in.readInt();
        int n = count(in, limit);
        List<StreamsTopology.Subtopology> subs = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String id = readString(in, limit);
            List<String> sources = readList(in, limit);
            List<String> regex = readList(in, limit);
            List<StreamsTopology.TopicInfo> changelogs = readTopicInfos(in, limit);
            List<String> sinks = readList(in, limit);
            List<StreamsTopology.TopicInfo> repartition = readTopicInfos(in, limit);
            int groups = count(in, limit);
            List<StreamsTopology.CopartitionGroup> copartition = new ArrayList<>(groups);
            for (int g = 0; g < groups; g++) {
                copartition.add(new StreamsTopology.CopartitionGroup(readShorts(in, limit), readShorts(in, limit),
                        readShorts(in, limit)));
            }
            subs.add(new StreamsTopology.Subtopology(id, sources, regex, changelogs, sinks, repartition, copartition));
        }
        return new StreamsTopology(epoch, subs);
    }

    private static void writeTopicInfos(DataOutputStream out, List<StreamsTopology.TopicInfo> topics) throws IOException {
        out.writeInt(topics.size());
        for (StreamsTopology.TopicInfo t : topics) {
            writeString(out, t.name());
            out.writeInt(t.partitions());
            out.writeShort(t.replicationFactor());
            writeStrings(out, t.configs());
        }
    }

    private static List<StreamsTopology.TopicInfo> readTopicInfos(DataInputStream in, int limit) throws IOException {
        int n = count(in, limit);
        List<StreamsTopology.TopicInfo> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new StreamsTopology.TopicInfo(readString(in, limit), in.readInt(), in.readShort(), readStrings(in, limit)));
        }
        return out;
    }

    private static void writeTasks(DataOutputStream out, StreamsTasks t) throws IOException {
        writeTaskMap(out, t.active());
        writeTaskMap(out, t.standby());
        writeTaskMap(out, t.warmup());
    }

    private static StreamsTasks readTasks(DataInputStream in, int limit) throws IOException {
        return new StreamsTasks(readTaskMap(in, limit), readTaskMap(in, limit), readTaskMap(in, limit));
    }

    private static void writeTaskMap(DataOutputStream out, Map<String, Set<Integer>> tasks) throws IOException {
        out.writeInt(tasks.size());
        for (Map.Entry<String, Set<Integer>> e : tasks.entrySet()) {
            writeString(out, e.getKey());
            out.writeInt(e.getValue().size());
            for (int p : e.getValue()) {
                out.writeInt(p);
            }
        }
    }

    private static Map<String, Set<Integer>> readTaskMap(DataInputStream in, int limit) throws IOException {
        int n = count(in, limit);
        Map<String, Set<Integer>> out = new TreeMap<>();
        for (int i = 0; i < n; i++) {
            String subtopology = readString(in, limit);
            int partitions = count(in, limit);
            Set<Integer> set = new TreeSet<>();
            for (int p = 0; p < partitions; p++) {
                set.add(in.readInt());
            }
            out.put(subtopology, set);
        }
        return out;
    }

    private static void writeList(DataOutputStream out, List<String> list) throws IOException {
        out.writeInt(list.size());
        for (String s : list) {
            writeString(out, s);
        }
    }

    private static List<String> readList(DataInputStream in, int limit) throws IOException {
        int n = count(in, limit);
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(readString(in, limit));
        }
        return out;
    }

    private static void writeShorts(DataOutputStream out, List<Short> list) throws IOException {
        out.writeInt(list.size());
        for (short s : list) {
            out.writeShort(s);
        }
    }

    private static List<Short> readShorts(DataInputStream in, int limit) throws IOException {
        int n = count(in, limit);
        List<Short> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(in.readShort());
        }
        return out;
    }

    private static void writeStrings(DataOutputStream out, Map<String, String> map) throws IOException {
        out.writeInt(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            writeString(out, e.getKey());
            writeString(out, e.getValue());
        }
    }

    private static Map<String, String> readStrings(DataInputStream in, int limit) throws IOException {
        int n = count(in, limit);
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            out.put(readString(in, limit), readString(in, limit));
        }
        return out;
    }

    /** A count read from a record, checked against the record's size before anything is allocated for it. */
    private static int count(DataInputStream in, int limit) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > limit) {
            throw new IOException("bad count " + n);
        }
        return n;
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            writeString(out, s);
        }
    }

    private static String readNullable(DataInputStream in, int limit) throws IOException {
        return in.readBoolean() ? readString(in, limit) : null;
    }

    /** UTF-8 with an int length: unlike writeUTF, no 64 KiB limit on what a client may send. */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in, int limit) throws IOException {
        return new String(in.readNBytes(count(in, limit)), java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void checkVersion(short version) throws IOException {
        if (version != VALUE_VERSION) {
            throw new IOException("unknown value version " + version);
        }
    }
}

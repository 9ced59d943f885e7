package dev.wharf.server.group;

import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.RecordBytes;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a consumer group (KIP-848) keeps in {@code __consumer_offsets}, in the spirit of Kafka's
 * record types, and how a group is rebuilt from them at load:
 *
 * <pre>
 * kind 3  group metadata      key (kind, group)          value: version, group epoch, assignment epoch,
 *                                                         assignor, subscribed topic partition counts
 * kind 4  member metadata     key (kind, group, member)  value: version, instance id, rack, client id and host,
 *                                                         rebalance timeout, topic names, regex, assignor,
 *                                                         classic flag [session timeout, protocols (name, bytes)]
 * kind 5  target assignment   key (kind, group, member)  value: version, partitions by topic
 * kind 6  current assignment  key (kind, group, member)  value: version, member epoch, previous epoch, state,
 *                                                         assigned and revoking partitions by topic
 * </pre>
 *
 * A null value deletes its key (a member leaving, the group deleted). Strings are modified UTF-8
 * ({@link DataOutputStream#writeUTF}); a nullable one is preceded by a presence flag. Stateless; any thread.
 */
final class ConsumerGroupRecords {
    static final short GROUP_KIND = 3;
    static final short MEMBER_KIND = 4;
    static final short TARGET_KIND = 5;
    static final short CURRENT_KIND = 6;
    private static final short VERSION = 0;

    private ConsumerGroupRecords() {}

    static boolean isConsumerKind(short kind) {
        return kind >= GROUP_KIND && kind <= CURRENT_KIND;
    }

    static CoordinatorLog.Entry groupEntry(ConsumerGroup g) {
        return new CoordinatorLog.Entry(groupKey(g.groupId), write(out -> {
            out.writeShort(VERSION);
            out.writeInt(g.groupEpoch);
            out.writeInt(g.assignmentEpoch);
            out.writeUTF(g.assignorName);
            out.writeInt(g.subscribedCounts.size());
            for (Map.Entry<String, Integer> e : new TreeMap<>(g.subscribedCounts).entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue());
            }
        }));
    }

    static CoordinatorLog.Entry groupTombstone(String groupId) {
        return new CoordinatorLog.Entry(groupKey(groupId), null);
    }

    static CoordinatorLog.Entry memberEntry(String groupId, ConsumerMember m) {
        return new CoordinatorLog.Entry(memberKey(MEMBER_KIND, groupId, m.memberId), write(out -> {
            out.writeShort(VERSION);
            writeNullable(out, m.instanceId);
            writeNullable(out, m.rackId);
            out.writeUTF(m.clientId);
            out.writeUTF(m.clientHost);
            out.writeInt(m.rebalanceTimeoutMs);
            out.writeInt(m.subscribedTopicNames.size());
            for (String t : m.subscribedTopicNames) {
                out.writeUTF(t);
            }
            writeNullable(out, m.subscribedTopicRegex);
            writeNullable(out, m.serverAssignor);
            out.writeBoolean(m.classic != null);
            if (m.classic != null) {
                out.writeInt(m.classic.sessionTimeoutMs());
                out.writeInt(m.classic.protocols().size());
                for (Map.Entry<String, byte[]> p : m.classic.protocols().entrySet()) {
                    out.writeUTF(p.getKey());
                    out.writeInt(p.getValue().length);
                    out.write(p.getValue());
                }
            }
        }));
    }

    static CoordinatorLog.Entry targetEntry(String groupId, String memberId, Map<String, Set<Integer>> target) {
        return new CoordinatorLog.Entry(memberKey(TARGET_KIND, groupId, memberId), write(out -> {
            out.writeShort(VERSION);
            writePartitions(out, target);
        }));
    }

    static CoordinatorLog.Entry currentEntry(String groupId, ConsumerMember m) {
        return new CoordinatorLog.Entry(memberKey(CURRENT_KIND, groupId, m.memberId), write(out -> {
            out.writeShort(VERSION);
            out.writeInt(m.memberEpoch);
            out.writeInt(m.previousMemberEpoch);
            out.writeByte(m.state.code);
            writePartitions(out, m.assigned);
            writePartitions(out, m.revoking);
        }));
    }

    static List<CoordinatorLog.Entry> memberTombstones(String groupId, String memberId) {
        return List.of(new CoordinatorLog.Entry(memberKey(MEMBER_KIND, groupId, memberId), null),
                new CoordinatorLog.Entry(memberKey(TARGET_KIND, groupId, memberId), null),
                new CoordinatorLog.Entry(memberKey(CURRENT_KIND, groupId, memberId), null));
    }

    /**
     * Applies one live record of a consumer group to the groups being restored (records come in no
     * particular order: a member's records may precede its group's).
     */
    static void restore(short kind, byte[] key, byte[] value, long nowMs, Map<String, Group> groups) {
        if (value == null) {
            return;
        }
        String[] ids = readKey(key);
        Group existing = groups.get(ids[0]);
        ConsumerGroup g;
        if (existing instanceof ConsumerGroup cg) {
            g = cg;
        } else {
            g = new ConsumerGroup(ids[0], nowMs);
            groups.put(ids[0], g); // a consumer group's records win over a stale classic group's
        }
        read(value, in -> {
            if (in.readShort() != VERSION) {
                throw new IOException("unknown consumer group record version");
            }
            switch (kind) {
                case GROUP_KIND -> {
                    g.groupEpoch = in.readInt();
                    g.assignmentEpoch = in.readInt();
                    g.assignorName = in.readUTF();
                    int n = checkedCount(in.readInt(), value.length);
                    Map<String, Integer> counts = new TreeMap<>();
                    for (int i = 0; i < n; i++) {
                        counts.put(in.readUTF(), in.readInt());
                    }
                    g.subscribedCounts = Map.copyOf(counts);
                }
                case MEMBER_KIND -> {
                    ConsumerMember m = member(g, ids[1]);
                    m.instanceId = readNullable(in);
                    m.rackId = readNullable(in);
                    m.clientId = in.readUTF();
                    m.clientHost = in.readUTF();
                    m.rebalanceTimeoutMs = in.readInt();
                    int n = checkedCount(in.readInt(), value.length);
                    List<String> topics = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        topics.add(in.readUTF());
                    }
                    m.subscribedTopicNames = List.copyOf(topics);
                    m.subscribedTopicRegex = readNullable(in);
                    m.serverAssignor = readNullable(in);
                    if (in.readBoolean()) {
                        int sessionTimeoutMs = in.readInt();
                        int protocols = checkedCount(in.readInt(), value.length);
                        Map<String, byte[]> byName = new java.util.LinkedHashMap<>();
                        for (int i = 0; i < protocols; i++) {
                            String name = in.readUTF();
                            byName.put(name, in.readNBytes(checkedCount(in.readInt(), value.length)));
                        }
                        m.classic = new ConsumerMember.ClassicProtocol(sessionTimeoutMs, byName);
                    }
                    if (m.instanceId != null) {
                        g.staticMembers.put(m.instanceId, m.memberId);
                    }
                }
                case TARGET_KIND -> g.target.put(ids[1], readPartitions(in, value.length));
                case CURRENT_KIND -> {
                    ConsumerMember m = member(g, ids[1]);
                    m.memberEpoch = in.readInt();
                    m.previousMemberEpoch = in.readInt();
                    m.state = ConsumerMember.State.of(in.readByte());
                    m.assigned = readPartitions(in, value.length);
                    m.revoking = readPartitions(in, value.length);
                }
                default -> throw new IOException("not a consumer group record kind: " + kind);
            }
            return null;
        });
    }

    /**
     * Drops what a load left half-built: members whose metadata record is gone (removed, its
     * tombstones compacted unevenly) and targets of members no longer there.
     */
    static void finishRestore(ConsumerGroup g) {
        g.members.values().removeIf(m -> m.clientId == null);
        g.target.keySet().retainAll(g.members.keySet());
        g.staticMembers.values().retainAll(g.members.keySet());
    }

    private static ConsumerMember member(ConsumerGroup g, String memberId) {
        return g.members.computeIfAbsent(memberId, ConsumerMember::new);
    }

    private static byte[] groupKey(String groupId) {
        return write(out -> {
            out.writeShort(GROUP_KIND);
            out.writeUTF(groupId);
        });
    }

    private static byte[] memberKey(short kind, String groupId, String memberId) {
        return write(out -> {
            out.writeShort(kind);
            out.writeUTF(groupId);
            out.writeUTF(memberId);
        });
    }

    /** The group id and, for member records, the member id. */
    private static String[] readKey(byte[] key) {
        return read(key, in -> {
            short kind = in.readShort();
            String group = in.readUTF();
            return kind == GROUP_KIND ? new String[] {group, null} : new String[] {group, in.readUTF()};
        });
    }

    private static void writePartitions(DataOutputStream out, Map<String, Set<Integer>> partitions) throws IOException {
        out.writeInt(partitions.size());
        for (Map.Entry<String, Set<Integer>> e : partitions.entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().size());
            for (int p : e.getValue()) {
                out.writeInt(p);
            }
        }
    }

    private static Map<String, Set<Integer>> readPartitions(DataInputStream in, int limit) throws IOException {
        int topics = checkedCount(in.readInt(), limit);
        Map<String, Set<Integer>> out = new TreeMap<>();
        for (int i = 0; i < topics; i++) {
            String topic = in.readUTF();
            int n = checkedCount(in.readInt(), limit);
            Set<Integer> ps = new TreeSet<>();
            for (int j = 0; j < n; j++) {
                ps.add(in.readInt());
            }
            out.put(topic, ps);
        }
        return TopicPartitions.copy(out);
    }

    /** A count read from a record, checked against the record's size before anything is allocated. */
    private static int checkedCount(int n, int limit) throws IOException {
        if (n < 0 || n > limit) {
            throw new IOException("bad count " + n);
        }
        return n;
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

    private static byte[] write(RecordBytes.Writer w) {
        return RecordBytes.write(w);
    }

    private static <T> T read(byte[] b, RecordBytes.Reader<T> r) {
        return RecordBytes.read(b, "__consumer_offsets", r);
    }
}

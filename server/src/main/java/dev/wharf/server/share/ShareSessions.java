package dev.wharf.server.share;

import dev.wharf.server.ErrorCode;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Share sessions (KIP-932): each share consumer keeps one per broker it fetches from, naming the
 * partitions it fetches there so that later ShareFetches only send what changed. Epoch 0 opens a
 * session (replacing the member's previous one), -1 closes it, any other epoch must be the one
 * expected next (INVALID_SHARE_SESSION_EPOCH), after which the next is expected. At most
 * {@code group.share.max.share.sessions} are kept (SHARE_SESSION_LIMIT_REACHED).
 *
 * <p>Threads: any thread; the map is concurrent and each session is guarded by its own monitor.
 */
final class ShareSessions {
    record Key(String groupId, String memberId) {}

    record TopicIdPartition(UUID topicId, int partition) {}

    static final class Session {
        final Key key;
        int nextEpoch = 1;
        final Set<TopicIdPartition> partitions = new LinkedHashSet<>();

        Session(Key key) {
            this.key = key;
        }
    }

    /** A session looked up for a request, or the error to answer. */
    record Lookup(ErrorCode error, Session session, Session replaced) {}

    private final Map<Key, Session> sessions = new ConcurrentHashMap<>();
    private final int max;

    ShareSessions(int max) {
        this.max = max;
    }

    /**
     * The session a request of {@code epoch} works in: a new one for 0 (with the one it replaces),
     * the existing one otherwise, its epoch checked and moved on.
     */
    Lookup forRequest(String groupId, String memberId, int epoch) {
        Key key = new Key(groupId, memberId);
        if (epoch == 0) {
            Session existing = sessions.get(key);
            if (existing == null && sessions.size() >= max) {
                return new Lookup(ErrorCode.SHARE_SESSION_LIMIT_REACHED, null, null);
            }
            Session fresh = new Session(key);
            Session replaced = sessions.put(key, fresh);
            return new Lookup(ErrorCode.NONE, fresh, replaced);
        }
        Session s = sessions.get(key);
        if (s == null) {
            return new Lookup(ErrorCode.SHARE_SESSION_NOT_FOUND, null, null);
        }
        synchronized (s) {
            if (epoch == -1) {
                sessions.remove(key, s);
                return new Lookup(ErrorCode.NONE, s, null);
            }
            if (epoch != s.nextEpoch) {
                return new Lookup(ErrorCode.INVALID_SHARE_SESSION_EPOCH, null, null);
            }
            s.nextEpoch = epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
            return new Lookup(ErrorCode.NONE, s, null);
        }
    }

    /** The session's partitions after adding {@code added} and dropping {@code forgotten}. */
    List<TopicIdPartition> update(Session s, List<TopicIdPartition> added, List<TopicIdPartition> forgotten) {
        synchronized (s) {
            s.partitions.addAll(added);
            forgotten.forEach(s.partitions::remove);
            return List.copyOf(s.partitions);
        }
    }

    List<TopicIdPartition> partitions(Session s) {
        synchronized (s) {
            return List.copyOf(s.partitions);
        }
    }
}

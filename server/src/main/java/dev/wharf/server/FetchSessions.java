package dev.wharf.server;

import dev.wharf.wire.message.FetchRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Incremental fetch sessions (KIP-227). A consumer's first fetch (epoch 0) creates a session that
 * remembers its partitions; later fetches (epoch 1, 2, ...) name only the partitions whose fetch
 * position changed, and the response carries only partitions with news: records, a moved high
 * watermark or log start, or an error. Epoch -1 fetches without a session. At most
 * {@code maxSessions} are kept; the least recently used one goes first. Thread-safe.
 */
public final class FetchSessions {

    /** A partition a session fetches, with what the last response told the client about it. */
    public static final class Wanted {
        public final String topic;
        public final UUID topicId;
        public final int partition;
        long fetchOffset;
        int maxBytes;
        int currentLeaderEpoch = -1;
        int lastFetchedEpoch = -1;
        long sentHighWatermark = Long.MIN_VALUE;
        long sentLogStartOffset = Long.MIN_VALUE;

        Wanted(String topic, UUID topicId, int partition, long fetchOffset, int maxBytes) {
            this.topic = topic;
            this.topicId = topicId;
            this.partition = partition;
            this.fetchOffset = fetchOffset;
            this.maxBytes = maxBytes;
        }

        public long fetchOffset() {
            return fetchOffset;
        }

        public int maxBytes() {
            return maxBytes;
        }

        /** The leader epoch the client believes current, -1 when it does not say. */
        public int currentLeaderEpoch() {
            return currentLeaderEpoch;
        }

        /** The epoch of the last batch the fetcher has (a follower's divergence check, KIP-320), -1 when it does not say. */
        public int lastFetchedEpoch() {
            return lastFetchedEpoch;
        }

        /** Whether a response must carry this partition: always in full fetches, on news otherwise. */
        public boolean hasNews(long highWatermark, long logStartOffset, boolean hasRecordsOrError) {
            return hasRecordsOrError || highWatermark != sentHighWatermark || logStartOffset != sentLogStartOffset;
        }

        /** Records what the response being sent tells the client. */
        public void sent(long highWatermark, long logStartOffset) {
            sentHighWatermark = highWatermark;
            sentLogStartOffset = logStartOffset;
        }
    }

    private record Key(String topic, UUID topicId, int partition) {}

    private static final class Session {
        final LinkedHashMap<Key, Wanted> partitions = new LinkedHashMap<>();
        int nextEpoch = 1;
    }

    /** What a fetch request asks for once its session is applied. */
    public record Context(int sessionId, boolean incremental, List<Wanted> partitions, short error) {}

    private final int maxSessions;
    private final LinkedHashMap<Integer, Session> sessions = new LinkedHashMap<>(16, 0.75f, true);

    public FetchSessions(int maxSessions) {
        this.maxSessions = maxSessions;
    }

    public synchronized Context resolve(FetchRequest req) {
        List<Wanted> requested = new ArrayList<>();
        for (FetchRequest.FetchTopic t : req.topics()) {
            for (FetchRequest.FetchPartition p : t.partitions()) {
                Wanted w = new Wanted(t.topic(), t.topicId(), p.partition(), p.fetchOffset(), p.partitionMaxBytes());
                w.currentLeaderEpoch = p.currentLeaderEpoch();
                w.lastFetchedEpoch = p.lastFetchedEpoch();
                requested.add(w);
            }
        }
        int id = req.sessionId();
        int epoch = req.sessionEpoch();
        if (epoch == -1 || (id == 0 && epoch != 0)) {
            if (id != 0) {
                sessions.remove(id); // the client closes its session
            }
            return new Context(0, false, requested, ErrorCode.NONE.code);
        }
        if (epoch == 0) {
            if (id != 0) {
                sessions.remove(id);
            }
            return create(requested);
        }
        Session s = sessions.get(id);
        if (s == null) {
            return new Context(id, true, List.of(), ErrorCode.FETCH_SESSION_ID_NOT_FOUND.code);
        }
        if (epoch != s.nextEpoch) {
            return new Context(id, true, List.of(), ErrorCode.INVALID_FETCH_SESSION_EPOCH.code);
        }
        for (Wanted w : requested) {
            Key k = new Key(w.topic, w.topicId, w.partition);
            Wanted known = s.partitions.get(k);
            if (known == null) {
                s.partitions.put(k, w);
            } else {
                known.fetchOffset = w.fetchOffset;
                known.maxBytes = w.maxBytes;
                known.currentLeaderEpoch = w.currentLeaderEpoch;
                known.lastFetchedEpoch = w.lastFetchedEpoch;
            }
        }
        for (FetchRequest.ForgottenTopic f : req.forgottenTopicsData()) {
            for (int p : f.partitions()) {
                s.partitions.remove(new Key(f.topic(), f.topicId(), p));
            }
        }
        s.nextEpoch = epoch == Integer.MAX_VALUE ? 1 : epoch + 1;
        return new Context(id, true, List.copyOf(s.partitions.values()), ErrorCode.NONE.code);
    }

    /**
     * Moves partitions that just returned records in an incremental response to the end of their
     * session's order, so that when a response fills up, the partitions left out go first next time
     * (no starvation). The session starts in the order of the full fetch that created it.
     */
    public synchronized void servedRecords(int sessionId, List<Wanted> served) {
        Session s = sessionId == 0 ? null : sessions.get(sessionId);
        if (s == null) {
            return;
        }
        for (Wanted w : served) {
            Key k = new Key(w.topic, w.topicId, w.partition);
            if (s.partitions.get(k) == w) {
                s.partitions.remove(k);
                s.partitions.put(k, w);
            }
        }
    }

    private Context create(List<Wanted> requested) {
        if (maxSessions <= 0) {
            return new Context(0, false, requested, ErrorCode.NONE.code);
        }
        while (sessions.size() >= maxSessions) {
            Iterator<Integer> eldest = sessions.keySet().iterator();
            eldest.next();
            eldest.remove();
        }
        int id;
        do {
            id = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
        } while (sessions.containsKey(id));
        Session s = new Session();
        for (Wanted w : requested) {
            s.partitions.put(new Key(w.topic, w.topicId, w.partition), w);
        }
        sessions.put(id, s);
        return new Context(id, false, requested, ErrorCode.NONE.code);
    }

    synchronized int size() {
        return sessions.size();
    }
}

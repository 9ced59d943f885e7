package dev.wharf.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.wire.message.FetchRequest;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/** Incremental fetch sessions (KIP-227) without a broker: creation, updates, eviction, epoch checks. */
class FetchSessionsTest {
    private static final String TOPIC = "t";

    /** A fetch of partition {@code p} of {@link #TOPIC} at {@code offset}. */
    private record At(int p, long offset) {}

    private static FetchRequest fetch(int sessionId, int epoch, At... partitions) {
        List<FetchRequest.FetchPartition> ps = new ArrayList<>();
        for (At a : partitions) {
            ps.add(new FetchRequest.FetchPartition().setPartition(a.p()).setFetchOffset(a.offset()).setPartitionMaxBytes(1024));
        }
        return new FetchRequest().setSessionId(sessionId).setSessionEpoch(epoch)
                .setTopics(ps.isEmpty() ? List.of() : List.of(new FetchRequest.FetchTopic().setTopic(TOPIC).setPartitions(ps)));
    }

    private static FetchRequest forgetting(FetchRequest request, Integer... partitions) {
        return request.setForgottenTopicsData(List.of(
                new FetchRequest.ForgottenTopic().setTopic(TOPIC).setPartitions(List.of(partitions))));
    }

    private static List<At> positions(FetchSessions.Context c) {
        return c.partitions().stream().map(w -> new At(w.partition, w.fetchOffset())).toList();
    }

    // A full fetch (epoch 0) opens a session that remembers its partitions and answers them all.
    @Test
    void aFullFetchCreatesASession() {
        FetchSessions sessions = new FetchSessions(10);
        FetchSessions.Context c = sessions.resolve(fetch(0, 0, new At(0, 5), new At(1, 7)));
        assertNotEquals(0, c.sessionId());
        assertFalse(c.incremental());
        assertEquals(Errors.NONE.code(), c.error());
        assertEquals(List.of(new At(0, 5), new At(1, 7)), positions(c));
        assertEquals(1, sessions.size());

        FetchSessions.Context next = sessions.resolve(fetch(c.sessionId(), 1));
        assertTrue(next.incremental());
        assertEquals(List.of(new At(0, 5), new At(1, 7)), positions(next)); // nothing named: everything still wanted
    }

    // An incremental fetch updates the positions it names, adds new partitions and drops forgotten ones.
    @Test
    void incrementalFetchesAddUpdateAndForget() {
        FetchSessions sessions = new FetchSessions(10);
        int id = sessions.resolve(fetch(0, 0, new At(0, 0), new At(1, 0))).sessionId();

        FetchSessions.Context c = sessions.resolve(forgetting(fetch(id, 1, new At(1, 9), new At(2, 3)), 0));
        assertEquals(Errors.NONE.code(), c.error());
        assertEquals(List.of(new At(1, 9), new At(2, 3)), positions(c));

        FetchSessions.Context again = sessions.resolve(fetch(id, 2));
        assertEquals(List.of(new At(1, 9), new At(2, 3)), positions(again));
    }

    // A wrong epoch gets INVALID_FETCH_SESSION_EPOCH and changes nothing; an unknown id gets FETCH_SESSION_ID_NOT_FOUND.
    @Test
    void epochAndIdErrors() {
        FetchSessions sessions = new FetchSessions(10);
        int id = sessions.resolve(fetch(0, 0, new At(0, 0))).sessionId();

        FetchSessions.Context skipped = sessions.resolve(fetch(id, 2, new At(0, 4)));
        assertEquals(Errors.INVALID_FETCH_SESSION_EPOCH.code(), skipped.error());
        assertEquals(List.of(), skipped.partitions());
        FetchSessions.Context unknown = sessions.resolve(fetch(id + 1, 1));
        assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND.code(), unknown.error());

        FetchSessions.Context next = sessions.resolve(fetch(id, 1));
        assertEquals(Errors.NONE.code(), next.error());
        assertEquals(List.of(new At(0, 0)), positions(next)); // the rejected fetch moved nothing
        assertEquals(Errors.INVALID_FETCH_SESSION_EPOCH.code(), sessions.resolve(fetch(id, 1)).error()); // no replays
    }

    // With every slot taken, a new session evicts the least recently used one.
    @Test
    void fullSlotsEvictTheLeastRecentlyUsedSession() {
        FetchSessions sessions = new FetchSessions(2);
        int first = sessions.resolve(fetch(0, 0, new At(0, 0))).sessionId();
        int second = sessions.resolve(fetch(0, 0, new At(1, 0))).sessionId();
        assertEquals(Errors.NONE.code(), sessions.resolve(fetch(first, 1)).error()); // first is now the most recent

        int third = sessions.resolve(fetch(0, 0, new At(2, 0))).sessionId();
        assertEquals(2, sessions.size());
        assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND.code(), sessions.resolve(fetch(second, 1)).error());
        assertEquals(Errors.NONE.code(), sessions.resolve(fetch(first, 2)).error());
        assertEquals(Errors.NONE.code(), sessions.resolve(fetch(third, 1)).error());
    }

    // Epoch -1 fetches without a session and closes the one named; epoch 0 with an id replaces it.
    @Test
    void sessionlessFetchesAndClosing() {
        FetchSessions sessions = new FetchSessions(10);
        FetchSessions.Context sessionless = sessions.resolve(fetch(0, -1, new At(0, 1)));
        assertEquals(List.of(0, false), List.of(sessionless.sessionId(), sessionless.incremental()));
        assertEquals(List.of(new At(0, 1)), positions(sessionless));
        assertEquals(0, sessions.size());

        int id = sessions.resolve(fetch(0, 0, new At(0, 0))).sessionId();
        int replacement = sessions.resolve(fetch(id, 0, new At(1, 0))).sessionId();
        assertEquals(1, sessions.size());
        assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND.code(), sessions.resolve(fetch(id, 1)).error());

        sessions.resolve(fetch(replacement, -1));
        assertEquals(0, sessions.size());
        assertEquals(Errors.FETCH_SESSION_ID_NOT_FOUND.code(), sessions.resolve(fetch(replacement, 1)).error());
    }

    // No slots at all (max.incremental.fetch.session.cache.slots=0): full fetches stay sessionless.
    @Test
    void noSlotsMeansNoSessions() {
        FetchSessions sessions = new FetchSessions(0);
        FetchSessions.Context c = sessions.resolve(fetch(0, 0, new At(0, 0)));
        assertEquals(0, c.sessionId());
        assertEquals(List.of(new At(0, 0)), positions(c));
        assertEquals(0, sessions.size());
    }

    // Partitions that just returned records go last next time, so a full response cannot starve the others.
    @Test
    void servedPartitionsMoveToTheEnd() {
        FetchSessions sessions = new FetchSessions(10);
        FetchSessions.Context c = sessions.resolve(fetch(0, 0, new At(0, 0), new At(1, 0), new At(2, 0)));
        sessions.servedRecords(c.sessionId(), List.of(c.partitions().get(0)));
        assertEquals(List.of(1, 2, 0), sessions.resolve(fetch(c.sessionId(), 1)).partitions().stream()
                .map(w -> w.partition).toList());
    }

    // An incremental response carries a partition only when it has records, an error or moved offsets.
    @Test
    void newsIsWhatChangedSinceTheLastResponse() {
        FetchSessions sessions = new FetchSessions(10);
        FetchSessions.Wanted w = sessions.resolve(fetch(0, 0, new At(0, 0))).partitions().get(0);
        assertTrue(w.hasNews(0, 0, false)); // never sent
        w.sent(10, 0);
        assertFalse(w.hasNews(10, 0, false));
        assertTrue(w.hasNews(10, 0, true));
        assertTrue(w.hasNews(11, 0, false));
        assertTrue(w.hasNews(10, 2, false));
    }
}

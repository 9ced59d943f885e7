package dev.wharf.server.share;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.ErrorCode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The share-partition state machine: acquisition, acknowledgement, locks, delivery counts, persistence. */
class SharePartitionTest {
    private static final int LIMIT = 3;
    private static final long LOCK = 1000;

    private static byte[] one(byte type) {
        return new byte[] {type};
    }

    // Accepting acquired records moves the start offset past them; an unfinished record holds it back.
    @Test
    void acceptingMovesTheStartOffset() {
        SharePartition p = new SharePartition(10);
        assertEquals(List.of(new SharePartition.Acquired(10, 14, 1)), p.acquireNew(10, 14, "a", LOCK));
        assertEquals(ErrorCode.NONE, p.acknowledge("a", 10, 12, one(SharePartition.ACCEPT), 0, LOCK, LIMIT));
        assertEquals(13, p.startOffset());
        assertEquals(15, p.endOffset());
        assertEquals(ErrorCode.NONE, p.acknowledge("a", 14, 14, one(SharePartition.ACCEPT), 0, LOCK, LIMIT));
        assertEquals(13, p.startOffset(), "13 is still acquired");
        assertEquals(ErrorCode.NONE, p.acknowledge("a", 13, 13, one(SharePartition.ACCEPT), 0, LOCK, LIMIT));
        assertEquals(15, p.startOffset());
        assertEquals(0, p.inFlightCount());
    }

    // A released record comes back with its delivery count up; released at the limit it is archived.
    @Test
    void releaseRedeliversUntilTheDeliveryLimit() {
        SharePartition p = new SharePartition(0);
        p.acquireNew(0, 0, "a", LOCK);
        assertEquals(ErrorCode.NONE, p.acknowledge("a", 0, 0, one(SharePartition.RELEASE), 0, LOCK, LIMIT));
        assertTrue(p.hasAvailable());
        assertEquals(List.of(new SharePartition.Acquired(0, 0, 2)), p.acquireAvailable("b", 10, LOCK));
        assertEquals(ErrorCode.INVALID_RECORD_STATE, p.acknowledge("a", 0, 0, one(SharePartition.ACCEPT), 0, LOCK, LIMIT),
                "b holds it now");
        assertEquals(ErrorCode.NONE, p.acknowledge("b", 0, 0, one(SharePartition.RELEASE), 0, LOCK, LIMIT));
        assertEquals(List.of(new SharePartition.Acquired(0, 0, 3)), p.acquireAvailable("a", 10, LOCK));
        assertEquals(ErrorCode.NONE, p.acknowledge("a", 0, 0, one(SharePartition.RELEASE), 0, LOCK, LIMIT));
        assertFalse(p.hasAvailable(), "delivered " + LIMIT + " times: archived");
        assertEquals(1, p.startOffset());
    }

    // Rejected and gap offsets are archived at once; a bad batch changes nothing.
    @Test
    void rejectGapsAndBadBatches() {
        SharePartition p = new SharePartition(0);
        p.acquireNew(0, 3, "a", LOCK);
        assertEquals(ErrorCode.INVALID_REQUEST, p.acknowledge("a", 0, 3, new byte[] {1, 1}, 0, LOCK, LIMIT), "two types, four offsets");
        assertEquals(ErrorCode.INVALID_REQUEST, p.acknowledge("a", 0, 3, one((byte) 9), 0, LOCK, LIMIT));
        assertEquals(ErrorCode.INVALID_RECORD_STATE, p.acknowledge("a", 2, 5, one(SharePartition.ACCEPT), 0, LOCK, LIMIT),
                "4 and 5 were never acquired");
        assertEquals(0, p.startOffset(), "nothing changed");
        assertEquals(ErrorCode.NONE, p.acknowledge("a", 0, 3, new byte[] {SharePartition.REJECT, SharePartition.GAP,
                SharePartition.ACCEPT, SharePartition.RELEASE}, 0, LOCK, LIMIT));
        assertEquals(3, p.startOffset());
        assertEquals(List.of(new SharePartition.Acquired(3, 3, 2)), p.acquireAvailable("a", 10, LOCK));
    }

    // Locks run out at their deadline; RENEW moves a deadline on; a member's release gives back only its own.
    @Test
    void locksExpireAndRenew() {
        SharePartition p = new SharePartition(0);
        p.acquireNew(0, 1, "a", 1000);
        p.acquireNew(2, 2, "b", 1000);
        assertEquals(ErrorCode.NONE, p.acknowledge("a", 1, 1, one(SharePartition.RENEW), 500, LOCK, LIMIT));
        assertEquals(1000, p.nextDeadline());
        assertEquals(2, p.expireLocks(1000, LIMIT), "0 (a) and 2 (b); 1 was renewed to 1500");
        assertEquals(1500, p.nextDeadline());
        assertEquals(1, p.releaseMember("a", LIMIT));
        assertEquals(0, p.releaseMember("a", LIMIT));
        assertFalse(p.hasAcquired());
    }

    // What is persisted rebuilds the same share-partition; records held by a member come back available.
    @Test
    void snapshotRestoresTheStateWithAcquiredRecordsAvailable() {
        SharePartition p = new SharePartition(5);
        p.acquireNew(5, 9, "a", LOCK);
        p.acknowledge("a", 6, 6, one(SharePartition.ACCEPT), 0, LOCK, LIMIT);
        p.acknowledge("a", 8, 8, one(SharePartition.REJECT), 0, LOCK, LIMIT);
        SharePartition.Snapshot s = p.snapshot();
        assertEquals(5, s.startOffset());
        assertEquals(List.of(new SharePartition.StateBatch(5, 5, SharePartition.State.AVAILABLE, 1),
                new SharePartition.StateBatch(6, 6, SharePartition.State.ACKNOWLEDGED, 1),
                new SharePartition.StateBatch(7, 7, SharePartition.State.AVAILABLE, 1),
                new SharePartition.StateBatch(8, 8, SharePartition.State.ARCHIVED, 1),
                new SharePartition.StateBatch(9, 9, SharePartition.State.AVAILABLE, 1)), s.batches());
        SharePartition restored = SharePartition.restore(s);
        assertEquals(5, restored.startOffset());
        assertEquals(10, restored.endOffset());
        assertEquals(List.of(new SharePartition.Acquired(5, 5, 2), new SharePartition.Acquired(7, 7, 2),
                new SharePartition.Acquired(9, 9, 2)), restored.acquireAvailable("b", 10, LOCK));
    }

    // As in Kafka, a snapshot carries the start offset of the one before, with the records done with since as a run;
    // restored, the share-partition starts past them.
    @Test
    void snapshotStartTrailsByOneSnapshot() {
        SharePartition p = new SharePartition(0);
        p.acquireNew(0, 4, "a", LOCK);
        assertEquals(new SharePartition.Snapshot(0, List.of(new SharePartition.StateBatch(0, 4, SharePartition.State.AVAILABLE, 1))),
                p.snapshot());
        p.acknowledge("a", 0, 4, one(SharePartition.ACCEPT), 0, LOCK, LIMIT);
        SharePartition.Snapshot s = p.snapshot();
        assertEquals(new SharePartition.Snapshot(0, List.of(new SharePartition.StateBatch(0, 4, SharePartition.State.ACKNOWLEDGED, 1))), s);
        assertEquals(5, SharePartition.restore(s).startOffset());
        assertEquals(new SharePartition.Snapshot(5, List.of()), p.snapshot(), "the next one starts where the last ack left it");
    }

    // Offsets the log skips (compaction, control batches) are done with, never delivered.
    @Test
    void gapsAndControlBatchesAreSkipped() {
        SharePartition p = new SharePartition(0);
        p.skip(0, 0);
        assertEquals(List.of(new SharePartition.Acquired(3, 4, 1)), p.acquireNew(3, 4, "a", LOCK));
        assertEquals(3, p.startOffset(), "0 a control batch, 1-2 compacted away");
        p.logStartMoved(10);
        assertEquals(10, p.startOffset());
        assertEquals(10, p.endOffset());
    }
}

package dev.wharf.server.replica;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.controller.TopicInfo;
import dev.wharf.logstore.LogConfig;
import dev.wharf.logstore.LogManager;
import dev.wharf.logstore.LogMover;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.ReadResult;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.testing.ProduceBatch;
import dev.wharf.wire.records.RecordBatches;
import io.netty.util.HashedWheelTimer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A leader partition moving its log to another log dir while it takes appends; storage errors it reports. */
class PartitionLogMoveTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final ProduceConfig DEFAULTS = new ProduceConfig(1 << 20, false, Long.MAX_VALUE, 3_600_000);

    @TempDir
    Path dir;

    private LogManager logs;
    private HashedWheelTimer timer;

    @BeforeEach
    void open() throws Exception {
        logs = new LogManager(List.of(dir.resolve("a"), dir.resolve("b")),
                LogConfig.DEFAULTS.with(Map.of("segment.bytes", "4096")), 60_000, System::currentTimeMillis);
        logs.startup();
        timer = new HashedWheelTimer();
    }

    @AfterEach
    void close() throws Exception {
        timer.stop();
        logs.close();
    }

    private Partition leader() {
        Partition p = new Partition(UUID.randomUUID(), logs.getOrCreate(TP), 0, DEFAULTS, PartitionWaiters.on(timer),
                (partition, leaderEpoch, partitionEpoch, isr) -> {});
        p.makeLeader(new TopicInfo.PartitionInfo(0, List.of(0), 0, 3, List.of(0), 0), System.currentTimeMillis());
        return p;
    }

    private static long append(Partition p, String value) throws IOException {
        AppendOutcome outcome = p.appendRecordsAsLeader(ProduceBatch.create().value(value).build(),
                System.currentTimeMillis(), 1);
        return assertInstanceOf(AppendOutcome.Appended.class, outcome).firstOffset();
    }

    // appends racing the copy and the swap all land, once each, in order, in the moved log
    @Test
    void appendsDuringTheMoveAreAllInTheMovedLog() throws Exception {
        Partition p = leader();
        PartitionLog before = p.log();
        Path target = logs.logDirs().stream().filter(d -> !d.equals(LogManager.dirOf(before))).findFirst().orElseThrow();
        for (int i = 0; i < 200; i++) {
            append(p, "before-" + i);
        }
        LogMover mover = new LogMover(logs, before, logs.futureLogs().create(TP, target, before.config()));
        List<Long> offsets = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread producer = new Thread(() -> {
            try {
                for (int i = 0; !stop.get() && i < 5_000; i++) {
                    offsets.add(append(p, "during-" + i));
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        producer.start();
        for (int i = 0; i < 20; i++) {
            mover.step(1024);
        }
        p.replaceLog(current -> mover.finish());
        stop.set(true);
        producer.join(30_000);

        assertNotEquals(before, p.log());
        assertEquals(target, LogManager.dirOf(p.log()));
        assertSame(p.log(), logs.get(TP).orElseThrow());
        assertEquals(p.log().logEndOffset(), p.highWatermark(), "the only replica: committed up to the end");
        for (int i = 1; i < offsets.size(); i++) {
            assertEquals(offsets.get(i - 1) + 1, offsets.get(i), "dense offsets across the swap");
        }
        assertEquals(200 + offsets.size(), countRecords(p));
        assertEquals(3, p.latestLogEpoch());
        assertTrue(Files.exists(target.resolve("orders-0")));
        assertTrue(Files.notExists(LogManager.dirOf(before).resolve("orders-0")));
    }

    // an I/O error on the log is reported with the log, so its dir goes offline, and still thrown
    @Test
    void storageErrorsAreReported() throws Exception {
        Partition p = leader();
        List<PartitionLog> failed = new ArrayList<>();
        p.storageEvents(new StorageEvents() {
            @Override
            public void ioFailed(PartitionLog log, IOException e) {
                failed.add(log);
            }

            @Override
            public void truncated(Partition partition) {}
        });
        append(p, "x");
        Path partitionDir = p.log().dir();
        Files.move(partitionDir, partitionDir.resolveSibling("gone"));
        assertThrows(IOException.class, () -> {
            for (int i = 0; i < 1000; i++) {
                append(p, "y".repeat(100)); // the roll into the renamed dir fails
            }
        });
        assertEquals(List.of(p.log()), failed);
    }

    private static int countRecords(Partition p) throws IOException {
        int n = 0;
        long next = p.logStartOffset();
        while (next < p.logEndOffset()) {
            ReadResult r = p.readForFollower(next, 1 << 20);
            ReadResult.Batches b = assertInstanceOf(ReadResult.Batches.class, r);
            ByteBuffer bytes = ByteBuffer.allocate(b.slice().length());
            try {
                while (bytes.hasRemaining()) {
                    b.slice().channel().read(bytes, b.slice().position() + bytes.position());
                }
            } finally {
                b.slice().release();
            }
            for (var batch : RecordBatches.split(io.netty.buffer.Unpooled.wrappedBuffer(bytes.flip()))) {
                n += batch.recordCount();
                next = batch.nextOffset();
            }
        }
        return n;
    }
}

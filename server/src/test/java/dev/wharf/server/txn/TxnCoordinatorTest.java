package dev.wharf.server.txn;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.logstore.LogConfig;
import dev.wharf.logstore.LogManager;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.CoordinatorTopic;
import dev.wharf.server.group.CoordinatorLogTest;
import dev.wharf.server.replica.Partition;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator over a real {@code __transaction_state} log, without a network: the markers it
 * would send are collected here, and a test says when they are all written. What it checks is what
 * clients cannot easily reach: epochs bumped per transaction (version 2), a producer id exhausted
 * and replaced, transactions completed by a coordinator that loads them, timeouts.
 */
class TxnCoordinatorTest {
    private static final short V2_EXHAUSTED = EndTxnRules.EXHAUSTED_EPOCH;
    private static final TopicPartition DATA = new TopicPartition("data", 1);

    @TempDir
    Path dir;

    private LogManager logs;
    private Partition partition;
    private ExecutorService io;
    private final List<TxnMarkers.Job> markers = new CopyOnWriteArrayList<>();
    private final AtomicLong producerIds = new AtomicLong(1000);
    private final AtomicLong now = new AtomicLong(1_000_000);
    private TxnStore store;
    private TxnCoordinator coordinator;

    @BeforeEach
    void open() throws Exception {
        logs = new LogManager(List.of(dir), LogConfig.DEFAULTS, 60_000, System::currentTimeMillis);
        logs.startup();
        partition = CoordinatorLogTest.partition(logs.getOrCreate(new TopicPartition(TxnStore.TOPIC, 0), LogConfig.DEFAULTS));
        io = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void close() throws Exception {
        io.shutdownNow();
        logs.close();
    }

    /** A coordinator leading the one partition of {@code __transaction_state}, loaded from what the log holds. */
    private void start() {
        CoordinatorTopic topic = new CoordinatorTopic() {
            @Override
            public OptionalInt partitionCount() {
                return OptionalInt.of(1);
            }

            @Override
            public List<Integer> ledPartitions() {
                return List.of(0);
            }

            @Override
            public Optional<Partition> partition(int p) {
                return Optional.of(partition);
            }

            @Override
            public Optional<BrokerInfo> coordinatorFor(String key) {
                return Optional.empty();
            }

            @Override
            public int leaderOf(String key) {
                return 0;
            }
        };
        store = new TxnStore(topic, io, 5_000);
        coordinator = new TxnCoordinator(store, markers::add, producerIds::getAndIncrement, t -> 3, 60_000, now::get);
        store.loadAll();
    }

    /** Writes an id's state as a previous coordinator would have. */
    private void seed(String id, TxnRecords.Stored state) throws Exception {
        CoordinatorLog.load(partition).write(List.of(new CoordinatorLog.Entry(TxnRecords.key(id),
                TxnRecords.value(state))));
    }

    private static TxnRecords.Stored stored(long producerId, long previousId, short epoch, TxnState state, long startMs,
            int timeoutMs) {
        return new TxnRecords.Stored(producerId, previousId, -1, epoch, (short) (epoch - 1), timeoutMs, state,
                state == TxnState.EMPTY ? List.of() : List.of(DATA), startMs, startMs, (short) 2);
    }

    private static <T> T get(CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    /** Says the one collected job's markers are all written; returns it. */
    private TxnMarkers.Job markersWritten() {
        await().atMost(Duration.ofSeconds(10)).until(() -> markers.size() == 1);
        TxnMarkers.Job job = markers.remove(0);
        job.done().run();
        return job;
    }

    private void awaitState(String id, TxnState state) {
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            TxnMetadata txn = store.get(id);
            synchronized (txn) {
                return txn.state == state && txn.pending == null;
            }
        });
    }

    // Each InitProducerId bumps the epoch, fencing the previous producer; a stale resume is fenced.
    @Test
    void initProducerIdBumpsTheEpoch() throws Exception {
        start();
        assertEquals(new TxnCoordinator.InitResult(ErrorCode.NONE, 1000, (short) 0),
                get(coordinator.initProducerId("a", 10_000, -1, (short) -1, true)));
        assertEquals(new TxnCoordinator.InitResult(ErrorCode.NONE, 1000, (short) 1),
                get(coordinator.initProducerId("a", 10_000, -1, (short) -1, true)));
        assertEquals(ErrorCode.PRODUCER_FENCED, get(coordinator.initProducerId("a", 10_000, 1000, (short) 0, true)).error());
        assertEquals(ErrorCode.INVALID_TRANSACTION_TIMEOUT,
                get(coordinator.initProducerId("a", 60_001, -1, (short) -1, true)).error());
    }

    // Version 2: the commit bumps the epoch, the markers carry the new one, the answer returns it, and
    // a retry of the commit (the old epoch) is answered alike.
    @Test
    void aVersion2CommitBumpsTheEpoch() throws Exception {
        start();
        get(coordinator.initProducerId("a", 10_000, -1, (short) -1, true));
        assertEquals(Map.of(DATA, ErrorCode.NONE), get(coordinator.addPartitions("a", 1000, (short) 0, List.of(DATA), true,
                true)));
        assertEquals(new TxnCoordinator.EndResult(ErrorCode.NONE, 1000, (short) 1),
                get(coordinator.endTransaction("a", 1000, (short) 0, true, true, true)));
        TxnMarkers.Job job = markersWritten();
        assertEquals(Set.of(DATA), job.remaining());
        assertEquals(1, job.producerEpoch());
        awaitState("a", TxnState.COMPLETE_COMMIT);
        assertEquals(new TxnCoordinator.EndResult(ErrorCode.NONE, 1000, (short) 1),
                get(coordinator.endTransaction("a", 1000, (short) 0, true, true, true)));
    }

    // The last epoch of a producer id ends a transaction; the id moves to a new producer id at
    // epoch 0, which the EndTxn answer (and its retry) already names.
    @Test
    void anExhaustedEpochMovesToANewProducerId() throws Exception {
        seed("b", stored(500, -1, V2_EXHAUSTED, TxnState.ONGOING, now.get(), 60_000));
        start();
        assertEquals(new TxnCoordinator.EndResult(ErrorCode.NONE, 1000, (short) 0),
                get(coordinator.endTransaction("b", 500, V2_EXHAUSTED, true, true, true)));
        TxnMarkers.Job job = markersWritten();
        assertEquals(500, job.producerId());
        assertEquals(Short.MAX_VALUE, job.producerEpoch());
        awaitState("b", TxnState.COMPLETE_COMMIT);
        TxnMetadata b = store.get("b");
        synchronized (b) {
            assertEquals(1000, b.producerId);
            assertEquals(0, b.producerEpoch);
            assertEquals(500, b.previousProducerId);
        }
        assertEquals(new TxnCoordinator.EndResult(ErrorCode.NONE, 1000, (short) 0),
                get(coordinator.endTransaction("b", 500, V2_EXHAUSTED, true, true, true)));
    }

    // A transaction decided by the coordinator before this one (PrepareCommit written, markers not
    // all acknowledged) is completed by the coordinator that loads it.
    @Test
    void aPreparedTransactionIsCompletedOnLoad() throws Exception {
        seed("c", stored(7, -1, (short) 3, TxnState.PREPARE_COMMIT, now.get(), 60_000));
        start();
        TxnMarkers.Job job = markersWritten();
        assertEquals(true, job.commit());
        assertEquals(7, job.producerId());
        assertEquals(3, job.producerEpoch());
        awaitState("c", TxnState.COMPLETE_COMMIT);
    }

    // Past its timeout an open transaction is aborted in the next epoch: its producer is fenced.
    @Test
    void aTimedOutTransactionIsAbortedAndItsProducerFenced() throws Exception {
        seed("d", stored(8, -1, (short) 2, TxnState.ONGOING, now.get(), 1_000));
        start();
        assertEquals(0, coordinator.abortTimedOut());
        now.addAndGet(1_001);
        assertEquals(1, coordinator.abortTimedOut());
        TxnMarkers.Job job = markersWritten();
        assertEquals(false, job.commit());
        assertEquals(3, job.producerEpoch());
        awaitState("d", TxnState.COMPLETE_ABORT);
        assertEquals(ErrorCode.PRODUCER_FENCED, get(coordinator.endTransaction("d", 8, (short) 2, true, true, false)).error());
    }
}

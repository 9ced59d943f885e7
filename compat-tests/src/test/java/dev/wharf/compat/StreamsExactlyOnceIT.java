package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.compat.streams.WordCountMain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real Kafka Streams 4.4.0 application with {@code exactly_once_v2} ({@link WordCountMain}: a
 * repartition topic, a counting store with its changelog, transactions with TxnOffsetCommit as in
 * KIP-447) is SIGKILLed in the middle of its input and started again. Read with
 * {@code read_committed}, the output must hold, for every word, the counts 1, 2, …, N exactly once
 * each (nothing from the killed run's open transaction, nothing counted twice or lost on restore),
 * and the application's committed input offsets must be the input's end offsets.
 * <p>
 * The kill is aimed into an open transaction that has already written counts (the output's high
 * watermark is past its last stable offset); half a second after the kill, records past the last
 * stable offset of the output or repartition topic show that it did land there, not while the
 * transaction committed. If it did not, the next run is killed the same way (at most three kills).
 * The application runs in its own JVM with {@code -Xmx256m}; each test takes about 30 to 50 s.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.METADATA, ApiKeys.OFFSET_FETCH,
        ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP, ApiKeys.CREATE_TOPICS,
        ApiKeys.INIT_PRODUCER_ID, ApiKeys.STREAMS_GROUP_HEARTBEAT})
class StreamsExactlyOnceIT {
    private static final String[] WORDS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
        "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango"};
    private static final int RECORDS = 3_000;
    /** Of the input and output topics, and so of the repartition and changelog topics. */
    private static final int PARTITIONS = 2;
    /** Slows the application's first step so that the kill lands while input of the first half is left. */
    private static final long PAUSE_MS_PER_RECORD = 4;
    /** Output records read before a kill: proof that the killed run's transactions committed and were read. */
    private static final int SEEN_BEFORE_KILL = 50;
    /** Runs killed at most, until one dies inside a transaction rather than while committing it. */
    private static final int MAX_KILLS = 3;
    private static final Duration RUNNING_WITHIN = Duration.ofSeconds(45);
    private static final Duration KILL_POINT_WITHIN = Duration.ofSeconds(30);
    private static final Duration CAUGHT_UP_WITHIN = Duration.ofMinutes(3);
    /** Polled after the output caught up, so that an extra (duplicate) record is caught too. */
    private static final Duration QUIET_AFTER = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    private RunningBroker broker;
    private String bootstrap;
    private Admin admin;
    private final List<StreamsApp> runs = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        broker = new RunningBroker(dir.resolve("broker"), Map.of(
                "group.initial.rebalance.delay.ms", "0",
                "offsets.topic.num.partitions", "5",
                "transaction.state.log.num.partitions", "5",
                // the wiped run's orphaned transaction is aborted soon after its 10 s timeout (Streams' default for EOS)
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000",
                // an eager cleaner: the counts' changelog (small segments: WordCountMain) is compacted while the runs
                // restore from it
                "log.cleaner.backoff.ms", "200",
                "log.cleaner.min.cleanable.ratio", "0.01"));
        bootstrap = broker.bootstrap();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        admin.createTopics(List.of(new NewTopic(WordCountMain.INPUT, PARTITIONS, (short) 1),
                new NewTopic(WordCountMain.OUTPUT, PARTITIONS, (short) 1))).all().get();
    }

    @AfterEach
    void stop() throws Exception {
        runs.forEach(StreamsApp::close);
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (broker != null) {
            broker.close();
        }
    }

    // SIGKILLed mid-input and restarted on the same state directory (so with the same transactional id, which
    // fences the killed producer and aborts its open transaction): every word counted exactly once.
    @Test
    @Timeout(180)
    void killedAndRestartedOnTheSameStateDirectory() throws Exception {
        killMidwayAndRestart("wordcount-same-dir", false);
    }

    // SIGKILLed mid-input and restarted with its state directory wiped (a new process id, so a new transactional
    // id: the killed transaction is aborted only when it times out, and the counts are restored from the
    // changelog): every word counted exactly once.
    @Test
    @Timeout(180)
    void killedAndRestartedWithAWipedStateDirectory() throws Exception {
        killMidwayAndRestart("wordcount-wiped-dir", true);
    }

    private void killMidwayAndRestart(String applicationId, boolean wipeState) throws Exception {
        List<String> input = inputWords();
        Map<String, Long> expected = new TreeMap<>(input.stream().collect(Collectors.groupingBy(w -> w, Collectors.counting())));
        Path stateDir = dir.resolve("state");
        produce(input, 0, RECORDS / 2);

        Timeline timeline = new Timeline();
        String repartition = applicationId + "-" + WordCountMain.BY_WORD + "-repartition";
        boolean leftOpen = false;
        int kills = 0;
        try (OutputReader progress = new OutputReader(bootstrap)) {
            progress.poll(); // connected and positioned before the application starts
            StreamsApp app = launch("run 1", applicationId, stateDir);
            awaitRunning(app);
            timeline.mark("run 1 RUNNING");
            // Killed inside a transaction that has already written counts, which must never be read. A kill that
            // lands while that transaction commits leaves nothing to abort: then the next run is killed too.
            while (!leftOpen && kills < MAX_KILLS) {
                long before = progress.records();
                await("more output committed by " + app.name() + " and more written in an open transaction",
                        KILL_POINT_WITHIN, app,
                        () -> progress.poll() >= before + SEEN_BEFORE_KILL && uncommitted(WordCountMain.OUTPUT) > 0, progress);
                long seen = progress.records();
                app.kill();
                kills++;
                Thread.sleep(500); // a commit the killed run had already asked for completes meanwhile
                long openRepartitioned = uncommitted(repartition);
                long openCounts = uncommitted(WordCountMain.OUTPUT);
                leftOpen = openRepartitioned + openCounts > 0;
                timeline.mark("killed with " + seen + " counts read; its open transaction had written " + openRepartitioned
                        + " repartitioned records and " + openCounts + " counts");
                if (wipeState) {
                    StreamsApp.deleteTree(stateDir);
                }
                app = launch("run " + (kills + 1), applicationId, stateDir);
                awaitRunning(app);
                timeline.mark(app.name() + " RUNNING");
            }
            produce(input, RECORDS / 2, RECORDS);
            StreamsApp last = app;
            await("output for all " + RECORDS + " input records", CAUGHT_UP_WITHIN, last, () -> {
                progress.poll();
                return progress.reached(expected);
            }, progress);
            timeline.mark("output caught up");
        }

        // a fresh read_committed consumer from the beginning, after a quiet period for any late extra record
        Thread.sleep(QUIET_AFTER.toMillis());
        Map<String, List<Long>> counts;
        try (OutputReader all = new OutputReader(bootstrap)) {
            all.readToEnd(Duration.ofSeconds(30));
            counts = all.counts();
        }
        List<String> wrong = new ArrayList<>();
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            String deviation = deviation(counts.getOrDefault(e.getKey(), List.of()), e.getValue());
            if (deviation != null) {
                wrong.add(e.getKey() + " (" + e.getValue() + " records): " + deviation);
            }
        }
        Set<String> unexpected = counts.keySet().stream().filter(w -> !expected.containsKey(w)).collect(Collectors.toSet());
        if (!unexpected.isEmpty()) {
            wrong.add("words never produced: " + unexpected);
        }
        assertTrue(wrong.isEmpty(), "the output is not exactly once (" + timeline + "):\n  " + String.join("\n  ", wrong)
                + "\n" + outputs());

        // the application's offsets: the whole input consumed and committed, in the transactions
        Map<TopicPartition, Long> ends = endOffsets(WordCountMain.INPUT, PARTITIONS);
        Map<TopicPartition, Long> committed = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                committed.clear();
                committed.putAll(committedOffsets(applicationId, WordCountMain.INPUT));
                return committed.equals(ends);
            });
        } catch (ConditionTimeoutException e) {
            // reported below
        }
        assertEquals(ends, committed, "committed offsets of group " + applicationId + " on " + WordCountMain.INPUT);

        // it did go through a repartition topic and a changelog
        Set<String> topics = admin.listTopics().names().get();
        assertTrue(topics.contains(repartition), topics::toString);
        assertTrue(topics.contains(applicationId + "-" + WordCountMain.COUNTS + "-changelog"), topics::toString);
        // the changelog, one record per count, was compacted down to far fewer records than counts
        String changelog = applicationId + "-" + WordCountMain.COUNTS + "-changelog";
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                .until(() -> recordsIn(changelog) < RECORDS / 2);
        // and the test did what it says: a run died with records of an open transaction on the broker
        assertTrue(leftOpen, "none of the " + kills + " kills left an open transaction behind: " + timeline);
        System.out.println(applicationId + ": " + timeline);
    }

    /** The input's words in order: a fixed pseudo-random choice, skewed so that the words' counts differ. */
    private static List<String> inputWords() {
        Random random = new Random(20_447);
        List<String> words = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            words.add(WORDS[Math.min(random.nextInt(WORDS.length), random.nextInt(WORDS.length))]);
        }
        return words;
    }

    /** Produces {@code words[from, to)} with an idempotent producer, keyed {@code line-<n>}, and waits for every ack. */
    private void produce(List<String> words, int from, int to) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "5",
                // small batches, so that the application's small fetches interleave input and repartitioned records
                ProducerConfig.BATCH_SIZE_CONFIG, "512"), new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (int i = from; i < to; i++) {
                sent.add(producer.send(new ProducerRecord<>(WordCountMain.INPUT, "line-" + i, words.get(i))));
            }
            producer.flush();
            for (Future<RecordMetadata> f : sent) {
                f.get();
            }
        }
    }

    private StreamsApp launch(String name, String applicationId, Path stateDir) throws Exception {
        StreamsApp app = StreamsApp.start(name, bootstrap, applicationId, stateDir, PAUSE_MS_PER_RECORD,
                dir.resolve("tmp-" + runs.size()));
        runs.add(app);
        return app;
    }

    private void awaitRunning(StreamsApp app) {
        try {
            await("the Streams application reaches RUNNING", RUNNING_WITHIN, app, () -> app.runningCount() > 0, null);
        } catch (AssertionError e) {
            if (app.foundTransactionCoordinator()) {
                throw e;
            }
            throw new AssertionError("its transactional producer never found a transaction coordinator "
                    + "(FindCoordinator with key type TRANSACTION): " + e.getMessage(), e.getCause());
        }
    }

    /**
     * Waits for {@code condition}, polled on this thread (consumers are not thread-safe), and fails at once
     * if {@code app} exits; a failure shows what the output held and every run's output.
     */
    private void await(String what, Duration within, StreamsApp app, Callable<Boolean> condition, OutputReader progress) {
        try {
            Awaitility.await(what).atMost(within).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(100))
                    .failFast("the Streams application exited", () -> !app.isAlive())
                    .until(condition);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + (progress == null ? "" : "\noutput so far: " + progress.summary())
                    + "\n" + outputs(), e);
        }
    }

    private String outputs() {
        return runs.stream().map(StreamsApp::output).collect(Collectors.joining("\n"));
    }

    /** Null when {@code counts} is exactly 1..n, else where it first differs. */
    static String deviation(List<Long> counts, long n) {
        for (int i = 0; i < counts.size(); i++) {
            if (counts.get(i) != i + 1) {
                return "count #" + (i + 1) + " is " + counts.get(i) + ": ... "
                        + counts.subList(Math.max(0, i - 3), Math.min(counts.size(), i + 4)) + " ... (" + counts.size()
                        + " counts in all)";
            }
        }
        return counts.size() == n ? null : "counts 1.." + counts.size() + ", not 1.." + n;
    }

    private Map<TopicPartition, Long> endOffsets(String topic, int partitions) throws Exception {
        return endOffsets(topic, partitions, IsolationLevel.READ_UNCOMMITTED);
    }

    /** The high watermarks, or with READ_COMMITTED the last stable offsets. */
    private Map<TopicPartition, Long> endOffsets(String topic, int partitions, IsolationLevel isolation) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        admin.listOffsets(latest, new ListOffsetsOptions(isolation)).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** Records past the last stable offsets of {@code topic}: written in a transaction still open. */
    /** How many records {@code topic} holds, read from its start (read_uncommitted). */
    private long recordsIn(String topic) {
        long[] count = {0};
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                tps.add(new TopicPartition(topic, p));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = c.endOffsets(tps);
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInSameThread().pollInterval(Duration.ofMillis(1)).until(() -> {
                count[0] += c.poll(Duration.ofMillis(100)).count();
                return tps.stream().allMatch(tp -> c.position(tp) >= ends.get(tp));
            });
        }
        return count[0];
    }

    private long uncommitted(String topic) throws Exception {
        long written = endOffsets(topic, PARTITIONS).values().stream().mapToLong(Long::longValue).sum();
        long stable = endOffsets(topic, PARTITIONS, IsolationLevel.READ_COMMITTED).values().stream().mapToLong(Long::longValue).sum();
        return written - stable;
    }

    private Map<TopicPartition, Long> committedOffsets(String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, Long> offsets = new LinkedHashMap<>();
        all.forEach((tp, o) -> {
            if (tp.topic().equals(topic) && o != null) {
                offsets.put(tp, o.offset());
            }
        });
        return offsets;
    }

    /** When each step of a test was reached, in seconds from its start, for the log. */
    private static final class Timeline {
        private final long start = System.nanoTime();
        private final List<String> marks = new ArrayList<>();

        void mark(String what) {
            marks.add(String.format("%.1f s %s", (System.nanoTime() - start) / 1e9, what));
        }

        @Override
        public String toString() {
            return String.join(", ", marks);
        }
    }

    /** A read_committed consumer of the whole output topic from its start, gathering each word's counts in order. */
    static final class OutputReader implements AutoCloseable {
        private final KafkaConsumer<String, Long> consumer;
        private final List<TopicPartition> partitions;
        private final Map<String, List<Long>> counts = new TreeMap<>();
        private long records;

        OutputReader(String bootstrap) {
            this(bootstrap, PARTITIONS);
        }

        OutputReader(String bootstrap, int outputPartitions) {
            partitions = IntStream.range(0, outputPartitions).mapToObj(p -> new TopicPartition(WordCountMain.OUTPUT, p))
                    .toList();
            consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG, IsolationLevel.READ_COMMITTED.toString(),
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"), new StringDeserializer(), new LongDeserializer());
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        }

        long records() {
            return records;
        }

        /** Polls once; returns how many records it has read in all. */
        long poll() {
            for (ConsumerRecord<String, Long> r : consumer.poll(Duration.ofMillis(100))) {
                counts.computeIfAbsent(r.key(), w -> new ArrayList<>()).add(r.value());
                records++;
            }
            return records;
        }

        /** Whether every word's latest count has reached the expected one. */
        boolean reached(Map<String, Long> expected) {
            return expected.entrySet().stream().allMatch(e -> {
                List<Long> c = counts.get(e.getKey());
                return c != null && c.get(c.size() - 1) >= e.getValue();
            });
        }

        /** Reads up to the last stable offsets as they are now. */
        void readToEnd(Duration within) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions); // the LSO for read_committed
            Awaitility.await("output read to " + ends).atMost(within).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(10)).until(() -> {
                        poll();
                        return partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
                    });
        }

        Map<String, List<Long>> counts() {
            return counts;
        }

        /** Per word, the number of counts read and the latest. */
        String summary() {
            return records + " records; " + counts.entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue().size() + "/" + e.getValue().get(e.getValue().size() - 1))
                    .collect(Collectors.joining(", "));
        }

        @Override
        public void close() {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }
}

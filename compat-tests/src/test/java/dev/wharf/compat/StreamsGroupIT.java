package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.compat.streams.WordCountMain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
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
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.StreamsGroupDescription;
import org.apache.kafka.clients.admin.StreamsGroupMemberAssignment;
import org.apache.kafka.clients.admin.StreamsGroupMemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.protocol.ApiKeys;
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
 * Kafka Streams 4.4.0 with {@code group.protocol=streams} (KIP-1071) against Wharf: the
 * exactly-once word count of {@link WordCountMain} runs as one instance, scales out to three and
 * back to one while input flows, and its read_committed output holds every word's counts 1..N
 * exactly once for the N acknowledged input records of that word. On the way: the broker created
 * the repartition and changelog topics with the partition counts Kafka's broker gives them, the
 * three instances each run two active tasks of the broker's assignment and every task has a
 * standby copy on another instance ({@code group.streams.num.standby.replicas=1}), and {@code kafka-streams-groups} lists and
 * describes the group. One broker, one application run (about 60 s).
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.METADATA, ApiKeys.OFFSET_COMMIT,
        ApiKeys.OFFSET_FETCH, ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP,
        ApiKeys.SYNC_GROUP, ApiKeys.LIST_GROUPS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.DESCRIBE_CONFIGS, ApiKeys.DESCRIBE_TOPIC_PARTITIONS, ApiKeys.STREAMS_GROUP_HEARTBEAT,
        ApiKeys.STREAMS_GROUP_DESCRIBE})
class StreamsGroupIT {
    private static final String[] WORDS = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel",
        "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa"};
    private static final String APP = "wordcount-kip1071";
    /** Of the input and output topics: 3 tasks per subtopology, 6 in all, two for each of three instances. */
    private static final int PARTITIONS = 3;
    private static final int RECORDS = 3_000;
    private static final long PAUSE_MS_PER_RECORD = 3;
    private static final Duration RUNNING_WITHIN = Duration.ofSeconds(60);
    private static final Duration CAUGHT_UP_WITHIN = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    private RunningBroker broker;
    private String bootstrap;
    private Admin admin;
    private final List<StreamsApp> apps = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        startBroker();
        admin.createTopics(List.of(new NewTopic(WordCountMain.INPUT, PARTITIONS, (short) 1),
                new NewTopic(WordCountMain.OUTPUT, PARTITIONS, (short) 1))).all().get();
    }

    /** Starts the broker on this test's directory (again, after a restart) and an Admin client for it. */
    private void startBroker() throws Exception {
        broker = new RunningBroker(dir.resolve("broker"), Map.ofEntries(
                Map.entry("offsets.topic.num.partitions", "3"),
                Map.entry("transaction.state.log.num.partitions", "3"),
                // quick heartbeats and a short session: the test's instances come and go within seconds
                Map.entry("group.streams.heartbeat.interval.ms", "500"),
                Map.entry("group.streams.min.heartbeat.interval.ms", "500"),
                Map.entry("group.streams.session.timeout.ms", "10000"),
                Map.entry("group.streams.min.session.timeout.ms", "10000"),
                Map.entry("group.streams.initial.rebalance.delay.ms", "0"),
                // a standby copy of each task on another instance, whenever there is another
                Map.entry("group.streams.num.standby.replicas", "1")));
        bootstrap = broker.bootstrap();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    @AfterEach
    void stop() throws Exception {
        apps.forEach(StreamsApp::close);
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (broker != null) {
            broker.close();
        }
    }

    // One instance, then three, then one again, with input produced at each step: every word counted exactly
    // once (read_committed), the input's offsets committed to its end, the internal topics made by the broker.
    @Test
    @Timeout(240)
    void scalesFromOneToThreeInstancesAndBackWithExactlyOnceOutput() throws Exception {
        List<String> input = inputWords();
        Map<String, Long> expected = new TreeMap<>(input.stream().collect(Collectors.groupingBy(w -> w, Collectors.counting())));
        try (StreamsExactlyOnceIT.OutputReader progress = new StreamsExactlyOnceIT.OutputReader(bootstrap, PARTITIONS)) {
            progress.poll();
            produce(input, 0, RECORDS / 3);
            StreamsApp first = launch("instance 1");
            await("instance 1 RUNNING", RUNNING_WITHIN, () -> first.runningCount() > 0, progress);
            await("output from instance 1", RUNNING_WITHIN, () -> progress.poll() >= 100, progress);

            // the broker created the internal topics as Kafka's does: as many partitions as the subtopologies have tasks
            Map<String, Integer> partitionCounts = partitionCounts(repartitionTopic(), changelogTopic());
            assertEquals(Map.of(repartitionTopic(), PARTITIONS, changelogTopic(), PARTITIONS), partitionCounts);
            Config changelogConfig = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC,
                    changelogTopic()))).all().get().values().iterator().next();
            assertEquals("compact", changelogConfig.get("cleanup.policy").value(), "the changelog's cleanup.policy");

            StreamsApp second = launch("instance 2");
            StreamsApp third = launch("instance 3");
            produce(input, RECORDS / 3, 2 * RECORDS / 3);
            await("three members, each running two active tasks, six standby tasks, the group Stable", RUNNING_WITHIN, () -> {
                progress.poll();
                StreamsGroupDescription group = describe();
                return group.groupState() == GroupState.STABLE && group.members().size() == 3
                        && group.members().stream().allMatch(m -> activeTasks(m) == 2)
                        && group.members().stream().mapToInt(StreamsGroupIT::standbyTasks).sum() == 6;
            }, progress);
            StreamsGroupDescription three = describe();
            // every task active once and standby once, never both on one instance
            Map<String, Integer> active = new TreeMap<>();
            Map<String, Integer> standby = new TreeMap<>();
            for (StreamsGroupMemberDescription m : three.members()) {
                Set<String> mine = tasks(m.assignment().activeTasks());
                mine.forEach(t -> active.merge(t, 1, Integer::sum));
                for (String t : tasks(m.assignment().standbyTasks())) {
                    standby.merge(t, 1, Integer::sum);
                    assertTrue(!mine.contains(t), "task " + t + " both active and standby on " + m.memberId());
                }
            }
            Map<String, Integer> once = new TreeMap<>(); // 2 subtopologies x 3 partitions
            for (String t : List.of("0_0", "0_1", "0_2", "1_0", "1_1", "1_2")) {
                once.put(t, 1);
            }
            assertEquals(once, active, three::toString);
            assertEquals(once, standby, three::toString);

            // kafka-streams-groups lists the group and describes its three members and their tasks
            KafkaTool.Result list = KafkaTool.run("org.apache.kafka.tools.streams.StreamsGroupCommand", null,
                    "--bootstrap-server", bootstrap, "--list");
            assertEquals(0, list.exitCode(), list.output());
            assertTrue(list.output().lines().anyMatch(l -> l.trim().startsWith(APP)), list.output());
            KafkaTool.Result members = KafkaTool.run("org.apache.kafka.tools.streams.StreamsGroupCommand", null,
                    "--bootstrap-server", bootstrap, "--describe", "--group", APP, "--members", "--verbose");
            assertEquals(0, members.exitCode(), members.output());
            for (StreamsGroupMemberDescription m : three.members()) {
                assertTrue(members.output().contains(m.memberId()), members.output());
            }
            KafkaTool.Result state = KafkaTool.run("org.apache.kafka.tools.streams.StreamsGroupCommand", null,
                    "--bootstrap-server", bootstrap, "--describe", "--group", APP, "--state");
            assertEquals(0, state.exitCode(), state.output());
            assertTrue(state.output().contains("Stable"), state.output());
            System.out.println("kafka-streams-groups --list:\n" + list.output() + "\n--describe --members --verbose:\n"
                    + members.output() + "\n--describe --state:\n" + state.output());

            // back to one: the two leave (SIGTERM closes Streams), the first takes all six tasks over
            second.stop();
            third.stop();
            produce(input, 2 * RECORDS / 3, RECORDS);
            await("output for all " + RECORDS + " input records", CAUGHT_UP_WITHIN, () -> {
                progress.poll();
                return progress.reached(expected);
            }, progress);
            await("one member running all six tasks", RUNNING_WITHIN, () -> {
                StreamsGroupDescription group = describe();
                return group.members().size() == 1 && activeTasks(group.members().iterator().next()) == 6;
            }, progress);
        }

        Thread.sleep(2_000); // a late duplicate, if any, reaches the output before it is read whole
        Map<String, List<Long>> counts;
        try (StreamsExactlyOnceIT.OutputReader all = new StreamsExactlyOnceIT.OutputReader(bootstrap, PARTITIONS)) {
            all.readToEnd(Duration.ofSeconds(30));
            counts = all.counts();
        }
        List<String> wrong = new ArrayList<>();
        expected.forEach((word, n) -> {
            String deviation = StreamsExactlyOnceIT.deviation(counts.getOrDefault(word, List.of()), n);
            if (deviation != null) {
                wrong.add(word + " (" + n + " records): " + deviation);
            }
        });
        Set<String> unexpected = counts.keySet().stream().filter(w -> !expected.containsKey(w)).collect(Collectors.toSet());
        if (!unexpected.isEmpty()) {
            wrong.add("words never produced: " + unexpected);
        }
        assertTrue(wrong.isEmpty(), "the output is not exactly once:\n  " + String.join("\n  ", wrong) + "\n" + outputs());

        Map<TopicPartition, Long> ends = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            latest.put(new TopicPartition(WordCountMain.INPUT, p), OffsetSpec.latest());
        }
        admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
        Map<TopicPartition, Long> committed = new TreeMap<>(Comparator.comparing(TopicPartition::toString));
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
                committed.clear();
                Map<TopicPartition, OffsetAndMetadata> all = admin.listConsumerGroupOffsets(APP)
                        .partitionsToOffsetAndMetadata().get();
                all.forEach((tp, o) -> {
                    if (tp.topic().equals(WordCountMain.INPUT) && o != null) {
                        committed.put(tp, o.offset());
                    }
                });
                return committed.equals(ends);
            });
        } catch (ConditionTimeoutException e) {
            // reported below
        }
        assertEquals(ends, committed, "committed offsets of group " + APP + " on " + WordCountMain.INPUT);

        // the group survives a broker restart: read back from __consumer_offsets with its member (SIGKILLed, so it
        // did not leave), epochs, topology epoch and assignment
        StreamsGroupDescription before = describe();
        apps.get(0).kill();
        admin.close(Duration.ofSeconds(5));
        broker.close();
        startBroker();
        StreamsGroupDescription after = describe();
        assertEquals(before.groupEpoch(), after.groupEpoch(), after::toString);
        assertEquals(before.targetAssignmentEpoch(), after.targetAssignmentEpoch(), after::toString);
        assertEquals(before.topologyEpoch(), after.topologyEpoch(), after::toString);
        assertEquals(summary(before), summary(after));
    }

    /** Each member's id, epoch, process and current and target assignments. */
    private static Map<String, String> summary(StreamsGroupDescription group) {
        Map<String, String> out = new TreeMap<>();
        for (StreamsGroupMemberDescription m : group.members()) {
            out.put(m.memberId(), m.memberEpoch() + " " + m.processId() + " " + m.assignment() + " " + m.targetAssignment());
        }
        return out;
    }

    private static String repartitionTopic() {
        return APP + "-" + WordCountMain.BY_WORD + "-repartition";
    }

    private static String changelogTopic() {
        return APP + "-" + WordCountMain.COUNTS + "-changelog";
    }

    private Map<String, Integer> partitionCounts(String... topics) throws Exception {
        Map<String, Integer> out = new TreeMap<>();
        admin.describeTopics(List.of(topics)).allTopicNames().get().forEach((t, d) -> out.put(t, d.partitions().size()));
        return out;
    }

    private StreamsGroupDescription describe() throws Exception {
        return admin.describeStreamsGroups(List.of(APP)).describedGroups().get(APP).get();
    }

    private static int activeTasks(StreamsGroupMemberDescription m) {
        return count(m.assignment().activeTasks());
    }

    private static int standbyTasks(StreamsGroupMemberDescription m) {
        return count(m.assignment().standbyTasks());
    }

    /** Tasks as {@code <subtopology>_<partition>}. */
    private static Set<String> tasks(Collection<StreamsGroupMemberAssignment.TaskIds> tasks) {
        Set<String> out = new java.util.TreeSet<>();
        tasks.forEach(t -> t.partitions().forEach(p -> out.add(t.subtopologyId() + "_" + p)));
        return out;
    }

    private static int count(Collection<StreamsGroupMemberAssignment.TaskIds> tasks) {
        return tasks.stream().mapToInt(t -> t.partitions().size()).sum();
    }

    /** The input's words in order: a fixed pseudo-random choice, skewed so that the words' counts differ. */
    private static List<String> inputWords() {
        Random random = new Random(1_071);
        List<String> words = new ArrayList<>(RECORDS);
        for (int i = 0; i < RECORDS; i++) {
            words.add(WORDS[Math.min(random.nextInt(WORDS.length), random.nextInt(WORDS.length))]);
        }
        return words;
    }

    /** Produces {@code words[from, to)} with an idempotent producer and waits for every acknowledgement. */
    private void produce(List<String> words, int from, int to) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "5",
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

    private StreamsApp launch(String name) throws Exception {
        StreamsApp app = StreamsApp.start(name, bootstrap, APP, dir.resolve("state-" + apps.size()), PAUSE_MS_PER_RECORD,
                dir.resolve("tmp-" + apps.size()), "streams");
        apps.add(app);
        return app;
    }

    /** Waits for {@code condition}, polled on this thread; fails at once if an instance exits on its own. */
    private void await(String what, Duration within, Callable<Boolean> condition,
            StreamsExactlyOnceIT.OutputReader progress) {
        List<StreamsApp> running = apps.stream().filter(StreamsApp::isAlive).toList();
        try {
            Awaitility.await(what).atMost(within).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(200))
                    .failFast("a Streams instance exited", () -> running.stream().anyMatch(a -> !a.isAlive()))
                    .until(condition);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + "\noutput so far: " + progress.summary() + "\n" + outputs(), e);
        }
    }

    private String outputs() {
        return apps.stream().map(StreamsApp::output).collect(Collectors.joining("\n"));
    }
}

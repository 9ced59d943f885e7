package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Fault injection against a three-broker cluster; not part of {@code mvn verify} (its name matches
 * no failsafe pattern), run with {@code -Pchaos} (see compat-tests/pom.xml and the README's "Fault
 * injection"). {@code -Dchaos.rounds=N} sets the rounds, {@code -Dchaos.seed=S} replays a run, and
 * {@code -Dchaos.faults=kill} or {@code =pause} keeps to one kind of fault (default {@code kill,pause}).
 * <p>
 * A topic with 3 partitions, RF=3, min.insync.replicas=2 and no unclean election takes a steady
 * stream from a {@link VerifyingProducer} (acks=all, idempotent) while a consumer group reads and
 * commits. Each round picks a broker (at random, or on purpose the leader of partition 0 or the
 * controller) and either SIGKILLs and restarts it, or SIGSTOPs it for longer than the ZooKeeper
 * session timeout and then SIGCONTs it; then it waits until all brokers are registered again and
 * (bounded, not required) until every partition has its full ISR. Finally a fresh consumer reads
 * every partition from the start to its end offset and the run counts, of the acknowledged values,
 * the lost (not there) and duplicated (there more than once) ones. It fails if either is non-zero.
 * Broker logs stay in {@code compat-tests/target/chaos/broker-N/broker.log}.
 */
class ChaosRun {
    private static final String TOPIC = "chaos";
    private static final int PARTITIONS = 3;
    private static final int SENDS_PER_SECOND = 200;
    private static final Duration REGISTERED_WITHIN = Duration.ofSeconds(60);
    private static final Duration IN_SYNC_WITHIN = Duration.ofSeconds(30);
    private static final Duration READ_BACK_WITHIN = Duration.ofSeconds(120);

    private final Random random = new Random();
    private List<String> faults;

    // Every record the cluster acknowledged survives kills and pauses of any broker, exactly once.
    @Test
    void acknowledgedRecordsSurviveBrokerFaults() throws Exception {
        int rounds = Integer.getInteger("chaos.rounds", 20);
        String seedProperty = System.getProperty("chaos.seed", "");
        long seed = seedProperty.isBlank() ? System.nanoTime() : Long.parseLong(seedProperty.strip());
        random.setSeed(seed);
        faults = List.of(System.getProperty("chaos.faults", "kill,pause").split(","));
        assertTrue(Set.of("kill", "pause").containsAll(faults), "chaos.faults: kill, pause or both, not " + faults);
        Path dir = Path.of(System.getProperty("chaos.dir", "target/chaos")).toAbsolutePath();
        deleteRecursively(dir);
        System.out.printf("chaos: %d rounds, seed %d, broker logs in %s/broker-N/broker.log%n", rounds, seed, dir);

        Counts counts = new Counts();
        long runStarted = System.nanoTime();
        try (Cluster cluster = Cluster.start(dir, 3, Map.of("unclean.leader.election.enable", "false"))) {
            cluster.admin().createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 3).configs(Map.of(
                    "min.insync.replicas", "2", "unclean.leader.election.enable", "false")))).all().get();
            assertTrue(cluster.awaitFullIsr(TOPIC, IN_SYNC_WITHIN), "the new topic never had all replicas in sync");

            VerifyingProducer producer = new VerifyingProducer(cluster.bootstrapServers(), TOPIC, PARTITIONS, SENDS_PER_SECOND);
            GroupReader group = new GroupReader(cluster.bootstrapServers());
            try {
                producer.start();
                group.start();
                Thread.sleep(2000); // traffic before the first fault
                for (int round = 1; round <= rounds; round++) {
                    runRound(cluster, round, rounds, counts);
                    Thread.sleep(500 + random.nextInt(1500)); // steady traffic between faults
                }
            } finally {
                group.close();
                producer.close();
            }
            Map<String, Integer> present = readBack(cluster.bootstrapServers());
            report(seed, rounds, counts, producer, group, present, (System.nanoTime() - runStarted) / 1e9);
        }
    }

    /** What the rounds did, for the summary. */
    private static final class Counts {
        int kills;
        int pauses;
        int sessionsExpired;
        int roundsWithoutFullIsr;
    }

    private void runRound(Cluster cluster, int round, int rounds, Counts counts) throws Exception {
        // every draw happens whatever the cluster looks like, so that a seed replays the same draws
        int pick = random.nextInt(6);
        int id = 1 + random.nextInt(cluster.size());
        String why = "random";
        OptionalInt chosen = pick < 2 ? leaderOfPartition0(cluster) : pick == 2 ? controller(cluster) : OptionalInt.empty();
        if (chosen.isPresent()) {
            id = chosen.getAsInt();
            why = pick < 2 ? "leader of " + TOPIC + "-0" : "controller";
        }
        boolean kill = faults.get(random.nextInt(faults.size())).equals("kill");
        long downMs = random.nextInt(2000);
        long pauseMs = Cluster.SESSION_TIMEOUT_MS + 2000 + random.nextInt(2000);
        BrokerProcess broker = cluster.broker(id);
        long faultStarted = System.nanoTime();
        String fault;
        if (kill) {
            broker.sigkill();
            Thread.sleep(downMs);
            broker.restart();
            counts.kills++;
            fault = String.format("SIGKILL, down %.1f s, restarted in %.1f s", downMs / 1000.0, seconds(faultStarted) - downMs / 1000.0);
        } else {
            broker.pause();
            boolean expired = pausedUntilDropped(cluster, id, pauseMs);
            broker.resume();
            counts.pauses++;
            counts.sessionsExpired += expired ? 1 : 0;
            fault = String.format("SIGSTOP for %.1f s, session expired: %s", pauseMs / 1000.0, expired ? "yes" : "no");
        }
        long backStarted = System.nanoTime();
        cluster.awaitRegistered(REGISTERED_WITHIN);
        double registeredAfter = seconds(backStarted);
        boolean inSync = cluster.awaitFullIsr(TOPIC, IN_SYNC_WITHIN);
        counts.roundsWithoutFullIsr += inSync ? 0 : 1;
        System.out.printf("chaos round %d/%d: broker %d (%s): %s; all registered after %.1f s; full ISR %s%n", round, rounds,
                id, why, fault, registeredAfter, inSync ? String.format("after %.1f s", seconds(backStarted)) : "NOT within " + IN_SYNC_WITHIN);
    }

    private static double seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1e9;
    }

    private static OptionalInt leaderOfPartition0(Cluster cluster) {
        try {
            return cluster.leaderOf(TOPIC, 0);
        } catch (Exception e) {
            return OptionalInt.empty();
        }
    }

    private static OptionalInt controller(Cluster cluster) {
        try {
            return cluster.controllerId();
        } catch (Exception e) {
            return OptionalInt.empty();
        }
    }

    /**
     * Keeps broker {@code id} paused for {@code pauseMs}; whether meanwhile another broker stopped
     * listing it (its ZooKeeper session expired).
     */
    private static boolean pausedUntilDropped(Cluster cluster, int id, long pauseMs) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(pauseMs);
        boolean dropped = false;
        while (System.nanoTime() < end) {
            for (BrokerProcess other : cluster.brokers()) {
                if (other.id() == id) {
                    continue; // a paused broker answers nothing
                }
                try {
                    dropped |= !cluster.registeredBrokersSeenBy(other.id()).contains(id);
                } catch (IOException e) {
                    // not answering (restarting, or the read timed out): ask again next time
                }
            }
            if (dropped) {
                break;
            }
            Thread.sleep(250);
        }
        Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())));
        return dropped;
    }

    /** Every value in the topic, from each partition's start to its end offset, with how often it is there. */
    private static Map<String, Integer> readBack(String bootstrap) {
        List<TopicPartition> partitions = IntStream.range(0, PARTITIONS).mapToObj(p -> new TopicPartition(TOPIC, p)).toList();
        Map<String, Integer> present = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"), new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + READ_BACK_WITHIN.toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("could not read the topic back to " + end + " within " + READ_BACK_WITHIN);
                }
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        present.merge(r.value(), 1, Integer::sum);
                    }
                }
            }
        }
        return present;
    }

    private static void report(long seed, int rounds, Counts counts, VerifyingProducer producer, GroupReader group,
            Map<String, Integer> present, double runSeconds) {
        Set<String> acked = producer.acked();
        List<String> lost = acked.stream().filter(v -> !present.containsKey(v)).sorted(byNumber()).toList();
        List<String> duplicated = present.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey)
                .sorted(byNumber()).toList();
        long unackedPresent = present.keySet().stream().filter(v -> !acked.contains(v)).count();
        System.out.printf("chaos summary: rounds=%d (kills=%d pauses=%d, sessions expired=%d, rounds without full ISR=%d) "
                        + "sent=%d acked=%d failed=%d lost=%d duplicated=%d unavailable=%.1fs present-but-unacked=%d "
                        + "group: consumed=%d commit-failures=%d poll-failures=%d; %.0f s, seed=%d%n",
                rounds, counts.kills, counts.pauses, counts.sessionsExpired, counts.roundsWithoutFullIsr, producer.sent(),
                acked.size(), producer.failed(), lost.size(), duplicated.size(), producer.unavailableSeconds(), unackedPresent,
                group.consumed.get(), group.commitFailures.get(), group.pollFailures.get(), runSeconds, seed);
        if (!lost.isEmpty()) {
            System.out.println("chaos: lost (first 20): " + lost.subList(0, Math.min(20, lost.size())) + " by partition: "
                    + byPartition(lost));
        }
        if (!duplicated.isEmpty()) {
            System.out.println("chaos: duplicated (first 20): " + duplicated.subList(0, Math.min(20, duplicated.size())));
        }
        assertEquals(0, lost.size(), "acknowledged records lost");
        assertEquals(0, duplicated.size(), "records present more than once");
    }

    private static Comparator<String> byNumber() {
        return Comparator.comparingLong(v -> Long.parseLong(v.substring(1)));
    }

    private static Map<Long, Long> byPartition(List<String> values) {
        return values.stream().collect(Collectors.groupingBy(v -> Long.parseLong(v.substring(1)) % PARTITIONS, Collectors.counting()));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * A consumer group member reading the topic throughout and committing after each poll; its
     * counts are reported, not checked (a group may read records again after a failover).
     */
    private static final class GroupReader implements AutoCloseable {
        final AtomicLong consumed = new AtomicLong();
        final AtomicLong commitFailures = new AtomicLong();
        final AtomicLong pollFailures = new AtomicLong();
        private final KafkaConsumer<String, String> consumer;
        private final Thread thread;
        private volatile boolean running = true;

        GroupReader(String bootstrap) {
            consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                    ConsumerConfig.GROUP_ID_CONFIG, "chaos-readers",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                    ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000",
                    ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000",
                    ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000"), new StringDeserializer(), new StringDeserializer());
            thread = new Thread(this::readUntilStopped, "chaos-group");
        }

        void start() {
            thread.start();
        }

        private void readUntilStopped() {
            consumer.subscribe(List.of(TOPIC));
            while (running) {
                int n;
                try {
                    n = consumer.poll(Duration.ofMillis(200)).count();
                } catch (KafkaException e) {
                    pollFailures.incrementAndGet();
                    pauseAfterFailure();
                    continue;
                }
                consumed.addAndGet(n);
                if (n > 0) {
                    consumer.commitAsync((offsets, e) -> {
                        if (e != null) {
                            commitFailures.incrementAndGet();
                        }
                    });
                }
            }
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }

        private static void pauseAfterFailure() {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            running = false;
            try {
                thread.join(TimeUnit.SECONDS.toMillis(30));
                if (thread.isAlive()) {
                    consumer.wakeup();
                    thread.join(TimeUnit.SECONDS.toMillis(10));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}

package dev.wharf.bench.e2e;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A consumer group's rebalance and its commit rate, for one group protocol, in one JVM: each
 * member is a thread with a KafkaConsumer of its own, polling with a 50 ms timeout in a loop
 * (so every member is polling, as a live application is, and sees its assignment within 50 ms of
 * the client having it), and publishing its assignment after each poll.
 * <ol>
 *   <li>{@code members} members subscribe to a topic of {@code partitions} partitions (created
 *       first) and are waited for until settled;</li>
 *   <li>one more member subscribes; {@code settle_ms} is the time from its {@code subscribe()}
 *       until all members together hold every partition exactly once, each member at least one;
 *       that state must then hold, unchanged, for {@value #STABLE_MS} ms (else the clock goes on
 *       to the next such state);</li>
 *   <li>the members leave; a new consumer in a group of its own subscribes, and once it holds the
 *       partitions commits partition 0's offset synchronously in a loop for {@code commitSeconds};
 *       {@code commits_per_s}.</li>
 * </ol>
 * Protocols: {@code classic} with the client's CooperativeStickyAssignor (a client-side assignor:
 * the broker only relays it); {@code consumer} (KIP-848) with the broker's default assignor
 * (uniform on both brokers). Client defaults otherwise: classic heartbeats every 3 s, session 45 s;
 * the consumer protocol's heartbeat interval is the broker's {@code group.consumer.heartbeat.interval.ms}
 * (5 s on both).
 *
 * <p>Runs in its own JVM: {@code GroupMembers <bootstrap> <topic> <protocol> <members> <partitions> <commit seconds> <timeout seconds>}.
 * Prints one line: {@code group-members protocol=P initial_settle_ms=A settle_ms=B commits_per_s=C}.
 */
public final class GroupMembers {
    private static final long STABLE_MS = 1_000;
    private static final Duration POLL = Duration.ofMillis(50);

    private GroupMembers() {
    }

    /** A member's thread: polls until told to stop, then leaves the group. */
    private static final class Member implements Runnable {
        final AtomicReference<Set<TopicPartition>> assignment = new AtomicReference<>(Set.of());
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final String topic;
        private final AtomicBoolean stop;
        volatile long subscribedNanos;

        Member(Properties props, String topic, AtomicBoolean stop) {
            this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
            this.topic = topic;
            this.stop = stop;
        }

        @Override
        public void run() {
            try {
                subscribedNanos = System.nanoTime();
                consumer.subscribe(List.of(topic));
                while (!stop.get()) {
                    consumer.poll(POLL);
                    assignment.set(Set.copyOf(consumer.assignment()));
                }
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
            }
        }
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        String protocol = args[2];
        int members = Integer.parseInt(args[3]);
        int partitions = Integer.parseInt(args[4]);
        int commitSeconds = Integer.parseInt(args[5]);
        Duration timeout = Duration.ofSeconds(Integer.parseInt(args[6]));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(60, TimeUnit.SECONDS);
        }
        AtomicBoolean stop = new AtomicBoolean();
        List<Member> group = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long initialMs;
        long settleMs;
        try {
            String groupId = topic + "-rebalance";
            for (int i = 0; i < members; i++) {
                group.add(new Member(props(bootstrap, groupId, protocol, "member-" + i), topic, stop));
            }
            long start = System.nanoTime();
            group.forEach(m -> threads.add(started(m, "member")));
            initialMs = TimeUnit.NANOSECONDS.toMillis(settledAt(group, partitions, timeout) - start);

            Member joining = new Member(props(bootstrap, groupId, protocol, "member-" + members), topic, stop);
            group.add(joining);
            threads.add(started(joining, "joining"));
            long settled = settledAt(group, partitions, timeout);
            settleMs = TimeUnit.NANOSECONDS.toMillis(settled - joining.subscribedNanos);
        } finally {
            stop.set(true);
            for (Thread thread : threads) {
                thread.join(TimeUnit.SECONDS.toMillis(30));
            }
        }
        double commitsPerSecond = commits(bootstrap, topic, protocol, partitions, commitSeconds, timeout);
        System.out.printf("group-members protocol=%s initial_settle_ms=%d settle_ms=%d commits_per_s=%.1f%n", protocol, initialMs, settleMs,
                commitsPerSecond);
    }

    /**
     * Waits until the members' assignments cover every partition exactly once, each member holding
     * at least one, and stay so for {@value #STABLE_MS} ms; returns when that state began.
     */
    private static long settledAt(List<Member> group, int partitions, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Set<TopicPartition>> since = null;
        long sinceNanos = 0;
        while (System.nanoTime() < deadline) {
            long now = System.nanoTime();
            List<Set<TopicPartition>> current = new ArrayList<>();
            for (Member m : group) {
                if (m.failure.get() != null) {
                    throw new IllegalStateException("a member failed", m.failure.get());
                }
                current.add(m.assignment.get());
            }
            if (!covers(current, partitions)) {
                since = null;
            } else if (!current.equals(since)) {
                since = current;
                sinceNanos = now;
            } else if (now - sinceNanos >= TimeUnit.MILLISECONDS.toNanos(STABLE_MS)) {
                return sinceNanos;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException("the group of " + group.size() + " did not settle within " + timeout + "; assignments: "
                + group.stream().map(m -> m.assignment.get().size()).toList());
    }

    private static Thread started(Member member, String name) {
        Thread thread = new Thread(member, name);
        thread.start();
        return thread;
    }

    private static boolean covers(List<Set<TopicPartition>> assignments, int partitions) {
        Set<TopicPartition> seen = new HashSet<>();
        for (Set<TopicPartition> a : assignments) {
            if (a.isEmpty()) {
                return false;
            }
            for (TopicPartition tp : a) {
                if (!seen.add(tp)) {
                    return false;
                }
            }
        }
        return seen.size() == partitions;
    }

    /** Synchronous commits per second by the only member of a group of its own. */
    private static double commits(String bootstrap, String topic, String protocol, int partitions, int seconds, Duration timeout) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(props(bootstrap, topic + "-commits", protocol, "committer"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            long settle = System.nanoTime() + timeout.toNanos();
            while (c.assignment().size() < partitions) {
                if (System.nanoTime() > settle) {
                    throw new IllegalStateException("the committer was not assigned its " + partitions + " partitions within " + timeout);
                }
                c.poll(POLL);
            }
            TopicPartition tp = new TopicPartition(topic, 0);
            long n = 0;
            long start = System.nanoTime();
            long end = start + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < end) {
                c.commitSync(Map.of(tp, new OffsetAndMetadata(n, "bench")), Duration.ofSeconds(30));
                n++;
            }
            return n / ((System.nanoTime() - start) / 1e9);
        }
    }

    private static Properties props(String bootstrap, String group, String protocol, String clientId) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        if (protocol.equals("classic")) {
            p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        }
        return p;
    }
}

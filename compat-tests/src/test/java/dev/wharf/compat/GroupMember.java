package dev.wharf.compat;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One group member (classic protocol unless {@code group.protocol=consumer} is given) driven from the test thread: each {@link #pollAndCommit()}
 * polls once, hands every record to the ledger and commits exactly what it processed, and the
 * rebalance listener commits before partitions are revoked, so a clean hand-over duplicates nothing.
 * Not thread-safe: one test thread drives all members in turn.
 */
final class GroupMember implements AutoCloseable {
    static final Duration POLL = Duration.ofMillis(100);

    final String name;
    final KafkaConsumer<String, String> consumer;
    private final RecordLedger ledger;
    private final Set<TopicPartition> owned = new HashSet<>();
    /** Each listener call in order: "assigned [..]", "revoked [..]" or "lost [..]". */
    final List<String> events = new ArrayList<>();
    final List<Set<TopicPartition>> revocations = new ArrayList<>();
    /** Commits that failed inside the rebalance listener; a correct broker leaves this empty. */
    final List<Exception> listenerCommitFailures = new ArrayList<>();
    /** Offsets processed but not yet committed (a commit refused during a cooperative rebalance). */
    private final Map<TopicPartition, OffsetAndMetadata> pending = new HashMap<>();
    int deferredCommits;
    /**
     * When set, a failed commit (the broker is down, the member was fenced meanwhile) does not throw: the keys
     * processed since the last successful commit go to {@link #mayRepeat}, the records another delivery may
     * legitimately repeat, and the offsets are committed again after the next poll.
     */
    boolean tolerateCommitFailures;
    final Set<String> mayRepeat = new HashSet<>();
    final List<Exception> commitFailures = new ArrayList<>();
    private final List<String> unconfirmed = new ArrayList<>();

    private GroupMember(String name, Map<String, Object> config, RecordLedger ledger) {
        this.name = name;
        this.ledger = ledger;
        this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    }

    /** The consumer settings every group test uses; {@code extra} overrides them. */
    static Map<String, Object> config(String bootstrap, String groupId, String clientId, Map<String, Object> extra) {
        Map<String, Object> c = new HashMap<>();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        c.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
        c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "500");
        c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "20000");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "20");
        c.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "15000");
        c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "20000");
        c.putAll(extra);
        if ("consumer".equals(c.get(ConsumerConfig.GROUP_PROTOCOL_CONFIG))) {
            // KIP-848: the broker sets the session and heartbeat interval; the client refuses these
            c.remove(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG);
            c.remove(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG);
        }
        return c;
    }

    static GroupMember create(String name, String bootstrap, String groupId, RecordLedger ledger, Map<String, Object> extra) {
        return new GroupMember(name, config(bootstrap, groupId, name, extra), ledger);
    }

    void subscribe(Collection<String> topics) {
        consumer.subscribe(topics, listener());
    }

    /** Subscribes by a KIP-848 regular expression, evaluated by the broker (group.protocol=consumer only). */
    void subscribe(SubscriptionPattern pattern) {
        consumer.subscribe(pattern, listener());
    }

    private ConsumerRebalanceListener listener() {
        return new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                events.add("revoked " + partitions);
                revocations.add(new HashSet<>(partitions));
                if (!partitions.isEmpty()) {
                    try {
                        consumer.commitSync(); // positions equal what was processed: records are handled before the next poll
                        unconfirmed.clear();
                    } catch (Exception e) {
                        listenerCommitFailures.add(e);
                        mayRepeat.addAll(unconfirmed);
                    }
                }
                owned.removeAll(partitions);
                pending.keySet().removeAll(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                events.add("assigned " + partitions);
                owned.addAll(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                events.add("lost " + partitions);
                owned.removeAll(partitions);
                pending.keySet().removeAll(partitions);
            }
        };
    }

    /**
     * Polls once, records what came back, and commits the offsets after everything processed so far.
     * A cooperative member keeps fetching while it rebalances, and its commit is then refused
     * client-side with RebalanceInProgressException; as the exception advises, the commit is retried
     * after the next poll (partitions revoked meanwhile are committed by the listener). Returns how
     * many records came back.
     */
    int pollAndCommit() {
        ConsumerRecords<String, String> records = consumer.poll(POLL);
        for (ConsumerRecord<String, String> r : records) {
            ledger.consumed(name, r);
            unconfirmed.add(r.key());
            pending.put(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1, r.leaderEpoch(), ""));
        }
        if (!pending.isEmpty()) {
            try {
                consumer.commitSync(pending);
                pending.clear();
                unconfirmed.clear();
            } catch (RebalanceInProgressException e) {
                deferredCommits++;
            } catch (KafkaException e) {
                if (!tolerateCommitFailures) {
                    throw e;
                }
                commitFailures.add(e);
                mayRepeat.addAll(unconfirmed);
            }
        }
        return records.count();
    }

    /** The partitions this member owns according to its rebalance listener. */
    Set<TopicPartition> owned() {
        return Set.copyOf(owned);
    }

    int generation() {
        return consumer.groupMetadata().generationId();
    }

    /**
     * Polls every member in turn (each poll bounded by {@link #POLL}) until {@code done} holds, at
     * most {@code atMost}; the failure names what each member owned and saw.
     */
    static void pollUntil(Duration atMost, List<GroupMember> members, BooleanSupplier done) {
        try {
            await().pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).atMost(atMost).until(() -> {
                for (GroupMember m : members) {
                    m.pollAndCommit();
                }
                return done.getAsBoolean();
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("not reached within " + atMost + ": " + members, e);
        }
    }

    @Override
    public void close() {
        consumer.close(CloseOptions.timeout(Duration.ofSeconds(10)));
    }

    @Override
    public String toString() {
        return name + " owns " + owned + " events " + events + (pending.isEmpty() ? "" : " uncommitted " + pending);
    }
}

package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ReplicaInfo;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A clean stop and start of the broker keeps every group's committed offsets and metadata, and
 * __consumer_offsets does not grow without bound under many commits to the same keys.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.OFFSET_COMMIT, ApiKeys.OFFSET_FETCH,
        ApiKeys.FIND_COORDINATOR, ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT, ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP,
        ApiKeys.DESCRIBE_GROUPS, ApiKeys.LIST_GROUPS, ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.DESCRIBE_LOG_DIRS, ApiKeys.DELETE_GROUPS, ApiKeys.OFFSET_DELETE, ApiKeys.CONSUMER_GROUP_DESCRIBE})
class GroupOffsetsRestartIT {
    @org.junit.jupiter.api.BeforeEach
    void needsItsOwnBroker() {
        ExternalBroker.assumeOwnBroker("restarts its broker and reads its __consumer_offsets files");
    }

    private static final int SEGMENT_BYTES = 65_536;
    private static final int COMMITS = 5_000;
    /** Active segment plus compacted history plus slack; 5,000 uncompacted commits are well over 800 KiB. */
    private static final long SIZE_BOUND = 4L * SEGMENT_BYTES;

    @TempDir
    Path dir;

    // Offsets and metadata committed by a group are there after a clean restart, the group is Empty,
    // and a new member resumes at exactly the committed offsets.
    @Test
    @Timeout(90)
    void offsetsAndMetadataSurviveACleanRestart() throws Exception {
        TopicPartition a0 = new TopicPartition("accounts", 0);
        TopicPartition a1 = new TopicPartition("accounts", 1);
        Map<TopicPartition, OffsetAndMetadata> commit = Map.of(
                a0, new OffsetAndMetadata(11, "first half"),
                a1, new OffsetAndMetadata(40, "all of it"));
        try (RunningBroker broker = new RunningBroker(dir, ConsumerGroupsIT.GROUP_BROKER);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
                KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()), new StringSerializer(), new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic("accounts", 2, (short) 1))).all().get();
            for (int i = 0; i < 40; i++) {
                producer.send(new ProducerRecord<>("accounts", 0, "k" + i, "a0-" + i));
                producer.send(new ProducerRecord<>("accounts", 1, "k" + i, "a1-" + i));
            }
            producer.flush();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                    GroupMember.config(broker.bootstrap(), "bookkeepers", "before-restart", Map.of()),
                    new StringDeserializer(), new StringDeserializer())) {
                consumer.subscribe(List.of("accounts"));
                await().pollInSameThread().pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(30)).until(() -> {
                    consumer.poll(GroupMember.POLL);
                    return consumer.assignment().equals(Set.of(a0, a1));
                });
                consumer.commitSync(commit);
            }
        }

        try (RunningBroker broker = new RunningBroker(dir, ConsumerGroupsIT.GROUP_BROKER);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
                KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()), new StringSerializer(), new StringSerializer());
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                        GroupMember.config(broker.bootstrap(), "bookkeepers", "after-restart", Map.of()),
                        new StringDeserializer(), new StringDeserializer())) {
            GroupOffsetsSigkillIT.assertSameOffsetsAndMetadata(commit,
                    admin.listConsumerGroupOffsets("bookkeepers").partitionsToOffsetAndMetadata().get(), "listConsumerGroupOffsets after restart");
            GroupOffsetsSigkillIT.assertSameOffsetsAndMetadata(commit, consumer.committed(Set.of(a0, a1)), "committed() after restart");
            ConsumerGroupDescription d = admin.describeConsumerGroups(List.of("bookkeepers")).describedGroups().get("bookkeepers").get();
            assertEquals(GroupState.EMPTY, d.groupState());
            assertEquals(0, d.members().size());

            producer.send(new ProducerRecord<>("accounts", 1, "k40", "a1-40")).get();
            consumer.subscribe(List.of("accounts"));
            Map<TopicPartition, Long> firstOffset = new HashMap<>();
            int[] count = {0};
            await().pollInSameThread().pollDelay(Duration.ZERO).atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(GroupMember.POLL)) {
                    firstOffset.putIfAbsent(new TopicPartition(r.topic(), r.partition()), r.offset());
                    count[0]++;
                }
                return count[0] >= 29 + 1;
            });
            assertEquals(Map.of(a0, 11L, a1, 40L), firstOffset);
            assertEquals(30, count[0]);
        }
    }

    // 5,000 commits to one key with small offsets segments: __consumer_offsets stays bounded (a few segments,
    // not the ~1 MB of every commit), and after a restart the latest offset of the hot key and the only offset
    // of a key committed once at the start are what the group has.
    @Test
    @Timeout(120)
    void manyCommitsStayBoundedAndTheLatestSurvivesARestart() throws Exception {
        Map<String, String> config = new HashMap<>(ConsumerGroupsIT.GROUP_BROKER);
        config.put("offsets.topic.num.partitions", "1");
        config.put("offsets.topic.segment.bytes", Integer.toString(SEGMENT_BYTES));
        config.put("log.cleaner.backoff.ms", "200"); // the cleaner keeps __consumer_offsets short
        config.put("log.segment.delete.delay.ms", "1000"); // Kafka's default keeps unlinked segments' files for a minute
        TopicPartition hot = new TopicPartition("counter", 0);
        TopicPartition cold = new TopicPartition("counter", 1);
        TopicPartition offsetsPartition = new TopicPartition("__consumer_offsets", 0);
        Map<TopicPartition, OffsetAndMetadata> last;
        try (RunningBroker broker = new RunningBroker(dir, config);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("counter", 2, (short) 1))).all().get();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                    GroupMember.config(broker.bootstrap(), "hot-group", "committer", Map.of()),
                    new StringDeserializer(), new StringDeserializer())) {
                consumer.assign(List.of(hot, cold));
                consumer.commitSync(Map.of(cold, new OffsetAndMetadata(7, "committed once")));
                long started = System.nanoTime();
                for (int i = 1; i <= COMMITS; i++) {
                    consumer.commitSync(Map.of(hot, new OffsetAndMetadata(i, metadata(i))));
                }
                System.out.printf("group offsets: %d commits in %d ms%n", COMMITS, (System.nanoTime() - started) / 1_000_000);
                last = Map.of(hot, new OffsetAndMetadata(COMMITS, metadata(COMMITS)), cold, new OffsetAndMetadata(7, "committed once"));
                GroupOffsetsSigkillIT.assertSameOffsetsAndMetadata(last, consumer.committed(Set.of(hot, cold)), "committed() before restart");
            }
            assertTrue(offsetsPartitionExists(), "__consumer_offsets-0 is in " + dir.resolve("logs"));
            try {
                await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                        .until(() -> reportedSize(admin, offsetsPartition) <= SIZE_BOUND && sizeOnDisk(false) <= SIZE_BOUND
                                && sizeOnDisk(true) <= SIZE_BOUND);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("__consumer_offsets-0 not bounded after " + COMMITS + " commits: DescribeLogDirs says "
                        + reportedSize(admin, offsetsPartition) + " bytes, on disk " + sizeOnDisk(false) + " bytes in live segments and "
                        + sizeOnDisk(true) + " including segments pending deletion, bound " + SIZE_BOUND, e);
            }
            System.out.printf("group offsets: __consumer_offsets-0 is %d bytes (%d on disk) after %d commits%n",
                    reportedSize(admin, offsetsPartition), sizeOnDisk(true), COMMITS);
        }

        try (RunningBroker broker = new RunningBroker(dir, config);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            GroupOffsetsSigkillIT.assertSameOffsetsAndMetadata(last,
                    admin.listConsumerGroupOffsets("hot-group").partitionsToOffsetAndMetadata().get(), "listConsumerGroupOffsets after restart");
            assertTrue(reportedSize(admin, offsetsPartition) <= SIZE_BOUND, "size after restart " + reportedSize(admin, offsetsPartition));
            assertTrue(sizeOnDisk(true) <= SIZE_BOUND, "size on disk after restart " + sizeOnDisk(true));
        }
    }

    // Deletions are durable: a deleted group and a deleted group offset stay deleted across a restart, even after
    // enough later commits that __consumer_offsets was compacted many times over.
    @Test
    @Timeout(90)
    void deletedGroupsAndOffsetsStayDeletedAfterCompactionAndRestart() throws Exception {
        Map<String, String> config = new HashMap<>(ConsumerGroupsIT.GROUP_BROKER);
        config.put("offsets.topic.num.partitions", "1");
        config.put("offsets.topic.segment.bytes", Integer.toString(SEGMENT_BYTES));
        config.put("log.cleaner.backoff.ms", "200"); // the cleaner keeps __consumer_offsets short
        TopicPartition d0 = new TopicPartition("doomed", 0);
        TopicPartition d1 = new TopicPartition("doomed", 1);
        try (RunningBroker broker = new RunningBroker(dir, config);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createTopics(List.of(new NewTopic("doomed", 2, (short) 1))).all().get();
            for (String group : List.of("deleted-group", "trimmed-group", "busy-group")) {
                admin.alterConsumerGroupOffsets(group, Map.of(d0, new OffsetAndMetadata(3, group), d1, new OffsetAndMetadata(4, group))).all().get();
            }
            admin.deleteConsumerGroups(List.of("deleted-group")).all().get();
            admin.deleteConsumerGroupOffsets("trimmed-group", Set.of(d0)).all().get();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                    GroupMember.config(broker.bootstrap(), "busy-group", "busy", Map.of()), new StringDeserializer(), new StringDeserializer())) {
                consumer.assign(List.of(d0));
                for (int i = 1; i <= 2_000; i++) {
                    consumer.commitSync(Map.of(d0, new OffsetAndMetadata(i, metadata(i))));
                }
            }
        }
        try (RunningBroker broker = new RunningBroker(dir, config);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            assertEquals(Map.of(), admin.listConsumerGroupOffsets("deleted-group").partitionsToOffsetAndMetadata().get());
            GroupOffsetsSigkillIT.assertSameOffsetsAndMetadata(Map.of(d1, new OffsetAndMetadata(4, "trimmed-group")),
                    admin.listConsumerGroupOffsets("trimmed-group").partitionsToOffsetAndMetadata().get(), "trimmed-group after restart");
            GroupOffsetsSigkillIT.assertSameOffsetsAndMetadata(Map.of(d0, new OffsetAndMetadata(2_000, metadata(2_000)),
                    d1, new OffsetAndMetadata(4, "busy-group")),
                    admin.listConsumerGroupOffsets("busy-group").partitionsToOffsetAndMetadata().get(), "busy-group after restart");
            Set<String> groups = admin.listGroups(org.apache.kafka.clients.admin.ListGroupsOptions.forConsumerGroups()).all().get().stream()
                    .map(org.apache.kafka.clients.admin.GroupListing::groupId).collect(java.util.stream.Collectors.toSet());
            assertEquals(Set.of("trimmed-group", "busy-group"), groups);
        }
    }

    private static String metadata(int i) {
        return String.format("commit %05d of a long-running job, padded so that every commit record is large: %s", i, "x".repeat(40));
    }

    private static long reportedSize(Admin admin, TopicPartition tp) throws Exception {
        var dirs = admin.describeLogDirs(List.of(0)).allDescriptions().get().get(0);
        ReplicaInfo info = dirs.values().iterator().next().replicaInfos().get(tp);
        return info == null ? -1 : info.size();
    }

    private boolean offsetsPartitionExists() {
        return Files.isDirectory(dir.resolve("logs").resolve("__consumer_offsets-0"));
    }

    /**
     * Bytes of __consumer_offsets-0 on disk, not counting the (preallocated) offset and time indexes;
     * with {@code pendingDeletion}, also segments already unlinked from the log and renamed
     * {@code .deleted}, whose files go after file.delete.delay.ms (as in Kafka).
     */
    private long sizeOnDisk(boolean pendingDeletion) {
        try (Stream<Path> files = Files.list(dir.resolve("logs").resolve("__consumer_offsets-0"))) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> pendingDeletion || !f.toString().endsWith(".deleted"))
                    .filter(f -> {
                        String name = f.getFileName().toString().replaceFirst("\\.deleted$", "");
                        return !name.endsWith(".index") && !name.endsWith(".timeindex");
                    })
                    .mapToLong(f -> {
                        try {
                            return Files.size(f);
                        } catch (java.nio.file.NoSuchFileException gone) {
                            return 0; // a segment deleted while we looked
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

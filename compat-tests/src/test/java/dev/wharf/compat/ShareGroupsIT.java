package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ShareAcknowledgeRequest;
import dev.wharf.wire.message.ShareAcknowledgeResponse;
import dev.wharf.wire.message.ShareFetchRequest;
import dev.wharf.wire.message.ShareFetchResponse;
import dev.wharf.wire.message.ShareGroupHeartbeatRequest;
import dev.wharf.wire.message.ShareGroupHeartbeatResponse;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.clients.consumer.AcknowledgeType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaShareConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Share groups (KIP-932) with kafka-clients' KafkaShareConsumer against one broker. */
@Exercises({ApiKeys.PRODUCE, ApiKeys.METADATA, ApiKeys.FIND_COORDINATOR, ApiKeys.CREATE_TOPICS,
        ApiKeys.INIT_PRODUCER_ID, ApiKeys.ADD_OFFSETS_TO_TXN, ApiKeys.END_TXN, ApiKeys.WRITE_TXN_MARKERS,
        ApiKeys.TXN_OFFSET_COMMIT, ApiKeys.DESCRIBE_CONFIGS, ApiKeys.INCREMENTAL_ALTER_CONFIGS,
        ApiKeys.DESCRIBE_TOPIC_PARTITIONS, ApiKeys.SHARE_GROUP_HEARTBEAT, ApiKeys.SHARE_FETCH,
        ApiKeys.SHARE_ACKNOWLEDGE, ApiKeys.DESCRIBE_SHARE_GROUP_OFFSETS})
class ShareGroupsIT {
    @TempDir
    static Path dir;
    static RunningBroker broker;
    static Admin admin;

    @BeforeAll
    static void start() throws Exception {
        broker = new RunningBroker(dir, Map.of("group.share.heartbeat.interval.ms", "500"));
        admin = GroupClients.admin(broker.bootstrap());
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    // Three share consumers on one partition: together they get every record exactly once, each gets some.
    @Test
    void threeConsumersShareOnePartition() throws Exception {
        GroupClients.createTopic(admin, "shared", 1);
        GroupClients.produce(broker.bootstrap(), "shared", 0, 300, null, 0);
        ShareClients.startAtEarliest(admin, "three", "shared", 1);
        List<KafkaShareConsumer<String, String>> consumers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                KafkaShareConsumer<String, String> c = ShareClients.consumer(broker.bootstrap(), "three", "c" + i, false, 10);
                c.subscribe(List.of("shared"));
                consumers.add(c);
            }
            List<List<String>> got = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (int i = 0; i < 3; i++) {
                    List<String> mine = got.get(i);
                    ShareClients.poll(consumers.get(i)).forEach(r -> mine.add(r.value()));
                }
                return got.stream().mapToInt(List::size).sum() >= 300;
            });
            List<String> all = new ArrayList<>();
            got.forEach(all::addAll);
            assertEquals(300, all.size(), "every record once");
            assertEquals(300, new HashSet<>(all).size(), "no record twice");
            for (int i = 0; i < 3; i++) {
                assertTrue(!got.get(i).isEmpty(), "consumer " + i + " got none: " + got.stream().map(List::size).toList());
            }
        } finally {
            consumers.forEach(KafkaShareConsumer::close);
        }
    }

    // RELEASE redelivers a record (delivery count 2), REJECT never does, and one released at the delivery limit
    // (the group config share.delivery.count.limit=2) is archived.
    @Test
    void releaseRejectAndTheDeliveryLimit() throws Exception {
        GroupClients.createTopic(admin, "acks", 1);
        GroupClients.produce(broker.bootstrap(), "acks", 0, 3, null, 0);
        ShareClients.startAtEarliest(admin, "acks-group", "acks", 1);
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.GROUP, "acks-group"), List.of(
                new AlterConfigOp(new ConfigEntry("share.delivery.count.limit", "2"), AlterConfigOp.OpType.SET)))).all().get();
        try (KafkaShareConsumer<String, String> c = ShareClients.consumer(broker.bootstrap(), "acks-group", "a", true, 100)) {
            c.subscribe(List.of("acks"));
            Map<String, ConsumerRecord<String, String>> first = pollUntil(c, Set.of("p0-0", "p0-1", "p0-2"));
            first.values().forEach(r -> assertEquals(1, r.deliveryCount().orElseThrow().intValue(), r.value()));
            c.acknowledge(first.get("p0-0"), AcknowledgeType.RELEASE);
            c.acknowledge(first.get("p0-1"), AcknowledgeType.REJECT);
            c.acknowledge(first.get("p0-2"), AcknowledgeType.RELEASE);
            c.commitSync();

            Map<String, ConsumerRecord<String, String>> second = pollUntil(c, Set.of("p0-0", "p0-2"));
            assertEquals(Set.of("p0-0", "p0-2"), second.keySet(), "the rejected record came back");
            second.values().forEach(r -> assertEquals(2, r.deliveryCount().orElseThrow().intValue(), r.value()));
            c.acknowledge(second.get("p0-0"), AcknowledgeType.ACCEPT);
            c.acknowledge(second.get("p0-2"), AcknowledgeType.RELEASE); // the second delivery of two allowed
            c.commitSync();

            GroupClients.produce(broker.bootstrap(), "acks", 0, 1, null, 0); // "p0-0" again, at offset 3
            Map<String, ConsumerRecord<String, String>> third = pollUntil(c, Set.of("p0-0"));
            assertEquals(1, third.size(), "only the new record: " + third.keySet());
            assertEquals(3, third.get("p0-0").offset(), "the archived record came back");
            c.acknowledge(third.get("p0-0"), AcknowledgeType.ACCEPT);
            c.commitSync();
        }
        // every record is done with: no lag. As in Kafka, the stored start offset trails by one write of the state (a
        // write carries the start from before the acknowledgement it persists): 3, where the last accepted record is.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            org.apache.kafka.clients.admin.SharePartitionOffsetInfo info = admin.listShareGroupOffsets(
                    Map.of("acks-group", new org.apache.kafka.clients.admin.ListShareGroupOffsetsSpec())).all().get()
                    .get("acks-group").get(new org.apache.kafka.common.TopicPartition("acks", 0));
            assertEquals(java.util.Optional.of(0L), info.lag());
            assertEquals(3L, info.startOffset());
        });
    }

    // share.auto.offset.reset=earliest set on the GROUP config resource: a new share group reads from the log start;
    // the value is described back, and an unknown group config name or an out-of-bounds value is INVALID_CONFIG.
    @Test
    void groupConfigsSetWhereTheGroupStarts() throws Exception {
        GroupClients.createTopic(admin, "configured", 1);
        GroupClients.produce(broker.bootstrap(), "configured", 0, 5, null, 0);
        ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, "from-start");
        admin.incrementalAlterConfigs(Map.of(group, List.of(new AlterConfigOp(
                new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET)))).all().get();
        assertEquals("earliest", admin.describeConfigs(List.of(group)).all().get().get(group)
                .get("share.auto.offset.reset").value());
        for (String[] bad : List.of(new String[] {"no.such.group.config", "1"},
                new String[] {"share.delivery.count.limit", "99"}, new String[] {"share.auto.offset.reset", "sometimes"},
                new String[] {"share.heartbeat.interval.ms", "100"})) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> admin.incrementalAlterConfigs(Map.of(group,
                    List.of(new AlterConfigOp(new ConfigEntry(bad[0], bad[1]), AlterConfigOp.OpType.SET)))).all().get());
            assertTrue(e.getCause() instanceof InvalidConfigurationException, bad[0] + ": " + e.getCause());
        }
        try (KafkaShareConsumer<String, String> c = ShareClients.consumer(broker.bootstrap(), "from-start", "s", false, 100)) {
            c.subscribe(List.of("configured"));
            Map<String, ConsumerRecord<String, String>> got = pollUntil(c, Set.of("p0-0", "p0-1", "p0-2", "p0-3", "p0-4"));
            assertEquals(5, got.size());
        }
    }

    // share.isolation.level=read_committed: records of an aborted transaction are never delivered, those of
    // committed ones are; a read_uncommitted group gets both.
    @Test
    void readCommittedGroupsSkipAbortedTransactions() throws Exception {
        GroupClients.createTopic(admin, "txn-t", 1);
        try (TxnClients.TxProducer p = TxnClients.transactional(broker.bootstrap(), "share-tx", Map.of())) {
            p.initTransactions();
            for (String[] txn : List.of(new String[] {"c-0", "c-1"}, new String[] {"a-0", "a-1"}, new String[] {"c-2"})) {
                p.beginTransaction();
                for (String v : txn) {
                    p.send(new org.apache.kafka.clients.producer.ProducerRecord<>("txn-t", 0, null, v));
                }
                p.flush();
                if (txn[0].startsWith("a")) {
                    p.abortTransaction();
                } else {
                    p.commitTransaction();
                }
            }
        }
        for (String g : List.of("rc", "ru")) {
            ConfigResource group = new ConfigResource(ConfigResource.Type.GROUP, g);
            List<AlterConfigOp> ops = new ArrayList<>(List.of(new AlterConfigOp(
                    new ConfigEntry("share.auto.offset.reset", "earliest"), AlterConfigOp.OpType.SET)));
            if (g.equals("rc")) {
                ops.add(new AlterConfigOp(new ConfigEntry("share.isolation.level", "read_committed"), AlterConfigOp.OpType.SET));
            }
            admin.incrementalAlterConfigs(Map.of(group, ops)).all().get();
        }
        try (KafkaShareConsumer<String, String> rc = ShareClients.consumer(broker.bootstrap(), "rc", "rc", false, 100);
                KafkaShareConsumer<String, String> ru = ShareClients.consumer(broker.bootstrap(), "ru", "ru", false, 100)) {
            rc.subscribe(List.of("txn-t"));
            ru.subscribe(List.of("txn-t"));
            assertEquals(Set.of("c-0", "c-1", "c-2"), pollUntil(rc, Set.of("c-0", "c-1", "c-2")).keySet());
            assertEquals(Set.of("c-0", "c-1", "a-0", "a-1", "c-2"),
                    pollUntil(ru, Set.of("c-0", "c-1", "a-0", "a-1", "c-2")).keySet());
        }
    }

    // Bad share requests get Kafka's error codes: unknown member, fenced epoch, a first heartbeat without a
    // subscription, no share session, a wrong session epoch, acknowledging records never acquired.
    @Test
    void badShareRequestsGetKafkasErrors() throws Exception {
        GroupClients.createTopic(admin, "errs-t", 1);
        ShareClients.startAtEarliest(admin, "errs", "errs-t", 1); // the group exists, coordinated here
        org.apache.kafka.common.Uuid id = admin.describeTopics(List.of("errs-t")).allTopicNames().get().get("errs-t").topicId();
        java.util.UUID topicId = new java.util.UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
        try (KafkaWireClient wire = new KafkaWireClient(broker.bootstrap())) {
            assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), heartbeat(wire, "m1", 5, List.of("errs-t")).errorCode());
            assertEquals(Errors.INVALID_REQUEST.code(), heartbeat(wire, "m1", 0, List.of()).errorCode());
            ShareGroupHeartbeatResponse joined = heartbeat(wire, "m1", 0, List.of("errs-t"));
            assertEquals(Errors.NONE.code(), joined.errorCode());
            assertEquals(1, joined.assignment().topicPartitions().size());
            assertEquals(Errors.FENCED_MEMBER_EPOCH.code(), heartbeat(wire, "m1", joined.memberEpoch() + 5, null).errorCode());

            assertEquals(Errors.SHARE_SESSION_NOT_FOUND.code(), fetch(wire, 3, topicId, List.of()).errorCode());
            assertEquals(Errors.NONE.code(), fetch(wire, 0, topicId, List.of()).errorCode());
            assertEquals(Errors.INVALID_SHARE_SESSION_EPOCH.code(), fetch(wire, 5, topicId, List.of()).errorCode());
            ShareAcknowledgeResponse ack = wire.call(ApiKey.SHARE_ACKNOWLEDGE, (short) 1, new ShareAcknowledgeRequest()
                    .setGroupId("errs").setMemberId("m1").setShareSessionEpoch(1).setTopics(List.of(
                            new ShareAcknowledgeRequest.AcknowledgeTopic().setTopicId(topicId).setPartitions(List.of(
                                    new ShareAcknowledgeRequest.AcknowledgePartition().setPartitionIndex(0)
                                            .setAcknowledgementBatches(List.of(new ShareAcknowledgeRequest.AcknowledgementBatch()
                                                    .setFirstOffset(100).setLastOffset(100)
                                                    .setAcknowledgeTypes(List.of((byte) 1)))))))));
            assertEquals(Errors.NONE.code(), ack.errorCode());
            assertEquals(Errors.INVALID_RECORD_STATE.code(), ack.responses().get(0).partitions().get(0).errorCode());
        }
    }

    private static ShareGroupHeartbeatResponse heartbeat(KafkaWireClient wire, String member, int epoch, List<String> topics)
            throws Exception {
        return wire.call(ApiKey.SHARE_GROUP_HEARTBEAT, (short) 1, new ShareGroupHeartbeatRequest().setGroupId("errs")
                .setMemberId(member).setMemberEpoch(epoch).setSubscribedTopicNames(topics));
    }

    private static ShareFetchResponse fetch(KafkaWireClient wire, int epoch, java.util.UUID topicId,
            List<ShareFetchRequest.AcknowledgementBatch> acks) throws Exception {
        return wire.call(ApiKey.SHARE_FETCH, (short) 1, new ShareFetchRequest().setGroupId("errs").setMemberId("m1")
                .setShareSessionEpoch(epoch).setMaxWaitMs(0).setMaxRecords(10).setBatchSize(10).setTopics(List.of(
                        new ShareFetchRequest.FetchTopic().setTopicId(topicId).setPartitions(List.of(
                                new ShareFetchRequest.FetchPartition().setPartitionIndex(0).setAcknowledgementBatches(acks))))));
    }

    /** Polls until records with all these values came (by value; each acknowledged later by the caller). */
    private static Map<String, ConsumerRecord<String, String>> pollUntil(KafkaShareConsumer<String, String> c,
            Set<String> values) {
        Map<String, ConsumerRecord<String, String>> got = new HashMap<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            ShareClients.poll(c).forEach(r -> got.put(r.value(), r));
            return got.keySet().containsAll(values);
        });
        return got;
    }
}

package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wharf.controller.EmbeddedZooKeeper;
import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.CreateAclsRequest;
import dev.wharf.wire.message.CreateAclsResponse;
import dev.wharf.wire.message.DeleteAclsRequest;
import dev.wharf.wire.message.DeleteAclsResponse;
import dev.wharf.wire.message.DescribeAclsRequest;
import dev.wharf.wire.message.DescribeAclsResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.SubscriptionPattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ACLs with kafka-clients 4.4.0 and Kafka's kafka-acls tool, on a PLAINTEXT listener where every
 * client is {@code User:ANONYMOUS}. The broker is bootstrapped as an operator would: started with
 * {@code allow.everyone.if.no.acl.found=true}, the client's cluster rights granted with kafka-acls
 * (ALTER and DESCRIBE to manage ACLs, CREATE to make topics, CLUSTER_ACTION for the broker's own
 * requests to itself over the same listener), then restarted with it false. Clients authenticated
 * over SASL (their own principals, {@code super.users}) have a test of their own.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.METADATA, ApiKeys.OFFSET_COMMIT,
        ApiKeys.OFFSET_FETCH, ApiKeys.FIND_COORDINATOR, ApiKeys.LIST_GROUPS, ApiKeys.SASL_HANDSHAKE,
        ApiKeys.CREATE_TOPICS, ApiKeys.INIT_PRODUCER_ID, ApiKeys.ADD_OFFSETS_TO_TXN, ApiKeys.END_TXN,
        ApiKeys.TXN_OFFSET_COMMIT, ApiKeys.DESCRIBE_ACLS, ApiKeys.CREATE_ACLS, ApiKeys.DELETE_ACLS,
        ApiKeys.SASL_AUTHENTICATE, ApiKeys.DESCRIBE_CLUSTER, ApiKeys.DESCRIBE_TOPIC_PARTITIONS})
class AclsIT {
    private static final String AUTHORIZER = "kafka.security.authorizer.AclAuthorizer";
    private static final String ACL_COMMAND = "org.apache.kafka.tools.AclCommand";
    private static final List<AclOperation> BOOTSTRAP_CLUSTER_RIGHTS = List.of(AclOperation.ALTER, AclOperation.DESCRIBE,
            AclOperation.CREATE, AclOperation.CLUSTER_ACTION);

    @TempDir
    static Path dir;

    private static EmbeddedZooKeeper zk;
    private static RunningBroker broker;
    private static Admin admin;

    @BeforeAll
    static void bootstrap() throws Exception {
        ExternalBroker.assumeOwnBroker("needs Wharf's ZooKeeper-backed AclAuthorizer on brokers of its own");
        zk = new EmbeddedZooKeeper(dir.resolve("zk"), 0);
        try (RunningBroker open = broker(Map.of("allow.everyone.if.no.acl.found", "true"))) {
            acls(open, "--add", "--allow-principal", AclMatrix.ANONYMOUS, "--operation", "Alter", "--operation", "Describe",
                    "--operation", "Create", "--operation", "ClusterAction", "--cluster");
        }
        broker = broker(Map.of());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (zk != null) {
            zk.close();
        }
    }

    /** Removes every ACL but the bootstrap ones, so each test starts from them alone. */
    @AfterEach
    void removeTestAcls() throws Exception {
        List<AclBindingFilter> extra = admin.describeAcls(AclBindingFilter.ANY).values().get().stream()
                .filter(b -> b.pattern().resourceType() != ResourceType.CLUSTER
                        || !BOOTSTRAP_CLUSTER_RIGHTS.contains(b.entry().operation()))
                .map(AclBinding::toFilter).toList();
        if (!extra.isEmpty()) {
            admin.deleteAcls(extra).all().get();
        }
    }

    // Each row of the matrix: the grants made, then the client's action ends as Kafka's would.
    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.wharf.compat.AclMatrix#cases")
    void matrix(AclMatrix.Case c) throws Exception {
        AclMatrix.Names names = AclMatrix.Names.of(c.id());
        admin.createTopics(List.of(new NewTopic(names.topic(), 1, (short) 1))).all().get();
        if (!c.grants().isEmpty()) {
            admin.createAcls(c.grants().stream().map(g -> g.binding(names)).toList()).all().get();
        }
        if (c.expected() == null) {
            run(c.action(), names);
            return;
        }
        try {
            run(c.action(), names);
            fail(c + " succeeded");
        } catch (Exception e) {
            assertInstanceOf(c.expected(), causeOfType(e, c.expected()), () -> c + " failed otherwise: " + e);
        }
    }

    // kafka-acls --add shows in --list and lets the producer in; --remove takes it away again.
    @Test
    void kafkaAclsAddListRemove() throws Exception {
        admin.createTopics(List.of(new NewTopic("cli-t", 1, (short) 1))).all().get();
        assertThrows(Exception.class, () -> run(AclMatrix.Action.PRODUCE, named("cli-t")));
        acls(broker, "--add", "--allow-principal", AclMatrix.ANONYMOUS, "--operation", "Write", "--topic", "cli-t");
        String listed = acls(broker, "--list", "--topic", "cli-t");
        assertTrue(listed.contains("principal=User:ANONYMOUS") && listed.contains("operation=WRITE")
                && listed.contains("permissionType=ALLOW"), listed);
        run(AclMatrix.Action.PRODUCE, named("cli-t"));

        acls(broker, "--remove", "--force", "--allow-principal", AclMatrix.ANONYMOUS, "--operation", "Write",
                "--topic", "cli-t");
        assertFalse(acls(broker, "--list", "--topic", "cli-t").contains("principal=User:ANONYMOUS"));
        Exception denied = assertThrows(Exception.class, () -> run(AclMatrix.Action.PRODUCE, named("cli-t")));
        assertInstanceOf(TopicAuthorizationException.class, causeOfType(denied, TopicAuthorizationException.class));
    }

    // Metadata (Admin listTopics) shows only the topics the principal may DESCRIBE.
    @Test
    void listTopicsHidesUndescribableTopics() throws Exception {
        admin.createTopics(List.of(new NewTopic("seen", 1, (short) 1), new NewTopic("unseen", 1, (short) 1))).all().get();
        admin.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, "seen", PatternType.LITERAL),
                new AccessControlEntry(AclMatrix.ANONYMOUS, "*", AclOperation.DESCRIBE, AclPermissionType.ALLOW)))).all().get();
        Set<String> listed = admin.listTopics().names().get();
        assertTrue(listed.contains("seen"), listed.toString());
        assertFalse(listed.contains("unseen"), listed.toString());
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> admin.describeTopics(List.of("unseen")).allTopicNames().get());
        assertInstanceOf(TopicAuthorizationException.class, e.getCause());
        // the authorized-operations bitfields, when asked for, say what the principal may do
        assertEquals(Set.of(AclOperation.DESCRIBE), admin.describeTopics(List.of("seen"),
                new DescribeTopicsOptions().includeAuthorizedOperations(true)).allTopicNames().get().get("seen")
                .authorizedOperations());
        assertEquals(Set.copyOf(BOOTSTRAP_CLUSTER_RIGHTS), admin.describeCluster(
                new DescribeClusterOptions().includeAuthorizedOperations(true)).authorizedOperations().get());
    }

    // ACLs Kafka refuses are refused with INVALID_REQUEST: a cluster not named kafka-cluster, a filter with an unknown code.
    @Test
    void invalidAclsAndFiltersAreRefused() throws Exception {
        ExecutionException e = assertThrows(ExecutionException.class, () -> admin.createAcls(List.of(new AclBinding(
                new ResourcePattern(ResourceType.CLUSTER, "other-cluster", PatternType.LITERAL),
                new AccessControlEntry(AclMatrix.ANONYMOUS, "*", AclOperation.ALTER, AclPermissionType.ALLOW)))).all().get());
        assertInstanceOf(InvalidRequestException.class, e.getCause());
        try (KafkaWireClient wire = new KafkaWireClient(broker.bootstrap())) {
            DescribeAclsResponse unknownPattern = wire.call(ApiKey.DESCRIBE_ACLS, (short) 3, new DescribeAclsRequest()
                    .setResourceTypeFilter(ResourceType.ANY.code()).setPatternTypeFilter(PatternType.UNKNOWN.code())
                    .setOperation(AclOperation.ANY.code()).setPermissionType(AclPermissionType.ANY.code()));
            assertEquals(Errors.INVALID_REQUEST.code(), unknownPattern.errorCode());
        }
    }

    // DescribeAcls filters: ANY, MATCH and PREFIXED select as in Kafka; DeleteAcls returns what it removed.
    @Test
    void describeAndDeleteFilters() throws Exception {
        AccessControlEntry read = new AccessControlEntry(AclMatrix.ANONYMOUS, "*", AclOperation.READ, AclPermissionType.ALLOW);
        AclBinding literal = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "f-orders", PatternType.LITERAL), read);
        AclBinding prefixed = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "f-", PatternType.PREFIXED), read);
        AclBinding wildcard = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "*", PatternType.LITERAL), read);
        admin.createAcls(List.of(literal, prefixed, wildcard)).all().get();
        assertEquals(Set.of(literal, prefixed, wildcard), Set.copyOf(admin.describeAcls(new AclBindingFilter(
                new org.apache.kafka.common.resource.ResourcePatternFilter(ResourceType.TOPIC, "f-orders", PatternType.MATCH),
                org.apache.kafka.common.acl.AccessControlEntryFilter.ANY)).values().get()));
        assertEquals(Set.of(prefixed), Set.copyOf(admin.describeAcls(new AclBindingFilter(
                new org.apache.kafka.common.resource.ResourcePatternFilter(ResourceType.TOPIC, null, PatternType.PREFIXED),
                org.apache.kafka.common.acl.AccessControlEntryFilter.ANY)).values().get()));
        Collection<AclBinding> deleted = admin.deleteAcls(List.of(literal.toFilter())).all().get();
        assertEquals(List.of(literal), List.copyOf(deleted));
    }

    // CreateAcls, DescribeAcls and DeleteAcls at every version the spec has, on the wire.
    @ParameterizedTest
    @ValueSource(shorts = {1, 2, 3})
    void aclApisAtEveryVersion(short version) throws Exception {
        String topic = "wire-v" + version;
        try (KafkaWireClient wire = new KafkaWireClient(broker.bootstrap())) {
            CreateAclsResponse created = wire.call(ApiKey.CREATE_ACLS, version, new CreateAclsRequest().setCreations(List.of(
                    new CreateAclsRequest.AclCreation().setResourceType(ResourceType.TOPIC.code()).setResourceName(topic)
                            .setResourcePatternType(PatternType.LITERAL.code()).setPrincipal(AclMatrix.ANONYMOUS)
                            .setHost("*").setOperation(AclOperation.READ.code())
                            .setPermissionType(AclPermissionType.ALLOW.code()))));
            assertEquals(Errors.NONE.code(), created.results().get(0).errorCode());
            DescribeAclsResponse described = wire.call(ApiKey.DESCRIBE_ACLS, version, new DescribeAclsRequest()
                    .setResourceTypeFilter(ResourceType.TOPIC.code()).setResourceNameFilter(topic)
                    .setPatternTypeFilter(PatternType.ANY.code()).setPrincipalFilter(null).setHostFilter(null)
                    .setOperation(AclOperation.ANY.code())
                    .setPermissionType(AclPermissionType.ANY.code()));
            assertEquals(Errors.NONE.code(), described.errorCode());
            assertEquals(List.of(topic), described.resources().stream().map(DescribeAclsResponse.DescribeAclsResource::resourceName).toList());
            assertEquals(AclOperation.READ.code(), described.resources().get(0).acls().get(0).operation());
            DeleteAclsResponse deleted = wire.call(ApiKey.DELETE_ACLS, version, new DeleteAclsRequest().setFilters(List.of(
                    new DeleteAclsRequest.DeleteAclsFilter().setResourceTypeFilter(ResourceType.TOPIC.code())
                            .setResourceNameFilter(topic).setPatternTypeFilter(PatternType.LITERAL.code())
                            .setPrincipalFilter(null).setHostFilter(null).setOperation(AclOperation.ANY.code()).setPermissionType(AclPermissionType.ANY.code()))));
            assertEquals(Errors.NONE.code(), deleted.filterResults().get(0).errorCode());
            assertEquals(List.of(AclMatrix.ANONYMOUS), deleted.filterResults().get(0).matchingAcls().stream()
                    .map(DeleteAclsResponse.DeleteAclsMatchingAcl::principal).toList());
        }
    }

    // An ACL added through one broker of a cluster decides on the other broker too, once its watch fires.
    @Test
    void aclsAddedOnOneBrokerApplyOnTheOther(@TempDir Path clusterDir) throws Exception {
        try (EmbeddedZooKeeper shared = new EmbeddedZooKeeper(clusterDir.resolve("zk"), 0);
                RunningBroker one = new RunningBroker(clusterDir.resolve("one"), Map.of("broker.id", "1",
                        "zookeeper.connect", shared.connectString(), "authorizer.class.name", AUTHORIZER,
                        "allow.everyone.if.no.acl.found", "true"));
                RunningBroker two = new RunningBroker(clusterDir.resolve("two"), Map.of("broker.id", "2",
                        "zookeeper.connect", shared.connectString(), "authorizer.class.name", AUTHORIZER,
                        "allow.everyone.if.no.acl.found", "true"));
                Admin viaOne = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, one.bootstrap()))) {
            // the topic lives on broker 2 only, so only broker 2 decides on its Produce requests
            viaOne.createTopics(List.of(new NewTopic("two-t", Map.of(0, List.of(2))))).all().get();
            String bootstrap = two.bootstrap();
            run(AclMatrix.Action.PRODUCE, named("two-t"), bootstrap); // no ACL covers it: everyone may

            // kafka-acls against broker 1: once any ACL covers the topic, ANONYMOUS needs its own
            acls(one, "--add", "--allow-principal", "User:alice", "--operation", "Write", "--topic", "two-t");
            await().atMost(Duration.ofSeconds(15)).until(() -> producerFails(bootstrap, "two-t"));
            acls(one, "--add", "--allow-principal", AclMatrix.ANONYMOUS, "--operation", "Write", "--topic", "two-t");
            await().atMost(Duration.ofSeconds(15)).until(() -> !producerFails(bootstrap, "two-t"));
        }
    }

    // Authenticated principals (SASL/PLAIN): a super user may do everything with no ACL at all, a
    // user what its ACLs allow, another user nothing.
    @Test
    void authenticatedPrincipalsAreAuthorized(@TempDir Path saslDir) throws Exception {
        Map<String, String> config = Map.of("listeners", "PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0",
                "inter.broker.listener.name", "PLAINTEXT", "sasl.enabled.mechanisms", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain."
                        + "PlainLoginModule required user_admin=\"a\" user_alice=\"b\" user_bob=\"c\";",
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users", "User:admin");
        try (RunningBroker secured = new RunningBroker(saslDir, config)) {
            String bootstrap = secured.bootstrap("SASL_PLAINTEXT");
            Map<String, Object> asAdmin = new HashMap<>(plain("admin", "a"));
            asAdmin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            try (Admin superUser = Admin.create(asAdmin)) {
                superUser.createTopics(List.of(new NewTopic("sasl-t", 1, (short) 1))).all().get();
                superUser.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, "sasl-t",
                        PatternType.LITERAL), new AccessControlEntry("User:alice", "*", AclOperation.WRITE,
                        AclPermissionType.ALLOW)))).all().get();
            }
            run(AclMatrix.Action.PRODUCE, named("sasl-t"), bootstrap, plain("alice", "b"));
            Exception denied = assertThrows(Exception.class,
                    () -> run(AclMatrix.Action.PRODUCE, named("sasl-t"), bootstrap, plain("bob", "c")));
            assertInstanceOf(TopicAuthorizationException.class, causeOfType(denied, TopicAuthorizationException.class));
        }
    }

    /** A Java client's SASL/PLAIN login over SASL_PLAINTEXT. */
    private static Map<String, Object> plain(String user, String password) {
        return Map.of("security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN", "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user + "\" password=\""
                        + password + "\";");
    }

    // As Kafka: a member of a consumer group (KIP-848) subscribed by regular expression is assigned only the
    // matching topics its principal may DESCRIBE, and consumes their records; a right granted later brings the
    // other matching topic in.
    @Test
    void regexSubscriptionAssignsOnlyDescribableTopics() throws Exception {
        admin.createTopics(List.of(new NewTopic("rx-open", 2, (short) 1), new NewTopic("rx-closed", 2, (short) 1)))
                .all().get();
        admin.createAcls(List.of(allow(ResourceType.TOPIC, "rx-open", AclOperation.READ),
                allow(ResourceType.TOPIC, "rx-open", AclOperation.WRITE),
                allow(ResourceType.GROUP, "rx-group", AclOperation.READ))).all().get();
        run(AclMatrix.Action.PRODUCE, named("rx-open"));
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "rx-group", ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        Set<TopicPartition> open = Set.of(new TopicPartition("rx-open", 0), new TopicPartition("rx-open", 1));
        Set<TopicPartition> all = Set.of(new TopicPartition("rx-open", 0), new TopicPartition("rx-open", 1),
                new TopicPartition("rx-closed", 0), new TopicPartition("rx-closed", 1));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(new SubscriptionPattern("rx-.*"));
            List<String> consumed = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> consumed.add(r.topic() + ":" + r.value()));
                return consumer.assignment().equals(open) && !consumed.isEmpty();
            });
            assertEquals(List.of("rx-open:v"), consumed);
            admin.createAcls(List.of(allow(ResourceType.TOPIC, "rx-closed", AclOperation.READ))).all().get();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(r -> consumed.add(r.topic() + ":" + r.value()));
                return consumer.assignment().equals(all);
            });
            assertEquals(List.of("rx-open:v"), consumed, "nothing consumed twice");
        }
    }

    private static AclBinding allow(ResourceType type, String name, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry(AclMatrix.ANONYMOUS, "*", operation, AclPermissionType.ALLOW));
    }

    // Without authorizer.class.name the ACL APIs answer SECURITY_DISABLED, as Kafka's do.
    @Test
    void noAuthorizerMeansSecurityDisabled(@TempDir Path plainDir) throws Exception {
        try (RunningBroker plain = new RunningBroker(plainDir, Map.of());
                Admin plainAdmin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, plain.bootstrap()))) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> plainAdmin.describeAcls(AclBindingFilter.ANY).values().get());
            assertInstanceOf(SecurityDisabledException.class, e.getCause());
        }
    }

    private static RunningBroker broker(Map<String, String> overrides) throws Exception {
        Map<String, String> config = new HashMap<>(Map.of("zookeeper.connect", zk.connectString(),
                "authorizer.class.name", AUTHORIZER, "log.dirs", dir.resolve("logs").toString(),
                "group.consumer.heartbeat.interval.ms", "500"));
        config.putAll(overrides);
        return new RunningBroker(dir, config);
    }

    /** Runs kafka-acls against a broker and returns its output; it must succeed. */
    private static String acls(RunningBroker target, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = target.bootstrap();
        System.arraycopy(args, 0, all, 2, args.length);
        KafkaTool.Result r = KafkaTool.run(ACL_COMMAND, null, all);
        assertEquals(0, r.exitCode(), "kafka-acls " + String.join(" ", args) + " failed:\n" + r.output());
        return r.output();
    }

    private static AclMatrix.Names named(String topic) {
        return new AclMatrix.Names(topic, topic, topic + "-group", topic + "-txn");
    }

    private static boolean producerFails(String bootstrap, String topic) {
        try {
            run(AclMatrix.Action.PRODUCE, named(topic), bootstrap);
            return false;
        } catch (Exception e) {
            return causeOfType(e, TopicAuthorizationException.class) != null;
        }
    }

    private static void run(AclMatrix.Action action, AclMatrix.Names names) throws Exception {
        run(action, names, broker.bootstrap());
    }

    private static void run(AclMatrix.Action action, AclMatrix.Names names, String bootstrap) throws Exception {
        run(action, names, bootstrap, Map.of());
    }

    /**
     * Runs a client action to completion, with {@code security} settings on top (a SASL login, say);
     * a refusal surfaces as the client's exception.
     */
    private static void run(AclMatrix.Action action, AclMatrix.Names names, String bootstrap,
            Map<String, Object> security) throws Exception {
        Map<String, Object> extra = new HashMap<>(security);
        switch (action) {
            case PRODUCE -> {
                extra.putAll(Map.of(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false", ProducerConfig.ACKS_CONFIG, "1"));
                produce(bootstrap, names, extra);
            }
            case PRODUCE_IDEMPOTENT -> {
                extra.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
                produce(bootstrap, names, extra);
            }
            case PRODUCE_TRANSACTIONAL -> {
                extra.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, names.transactionalId());
                produce(bootstrap, names, extra);
            }
            case CONSUME -> consume(bootstrap, names, security);
        }
    }

    private static void produce(String bootstrap, AclMatrix.Names names, Map<String, Object> extra) throws Exception {
        Map<String, Object> props = new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "10000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000", ProducerConfig.LINGER_MS_CONFIG, "0"));
        props.putAll(extra);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            boolean transactional = extra.containsKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
            if (transactional) {
                producer.initTransactions();
                producer.beginTransaction();
            }
            producer.send(new ProducerRecord<>(names.topic(), "k", "v")).get();
            if (transactional) {
                producer.commitTransaction();
            }
        }
    }

    private static void consume(String bootstrap, AclMatrix.Names names, Map<String, Object> security) {
        Map<String, Object> props = new HashMap<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ConsumerConfig.GROUP_ID_CONFIG, names.group(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000"));
        props.putAll(security);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(names.topic()));
            // polls until the group assigned the partition (a refusal is thrown by poll), then commits
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return !consumer.assignment().isEmpty();
            });
            consumer.assignment().forEach(consumer::position); // ListOffsets, OffsetFetch
            consumer.commitSync();
        }
    }

    /** The first exception of {@code type} in {@code e}'s causes (Awaitility and ExecutionException wrap them), or null. */
    private static Throwable causeOfType(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return t;
            }
        }
        return null;
    }
}

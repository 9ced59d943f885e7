package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.rmi.registry.LocateRegistry;
import java.rmi.registry.Registry;
import java.rmi.server.UnicastRemoteObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXConnectorServer;
import javax.management.remote.JMXConnectorServerFactory;
import javax.management.remote.JMXServiceURL;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's metrics as a dashboard reads them: one broker with the Prometheus endpoint on, N records
 * produced to a topic and fetched back with kafka-clients, then the MBeans read through a real
 * remote JMX connection (an RMI connector this test starts on loopback) and the endpoint scraped
 * over HTTP while other traffic runs; finally the topic's MBeans go with the topic. In this order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MetricsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TOPIC = "metered";
    private static final int RECORDS = 500;
    private static final int VALUE_BYTES = 100;

    @TempDir
    static Path dir;

    private RunningBroker broker;
    private int prometheusPort;
    private Registry rmiRegistry;
    private JMXConnectorServer jmxServer;
    private JMXConnector jmx;
    private MBeanServerConnection mbeans;

    @BeforeAll
    void start() throws Exception {
        prometheusPort = freePort();
        broker = new RunningBroker(dir, Map.of("metrics.prometheus.port", Integer.toString(prometheusPort)));
        int rmiPort = freePort();
        rmiRegistry = LocateRegistry.createRegistry(rmiPort);
        JMXServiceURL url = new JMXServiceURL("service:jmx:rmi:///jndi/rmi://127.0.0.1:" + rmiPort + "/jmxrmi");
        jmxServer = JMXConnectorServerFactory.newJMXConnectorServer(url, null,
                java.lang.management.ManagementFactory.getPlatformMBeanServer());
        jmxServer.start();
        jmx = JMXConnectorFactory.connect(url);
        mbeans = jmx.getMBeanServerConnection();
    }

    @AfterAll
    void stop() throws Exception {
        if (jmx != null) {
            jmx.close();
        }
        if (jmxServer != null) {
            jmxServer.stop();
        }
        if (rmiRegistry != null) {
            UnicastRemoteObject.unexportObject(rmiRegistry, true);
        }
        if (broker != null) {
            broker.close();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
    }

    private void produce(String topic, int count) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, new byte[VALUE_BYTES]));
            }
            producer.flush();
        }
    }

    private long attribute(String name, String attribute) throws Exception {
        return ((Number) mbeans.getAttribute(new ObjectName(name), attribute)).longValue();
    }

    /** The sum of an attribute over every MBean the pattern matches (e.g. RequestsPerSec of each version). */
    private long sum(String pattern, String attribute) throws Exception {
        long total = 0;
        for (ObjectName n : mbeans.queryNames(new ObjectName(pattern), null)) {
            total += ((Number) mbeans.getAttribute(n, attribute)).longValue();
        }
        return total;
    }

    // The counts operators alert on are exact, under Kafka's names, through remote JMX.
    @Test
    @Order(1)
    void mbeansCountWhatWasProducedAndFetched() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
        }
        produce(TOPIC, RECORDS);
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(tp)); // no group: nothing but this topic is written
            consumer.seekToBeginning(List.of(tp));
            int[] read = {0};
            await().atMost(WAIT).until(() -> {
                read[0] += consumer.poll(Duration.ofMillis(200)).count();
                return read[0] >= RECORDS;
            });
            assertEquals(RECORDS, read[0]);
        }
        String topicMeter = "kafka.server:type=BrokerTopicMetrics,name=%s,topic=" + TOPIC;
        String log = "kafka.log:type=Log,name=%s,topic=" + TOPIC + ",partition=0";
        // the MBeans appear 2 s after the broker serves (the platform MBean server starts off its start-up path)
        await().atMost(WAIT).ignoreExceptionsInstanceOf(InstanceNotFoundException.class).untilAsserted(() -> {
            assertEquals(RECORDS, attribute(topicMeter.formatted("MessagesInPerSec"), "Count"));
            assertEquals(RECORDS, attribute("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec", "Count"));
            assertEquals(RECORDS, attribute(log.formatted("LogEndOffset"), "Value"));
        });
        long logSize = attribute(log.formatted("Size"), "Value");
        // every batch appended is in the log: the bytes in are exactly the log's size
        assertEquals(logSize, attribute(topicMeter.formatted("BytesInPerSec"), "Count"));
        assertTrue(logSize > (long) RECORDS * VALUE_BYTES && logSize < (long) RECORDS * (VALUE_BYTES + 100), "size " + logSize);
        assertEquals(logSize, attribute("kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec", "Count"));
        await().atMost(WAIT).untilAsserted(() -> assertTrue(attribute(topicMeter.formatted("BytesOutPerSec"), "Count") >= logSize));
        assertEquals(0, attribute(log.formatted("LogStartOffset"), "Value"));
        assertTrue(attribute(log.formatted("NumLogSegments"), "Value") >= 1);
        assertTrue(attribute(topicMeter.formatted("TotalProduceRequestsPerSec"), "Count") >= 1);
        assertTrue(attribute(topicMeter.formatted("TotalFetchRequestsPerSec"), "Count") >= 1);
        assertEquals(0, attribute(topicMeter.formatted("FailedProduceRequestsPerSec"), "Count"));

        long produces = sum("kafka.network:type=RequestMetrics,name=RequestsPerSec,request=Produce,*", "Count");
        assertTrue(produces > 0);
        assertTrue(sum("kafka.network:type=RequestMetrics,name=RequestsPerSec,request=Fetch,*", "Count") > 0);
        assertTrue(sum("kafka.network:type=RequestMetrics,name=RequestsPerSec,request=FetchConsumer,*", "Count") > 0);
        // a histogram counts every completed request of its API
        assertEquals(produces, attribute("kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce", "Count"));
        assertEquals(produces, attribute("kafka.network:type=RequestMetrics,name=RequestBytes,request=Produce", "Count"));
        double p99 = (Double) mbeans.getAttribute(new ObjectName("kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce"),
                "99thPercentile");
        double max = (Double) mbeans.getAttribute(new ObjectName("kafka.network:type=RequestMetrics,name=TotalTimeMs,request=Produce"), "Max");
        assertTrue(p99 >= 0 && p99 <= max, "p99 " + p99 + " max " + max);
        assertEquals(1, attribute("kafka.controller:type=KafkaController,name=ActiveControllerCount", "Value"));
        assertEquals(0, attribute("kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions", "Value"));
        assertEquals(0, attribute("kafka.controller:type=KafkaController,name=OfflinePartitionsCount", "Value"));
        assertEquals(1, attribute("kafka.server:type=ReplicaManager,name=PartitionCount", "Value"));
        assertEquals(1, attribute("kafka.server:type=ReplicaManager,name=LeaderCount", "Value"));
        assertEquals(3, attribute("kafka.server:type=KafkaServer,name=BrokerState", "Value")); // RUNNING
        // no fsync per message by default (as Kafka): the flush timer is there, counting none
        assertEquals(0, attribute("kafka.log:type=LogFlushStats,name=LogFlushRateAndTimeMs", "Count"));
        assertEquals(0, attribute("kafka.controller:type=ControllerStats,name=LeaderElectionRateAndTimeMs", "Count"));
        assertEquals(java.util.concurrent.TimeUnit.SECONDS, mbeans.getAttribute(
                new ObjectName(topicMeter.formatted("MessagesInPerSec")), "RateUnit"));
        assertEquals("messages", mbeans.getAttribute(new ObjectName(topicMeter.formatted("MessagesInPerSec")), "EventType"));
        // each produce answered one partition, without error: NONE counted once per produce, as Kafka counts it
        assertEquals(produces, attribute(requestMetric("ErrorsPerSec", "Produce") + ",error=NONE", "Count"));
        assertEquals(Set.of(new ObjectName(requestMetric("ErrorsPerSec", "Produce") + ",error=NONE")),
                mbeans.queryNames(new ObjectName(requestMetric("ErrorsPerSec", "Produce") + ",*"), null));
        // Kafka's conversion histograms of Produce and Fetch count every request, at 0 (magic v2 only: no conversion)
        long fetches = sum("kafka.network:type=RequestMetrics,name=RequestsPerSec,request=Fetch,*", "Count");
        assertEquals(produces, attribute(requestMetric("MessageConversionsTimeMs", "Produce"), "Count"));
        assertEquals(produces, attribute(requestMetric("TemporaryMemoryBytes", "Produce"), "Count"));
        assertEquals(fetches, attribute(requestMetric("MessageConversionsTimeMs", "Fetch"), "Count"));
        assertEquals(0.0, mbeans.getAttribute(new ObjectName(requestMetric("MessageConversionsTimeMs", "Fetch")), "Max"));
        assertEquals(0, attribute("kafka.network:type=RequestChannel,name=ResponseQueueSize", "Value"));
        // and per network thread (Kafka's processor=N): one for each event loop that has served a connection
        Set<ObjectName> processors = mbeans.queryNames(
                new ObjectName("kafka.network:type=RequestChannel,name=ResponseQueueSize,processor=*"), null);
        assertTrue(!processors.isEmpty(), "per-processor response queues");
        for (ObjectName p : processors) {
            assertEquals(0, ((Number) mbeans.getAttribute(p, "Value")).longValue(), p.toString());
        }
        // no API version is deprecated in Kafka 4.4: like Kafka, no DeprecatedRequestsPerSec
        assertEquals(Set.of(), mbeans.queryNames(new ObjectName(
                "kafka.network:type=RequestMetrics,name=DeprecatedRequestsPerSec,*"), null));
        // app-info: the broker's build and start, in Kafka's two shapes
        ObjectName appInfo = new ObjectName("kafka.server:type=app-info");
        String version = (String) mbeans.getAttribute(appInfo, "version");
        assertTrue(!version.isBlank() && !version.equals("unknown"), version);
        assertEquals(version, mbeans.getAttribute(new ObjectName("kafka.server:type=app-info,id=0"), "Version"));
        assertEquals(mbeans.getAttribute(appInfo, "commit-id"),
                mbeans.getAttribute(new ObjectName("kafka.server:type=app-info,id=0"), "CommitId"));
        long started = (Long) mbeans.getAttribute(appInfo, "start-time-ms");
        assertTrue(started <= System.currentTimeMillis() && started > System.currentTimeMillis() - 600_000, "start " + started);
    }

    private static String requestMetric(String name, String request) {
        return "kafka.network:type=RequestMetrics,name=" + name + ",request=" + request;
    }

    // A consumer fetching past the log's end: Fetch's ErrorsPerSec counts OFFSET_OUT_OF_RANGE once; as in Kafka,
    // an expected error is no failed fetch (FailedFetchRequestsPerSec counts unexpected failures only).
    @Test
    @Order(2)
    void fetchErrorsAreCountedByCode() throws Exception {
        String outOfRange = requestMetric("ErrorsPerSec", "Fetch") + ",error=OFFSET_OUT_OF_RANGE";
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(tp));
            consumer.seek(tp, 10 * RECORDS);
            boolean thrown = false;
            for (long deadline = System.nanoTime() + WAIT.toNanos(); !thrown && System.nanoTime() < deadline; ) {
                try {
                    consumer.poll(Duration.ofMillis(200));
                } catch (org.apache.kafka.clients.consumer.OffsetOutOfRangeException e) {
                    thrown = true;
                }
            }
            assertTrue(thrown, "the consumer was told its offset is out of range");
        }
        await().atMost(WAIT).ignoreExceptionsInstanceOf(InstanceNotFoundException.class)
                .untilAsserted(() -> assertEquals(1, attribute(outOfRange, "Count")));
        assertTrue(attribute(requestMetric("ErrorsPerSec", "Fetch") + ",error=NONE", "Count") > 0);
        assertEquals(0, attribute("kafka.server:type=BrokerTopicMetrics,name=FailedFetchRequestsPerSec,topic=" + TOPIC, "Count"));
        assertEquals(0, attribute("kafka.server:type=BrokerTopicMetrics,name=FailedFetchRequestsPerSec", "Count"));
    }

    // A Prometheus scrape shows the same values under the JMX exporter's standard Kafka names, during traffic.
    @Test
    @Order(3)
    void prometheusShowsTheSameValuesUnderTheExporterNames() throws Exception {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic("background", 1, (short) 1))).all().get();
        }
        AtomicBoolean running = new AtomicBoolean(true);
        Thread traffic = new Thread(() -> {
            for (int round = 0; round < 200 && running.get(); round++) {
                try {
                    produce("background", 20);
                } catch (Exception e) {
                    return;
                }
            }
        }, "metrics-it-traffic");
        traffic.start();
        HttpClient http = HttpClient.newHttpClient();
        try {
            for (int scrape = 0; scrape < 3; scrape++) {
                String text = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + prometheusPort + "/metrics"))
                        .timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString()).body();
                assertEquals(RECORDS, value(text, "kafka_server_brokertopicmetrics_messagesin_total", "topic=\"" + TOPIC + "\""));
                assertEquals(attribute("kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=" + TOPIC, "Count"),
                        value(text, "kafka_server_brokertopicmetrics_bytesin_total", "topic=\"" + TOPIC + "\""));
                assertEquals(RECORDS, value(text, "kafka_log_log_logendoffset", "topic=\"" + TOPIC + "\""));
                assertEquals(1, value(text, "kafka_controller_kafkacontroller_activecontrollercount", null));
                assertEquals(0, value(text, "kafka_server_replicamanager_underreplicatedpartitions", null));
                assertTrue(value(text, "kafka_network_requestmetrics_requests_total", "request=\"Produce\"") > 0);
                assertTrue(value(text, "kafka_network_requestmetrics_totaltimems_count", "request=\"Produce\"") > 0);
                assertTrue(text.contains("quantile=\"0.99\""), "percentiles");
                assertTrue(value(text, "kafka_network_requestmetrics_totaltimems", "quantile=\"0.99\",request=\"Produce\"") >= 0);
                assertTrue(value(text, "jvm_memory_used_bytes", "area=\"heap\"") > 0);
            }
        } finally {
            running.set(false);
            traffic.join(WAIT.toMillis());
        }
    }

    /** The value of the first sample of {@code metric} whose labels contain {@code labels} (none: no labels needed). */
    private static double value(String text, String metric, String labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(metric) + "(\\{([^}]*)\\})? (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(text);
        while (m.find()) {
            if (labels == null || m.group(2) != null && m.group(2).contains(labels)) {
                return Double.parseDouble(m.group(3));
            }
        }
        throw new AssertionError(metric + "{" + labels + "} not in the scrape");
    }

    // The group coordinator's metrics (Kafka Metrics style: metric names as attributes) count a group's commit.
    @Test
    @Order(4)
    void groupCoordinatorMetricsCountCommits() throws Exception {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, "metered-group");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(tp)); // a group only for its offsets: classic, Empty
            consumer.commitSync(Map.of(tp, new org.apache.kafka.clients.consumer.OffsetAndMetadata(42)));
        }
        ObjectName coordinator = new ObjectName("kafka.server:type=group-coordinator-metrics");
        await().atMost(WAIT).ignoreExceptionsInstanceOf(InstanceNotFoundException.class).untilAsserted(() -> {
            assertEquals(1.0, mbeans.getAttribute(coordinator, "offset-commit-count"));
            assertEquals(1.0, mbeans.getAttribute(new ObjectName("kafka.server:type=group-coordinator-metrics,protocol=classic"),
                    "group-count"));
            assertEquals(1.0, mbeans.getAttribute(new ObjectName("kafka.server:type=group-coordinator-metrics,state=Empty"),
                    "classic-group-count"));
            assertEquals(1L, mbeans.getAttribute(coordinator, "offset-count")); // a long, as Kafka's
        });
        assertEquals(0.0, mbeans.getAttribute(new ObjectName("kafka.server:type=group-coordinator-metrics,protocol=consumer"),
                "group-count"));
        assertEquals(0.0, mbeans.getAttribute(coordinator, "offset-expiration-count"));
    }

    // Rebalances, as Kafka 4.4 counts them: a classic group's completed one (to Stable) and a consumer group's epoch
    // bump by a heartbeat; one consumer joining each kind of group makes one of each, its leaving none.
    @Test
    @Order(5)
    void groupCoordinatorMetricsCountRebalances() throws Exception {
        ObjectName coordinator = new ObjectName("kafka.server:type=group-coordinator-metrics");
        for (String protocol : List.of("classic", "consumer")) {
            Properties c = new Properties();
            c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap());
            c.put(ConsumerConfig.GROUP_ID_CONFIG, "rebalanced-" + protocol);
            c.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
            c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())) {
                consumer.subscribe(List.of(TOPIC));
                int[] read = {0};
                await().atMost(WAIT).until(() -> {
                    read[0] += consumer.poll(Duration.ofMillis(200)).count();
                    return read[0] >= RECORDS;
                });
            }
        }
        assertEquals(1.0, mbeans.getAttribute(coordinator, "group-completed-rebalance-count"));
        assertEquals(1.0, mbeans.getAttribute(coordinator, "consumer-group-rebalance-count"));
    }

    // A deleted topic leaves no MBean behind: not its meters, not its partitions' log gauges.
    @Test
    @Order(6)
    void topicMBeansGoWithTheTopic() throws Exception {
        ObjectName meters = new ObjectName("kafka.server:type=BrokerTopicMetrics,topic=" + TOPIC + ",*");
        ObjectName logs = new ObjectName("kafka.log:type=Log,topic=" + TOPIC + ",*");
        assertEquals(10, mbeans.queryNames(meters, null).size());
        assertEquals(4, mbeans.queryNames(logs, null).size());
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(TOPIC)).all().get();
        }
        await().atMost(WAIT).untilAsserted(() -> {
            assertEquals(Set.of(), mbeans.queryNames(meters, null));
            assertEquals(Set.of(), mbeans.queryNames(logs, null));
        });
        // the all-topics meters stay
        assertEquals(1, mbeans.queryNames(new ObjectName("kafka.server:type=BrokerTopicMetrics,name=MessagesInPerSec"), null).size());
    }
}

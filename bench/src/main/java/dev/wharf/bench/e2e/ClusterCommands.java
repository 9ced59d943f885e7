package dev.wharf.bench.e2e;

import dev.wharf.bench.e2e.Processes.JavaCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * How each system runs as a three-broker cluster on this machine, every broker in its own JVM with
 * the single-broker runs' options ({@link BrokerUnderTest#JVM_OPTIONS}: a 1 GiB heap each):
 * <ul>
 * <li>Kafka: three KRaft nodes in combined mode (broker and controller in one JVM), node ids 1-3,
 * a static three-voter quorum ({@code controller.quorum.voters}), each node's storage formatted
 * with the same cluster id.</li>
 * <li>Wharf: a standalone ZooKeeper ({@code ZooKeeperServerMain} on the broker's libraries, as
 * {@code bin/wharf-zookeeper-start.sh} runs it, with its heap options) and three brokers with
 * broker ids 1-3 connected to it, each with {@code config/jvm.options} as the single broker has
 * them (without the class-data archive).</li>
 * </ul>
 * Both get the single-broker {@link BrokerUnderTest#COMMON_SETTINGS}, then replication factor 3
 * for new and internal topics, {@code min.insync.replicas=2}, no unclean leader election, and the
 * same session timeout for a broker that falls silent ({@link #SESSION_TIMEOUT_MS}): Kafka's
 * {@code broker.session.timeout.ms} (heartbeats every 2 s, its default), Wharf's
 * {@code zookeeper.session.timeout.ms} (ZooKeeper's client pings every third of it; ZooKeeper's
 * tick is {@link #ZOOKEEPER_TICK_MS} so that expiry is checked finely).
 */
final class ClusterCommands {
    static final int SIZE = 3;
    static final int SESSION_TIMEOUT_MS = 6000;
    static final int ZOOKEEPER_TICK_MS = 500;
    /** bin/wharf-zookeeper-start.sh's default heap. */
    private static final List<String> ZOOKEEPER_JVM = List.of("-Xms64m", "-Xmx512m", "-Dzookeeper.jmx.log4j.disable=true",
            "-Dorg.slf4j.simpleLogger.showDateTime=true", "-Dorg.slf4j.simpleLogger.dateTimeFormat=yyyy-MM-dd HH:mm:ss.SSS");

    /** Replication settings both systems take under the same keys. */
    private static final List<String> REPLICATION = List.of("num.partitions=1", "default.replication.factor=3", "min.insync.replicas=2",
            "offsets.topic.replication.factor=3", "transaction.state.log.replication.factor=3", "transaction.state.log.min.isr=2",
            "unclean.leader.election.enable=false");

    /** The commands that run one system's cluster: an optional coordination service first, then the brokers by id. */
    record Prepared(Optional<JavaCommand> zookeeper, int zookeeperPort, Map<Integer, JavaCommand> nodes, Map<Integer, Integer> ports) {
        String bootstrap() {
            return ports.values().stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
        }
    }

    private ClusterCommands() {
    }

    static Prepared prepare(BrokerUnderTest broker, Processes processes, Path dir) throws Exception {
        Map<Integer, Integer> ports = new LinkedHashMap<>();
        for (int id = 1; id <= SIZE; id++) {
            ports.put(id, BrokerUnderTest.freePort());
        }
        if (broker instanceof BrokerUnderTest.Kafka kafka) {
            return kafka(kafka, processes, dir, ports);
        }
        return wharf((BrokerUnderTest.Wharf) broker, dir, ports);
    }

    /** The common settings with the cluster's replacing those of the same key. */
    private static Map<String, String> settings(List<String> extra) {
        Map<String, String> all = new LinkedHashMap<>();
        for (List<String> lines : List.of(BrokerUnderTest.COMMON_SETTINGS, REPLICATION, extra)) {
            for (String line : lines) {
                int eq = line.indexOf('=');
                all.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return all;
    }

    private static Prepared kafka(BrokerUnderTest.Kafka kafka, Processes processes, Path dir, Map<Integer, Integer> ports)
            throws Exception {
        Map<Integer, Integer> controllerPorts = new LinkedHashMap<>();
        ports.keySet().forEach(id -> controllerPorts.put(id, BrokerUnderTest.freePort()));
        String voters = controllerPorts.entrySet().stream().map(e -> e.getKey() + "@127.0.0.1:" + e.getValue())
                .collect(Collectors.joining(","));
        String clusterId = org.apache.kafka.common.Uuid.randomUuid().toString();
        Path log4j = BrokerUnderTest.Kafka.writeLog4j(dir);
        String classpath = kafka.lib() + "/*";
        Map<Integer, JavaCommand> nodes = new LinkedHashMap<>();
        for (int id : ports.keySet()) {
            Path nodeDir = Files.createDirectories(dir.resolve("node-" + id));
            String listeners = "PLAINTEXT://127.0.0.1:" + ports.get(id) + ",CONTROLLER://127.0.0.1:" + controllerPorts.get(id);
            Map<String, String> props = settings(List.of("process.roles=broker,controller", "node.id=" + id,
                    "controller.quorum.voters=" + voters, "listeners=" + listeners, "advertised.listeners=" + listeners,
                    "controller.listener.names=CONTROLLER", "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT", "log.dirs=" + nodeDir.resolve("data"),
                    "broker.session.timeout.ms=" + SESSION_TIMEOUT_MS, "share.coordinator.state.topic.replication.factor=3",
                    "share.coordinator.state.topic.min.isr=2"));
            Path config = nodeDir.resolve("server.properties");
            Files.writeString(config, props.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue() + "\n").collect(Collectors.joining()));
            JavaCommand format = new JavaCommand(List.of("-Xmx256m", "-Dlog4j2.configurationFile=" + log4j), classpath,
                    "kafka.tools.StorageTool", List.of("format", "-t", clusterId, "-c", config.toString()));
            Processes.Finished formatted = processes.run(format, dir.resolve("format-node-" + id), Duration.ofSeconds(90));
            if (formatted.exitCode() != 0) {
                throw new IOException("kafka-storage format of node " + id + " failed (" + formatted.exitCode() + "):\n"
                        + formatted.stdout() + Processes.tail(dir.resolve("format-node-" + id + ".err"), 20));
            }
            List<String> jvm = new ArrayList<>(BrokerUnderTest.JVM_OPTIONS);
            jvm.add("-Dlog4j2.configurationFile=" + log4j);
            nodes.put(id, new JavaCommand(jvm, classpath, "kafka.Kafka", List.of(config.toString())));
        }
        return new Prepared(Optional.empty(), 0, nodes, ports);
    }

    private static Prepared wharf(BrokerUnderTest.Wharf wharf, Path dir, Map<Integer, Integer> ports) throws Exception {
        int zkPort = BrokerUnderTest.freePort();
        Path zkConfig = dir.resolve("zookeeper.properties");
        Files.writeString(zkConfig, String.join("\n", "dataDir=" + dir.resolve("zookeeper"), "clientPort=" + zkPort,
                "clientPortAddress=127.0.0.1", "tickTime=" + ZOOKEEPER_TICK_MS, "maxClientCnxns=0", "admin.enableServer=false",
                "4lw.commands.whitelist=ruok,srvr,stat,mntr", ""));
        JavaCommand zookeeper = new JavaCommand(ZOOKEEPER_JVM, wharf.zookeeperClasspath(), "org.apache.zookeeper.server.ZooKeeperServerMain",
                List.of(zkConfig.toString()));
        List<String> jvm = wharf.jvmOptions();
        Map<Integer, JavaCommand> nodes = new LinkedHashMap<>();
        for (int id : ports.keySet()) {
            Path nodeDir = Files.createDirectories(dir.resolve("node-" + id));
            Map<String, String> props = settings(List.of("broker.id=" + id, "listeners=PLAINTEXT://127.0.0.1:" + ports.get(id),
                    "log.dirs=" + nodeDir.resolve("data"), "zookeeper.connect=127.0.0.1:" + zkPort,
                    "zookeeper.session.timeout.ms=" + SESSION_TIMEOUT_MS, "schema.registry.listeners="));
            List<String> args = new ArrayList<>(List.of(wharf.config().toString()));
            props.forEach((k, v) -> {
                args.add("--override");
                args.add(k + "=" + v);
            });
            nodes.put(id, new JavaCommand(jvm, wharf.classpath(), "dev.wharf.server.Main", args));
        }
        return new Prepared(Optional.of(zookeeper), zkPort, nodes, ports);
    }
}

package dev.wharf.bench.e2e;

import dev.wharf.bench.e2e.Processes.JavaCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One of the two brokers compared. Both run in their own JVM with the same JVM options (those of
 * Kafka's {@code kafka-run-class.sh}, with a 1 GiB heap; Wharf adds what its start script adds:
 * {@code config/jvm.options} and the class-data archive) and the settings the comparison needs to
 * be fair: no fsync per message (both brokers' default), 1 GiB segments, one partition per
 * auto-created topic, a replication factor of one for internal topics, no initial rebalance delay,
 * a deleted topic's files removed after 1 s, listening on 127.0.0.1 only. When a run has TLS
 * workloads, both also get the same TLS listener ({@code SSL://127.0.0.1:<port>}, the same store,
 * each broker's TLS defaults otherwise); runs without them get none, so their figures stay
 * comparable with those of earlier runs.
 */
abstract sealed class BrokerUnderTest permits BrokerUnderTest.Kafka, BrokerUnderTest.Wharf {
    static final List<String> JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20",
            "-XX:InitiatingHeapOccupancyPercent=35", "-XX:+ExplicitGCInvokesConcurrent", "-Djava.awt.headless=true");

    /**
     * Each collection pause logged to {@code gc.log} in {@code dir}, for both brokers: one line a
     * pause, so that a latency tail can be set against the pauses of the same minutes.
     */
    static String gcLog(Path dir) {
        return "-Xlog:gc:file=" + dir.resolve("gc.log") + ":time,uptime";
    }

    /** The comparable settings, with Kafka's keys (Wharf takes the same ones). */
    static final List<String> COMMON_SETTINGS = List.of("num.partitions=1", "default.replication.factor=1",
            "auto.create.topics.enable=true", "log.segment.bytes=1073741824", "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=50", "group.initial.rebalance.delay.ms=0",
            // a deleted topic's files go after 1 s, not a minute: the later produce samples' topics are deleted, and the
            // harness waits for their files to go before the next sample
            "log.segment.delete.delay.ms=1000",
            // the log cleaner looks for work every second, not every 15: the compaction workload times from a config
            // change to the end of cleaning, which a 15 s sleep would swamp
            "log.cleaner.backoff.ms=1000");

    /** A broker's extra TLS listener: its port and the store it serves with. */
    record TlsListener(int port, TlsStore store) {
        String listener() {
            return "SSL://127.0.0.1:" + port;
        }
    }

    /** Short key used in the JSON and the table: {@code kafka} or {@code wharf}. */
    abstract String key();

    /** Name and version, for people. */
    abstract String label();

    /**
     * Writes the broker's configuration into {@code dir} (formatting storage if needed) and returns
     * its command. Each start of a run gets a fresh {@code dir}; their common parent is the run's.
     * The broker listens for plaintext on {@code port} and, when {@code tls} is given, for TLS too.
     */
    abstract JavaCommand prepare(Processes processes, Path dir, int port, Optional<TlsListener> tls) throws Exception;

    /** Where the broker prepared in {@code dir} keeps its partitions' logs ({@code log.dirs}). */
    static Path dataDir(Path dir) {
        return dir.resolve("data");
    }

    private static final int LOWEST_PORT = 10_000;

    /**
     * A loopback port free now and below the kernel's ephemeral range. A port the kernel handed out
     * for a port-0 bind can be handed out again before the broker binds it: once, Wharf's embedded
     * ZooKeeper (which binds port 0) got the very port chosen for Wharf's listener.
     */
    static int freePort() {
        int ephemeralLow = 32768;
        try {
            ephemeralLow = Integer.parseInt(Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            // not Linux: keep the usual lower bound
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200 && ephemeralLow > LOWEST_PORT + 1000; attempt++) {
            int port = random.nextInt(LOWEST_PORT, ephemeralLow);
            try (ServerSocket s = new ServerSocket()) {
                s.bind(new InetSocketAddress("127.0.0.1", port));
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        // no room below the ephemeral range: any free port, as before
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Apache Kafka in KRaft combined mode (broker and controller in one process), a single node. */
    static final class Kafka extends BrokerUnderTest {
        private final Path lib;
        private final String version;

        Kafka(Path lib, String version) {
            this.lib = lib;
            this.version = version;
        }

        @Override
        String key() {
            return "kafka";
        }

        /** Kafka's class path directory, for {@link ClusterCommands}. */
        Path lib() {
            return lib;
        }

        @Override
        String label() {
            return "Apache Kafka " + version;
        }

        /** Kafka's logging configuration in {@code dir}: INFO to stdout, like the distribution's log4j2.yaml minus the extra files. */
        static Path writeLog4j(Path dir) throws IOException {
            Path log4j = dir.resolve("log4j2.properties");
            Files.writeString(log4j, """
                    status=warn
                    appender.stdout.type=Console
                    appender.stdout.name=STDOUT
                    appender.stdout.layout.type=PatternLayout
                    appender.stdout.layout.pattern=[%d] %p %m (%c)%n
                    rootLogger.level=INFO
                    rootLogger.appenderRef.stdout.ref=STDOUT
                    """);
            return log4j;
        }

        @Override
        JavaCommand prepare(Processes processes, Path dir, int port, Optional<TlsListener> tls) throws Exception {
            int controllerPort = freePort();
            Path config = dir.resolve("server.properties");
            String listeners = "PLAINTEXT://127.0.0.1:" + port + tls.map(t -> "," + t.listener()).orElse("")
                    + ",CONTROLLER://127.0.0.1:" + controllerPort;
            StringBuilder props = new StringBuilder();
            for (String line : List.of("process.roles=broker,controller", "node.id=1",
                    "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                    "listeners=" + listeners, "advertised.listeners=" + listeners,
                    "controller.listener.names=CONTROLLER", "inter.broker.listener.name=PLAINTEXT",
                    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SSL:SSL",
                    "log.dirs=" + dataDir(dir), "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1", "share.coordinator.state.topic.replication.factor=1",
                    "share.coordinator.state.topic.min.isr=1")) {
                props.append(line).append('\n');
            }
            COMMON_SETTINGS.forEach(line -> props.append(line).append('\n'));
            tls.ifPresent(t -> t.store().brokerSettings().forEach(line -> props.append(line).append('\n')));
            Files.writeString(config, props);
            Path log4j = writeLog4j(dir);
            String classpath = lib + "/*";
            JavaCommand format = new JavaCommand(List.of("-Xmx256m", "-Dlog4j2.configurationFile=" + log4j), classpath,
                    "kafka.tools.StorageTool", List.of("format", "-t", org.apache.kafka.common.Uuid.randomUuid().toString(),
                            "-c", config.toString(), "--standalone"));
            Processes.Finished formatted = processes.run(format, dir.resolve("format"), java.time.Duration.ofSeconds(90));
            if (formatted.exitCode() != 0) {
                throw new IOException("kafka-storage format failed (" + formatted.exitCode() + "):\n" + formatted.stdout()
                        + Processes.tail(dir.resolve("format.err"), 20));
            }
            List<String> jvm = new ArrayList<>(JVM_OPTIONS);
            jvm.add(gcLog(dir));
            jvm.add("-Dlog4j2.configurationFile=" + log4j);
            return new JavaCommand(jvm, classpath, "kafka.Kafka", List.of(config.toString()));
        }
    }

    /** Wharf with the repository's {@code config/server.properties} and an embedded ZooKeeper. */
    static final class Wharf extends BrokerUnderTest {
        private final Path serverTarget;
        private final Path config;

        Wharf(Path serverTarget, Path config) {
            this.serverTarget = serverTarget;
            this.config = config;
        }

        @Override
        String key() {
            return "wharf";
        }

        /** The broker's class path (its jar and libraries), for {@link ClusterCommands}. */
        String classpath() {
            return jar() + ":" + serverTarget.resolve("lib") + "/*";
        }

        /** The ZooKeeper server's class path (the broker's libraries), as bin/wharf-zookeeper-start.sh has it. */
        String zookeeperClasspath() {
            return serverTarget.resolve("lib") + "/*";
        }

        /** The repository's config/server.properties, which every Wharf broker starts from. */
        Path config() {
            return config;
        }

        @Override
        String label() {
            return "Wharf " + jar().getFileName().toString().replaceAll("^wharf-server-|\\.jar$", "");
        }

        private Path jar() {
            try (var files = Files.list(serverTarget)) {
                return files.filter(f -> f.getFileName().toString().matches("wharf-server-.*(?<!-tests)\\.jar")).findFirst()
                        .orElseThrow(() -> new IllegalStateException("build the server first: no jar in " + serverTarget));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /**
         * Wharf's command, run as {@code bin/wharf-server-start.sh} runs it from its second start
         * on: with a class-data archive of the classes a broker loads. Before the run's first
         * start, an unmeasured broker records that archive: it starts, acknowledges one record and
         * stops (Kafka's storage format is the same kind of preparation).
         */
        @Override
        JavaCommand prepare(Processes processes, Path dir, int port, Optional<TlsListener> tls) throws Exception {
            Path archive = dir.resolveSibling("wharf-server.jsa");
            List<String> options = jvmOptions();
            if (!Files.isRegularFile(archive)) {
                recordArchive(processes, archive, options, tls);
            }
            List<String> jvm = new ArrayList<>(options);
            jvm.add(gcLog(dir));
            jvm.add("-XX:SharedArchiveFile=" + archive);
            jvm.addAll(CDS_QUIET);
            return command(jvm, dataDir(dir), port, tls);
        }

        /** The training broker is configured as the measured ones are (with the TLS listener if they have one). */
        private void recordArchive(Processes processes, Path archive, List<String> options, Optional<TlsListener> tls) throws Exception {
            Path training = archive.resolveSibling("cds-training");
            int trainingPort = freePort();
            Optional<TlsListener> trainingTls = tls.map(t -> new TlsListener(freePort(), t.store()));
            List<String> recording = new ArrayList<>(options);
            recording.add("-XX:ArchiveClassesAtExit=" + archive);
            recording.addAll(CDS_QUIET);
            Process broker = processes.start(command(recording, dataDir(training), trainingPort, trainingTls),
                    archive.resolveSibling("cds-training.log"));
            try {
                FirstRecord.awaitFirstAck("127.0.0.1:" + trainingPort, broker, System.nanoTime(), java.time.Duration.ofSeconds(60));
            } finally {
                processes.stop(broker);
            }
            if (!Files.isRegularFile(archive)) {
                throw new IOException("the training run wrote no class-data archive " + archive);
            }
            SideBySide.deleteRecursively(training);
        }

        /** The common options, then those the start script adds from {@code config/jvm.options}. */
        List<String> jvmOptions() throws IOException {
            List<String> jvm = new ArrayList<>(JVM_OPTIONS);
            for (String line : Files.readAllLines(config.resolveSibling("jvm.options"))) {
                String option = line.strip();
                if (!option.isEmpty() && !option.startsWith("#")) {
                    jvm.add(option);
                }
            }
            return jvm;
        }

        /** The start script's options beside the archive: mapped where recorded, and no warnings. */
        private static final List<String> CDS_QUIET = List.of("-XX:+UnlockDiagnosticVMOptions", "-XX:ArchiveRelocationMode=0",
                "-Xlog:cds=off", "-Xlog:cds+dynamic=off");

        private JavaCommand command(List<String> jvm, Path data, int port, Optional<TlsListener> tls) {
            List<String> args = new ArrayList<>(List.of(config.toString()));
            List<String> overrides = new ArrayList<>(List.of("listeners=PLAINTEXT://127.0.0.1:" + port
                    + tls.map(t -> "," + t.listener()).orElse(""), "log.dirs=" + data, "zookeeper.embedded.port=0",
                    "schema.registry.listeners=")); // Kafka has no registry to compare with
            overrides.addAll(COMMON_SETTINGS);
            tls.ifPresent(t -> overrides.addAll(t.store().brokerSettings()));
            for (String override : overrides) {
                args.add("--override");
                args.add(override);
            }
            return new JavaCommand(jvm, jar() + ":" + serverTarget.resolve("lib") + "/*", "dev.wharf.server.Main", args);
        }
    }
}

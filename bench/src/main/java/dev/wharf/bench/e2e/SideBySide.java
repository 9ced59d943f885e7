package dev.wharf.bench.e2e;

import dev.wharf.bench.e2e.Report.BrokerRun;
import dev.wharf.bench.e2e.Workloads.Target;
import dev.wharf.bench.e2e.Workloads.Workload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * The side-by-side benchmark: Apache Kafka, then Wharf, each started fresh in its own JVM on the
 * same machine and disk, each driven through the same workloads by Kafka's own load generators in
 * their own JVMs. Prints one table and writes it as JSON and SVG. Run it with {@code bench/run.sh}.
 *
 * <pre>
 * SideBySide [--smoke | --profile full|smoke|tiny] [--only WORKLOAD,...] [--repo DIR] [--results DIR] [--work DIR]
 * </pre>
 * The repository directory holds the built pieces: {@code server/target} (Wharf),
 * {@code bench/kafka-classpath/target/lib} (Kafka) and {@code compat-tests/kafka-tools-classpath/target/lib}
 * (the load generators). Broker data lives in a temporary directory under the work directory and
 * is deleted afterwards; the last run's logs are kept in {@code <work>/logs}.
 */
public final class SideBySide {
    private static final Duration STARTUP_BOUND = Duration.ofSeconds(120);
    /** How long a workload waits for the previous one's writes to reach the disk before it starts anyway. */
    private static final Duration SETTLE_BOUND = Duration.ofSeconds(60);
    private static final Duration DISK_QUIET_BOUND = Duration.ofSeconds(30);
    /** The running broker's data directory, for the shutdown hook. */
    private static final AtomicReference<Path> CURRENT_DATA = new AtomicReference<>();
    /** The run's TLS store directory (when it has TLS workloads), for the shutdown hook. */
    private static final AtomicReference<Path> TLS_DIR = new AtomicReference<>();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    /** Where things are and how much to do. */
    record Options(Profile profile, Path repo, Path results, Path work) {
        static Options parse(String[] args) {
            Profile profile = Profile.named("full");
            Path repo = Path.of(System.getProperty("wharf.bench.repo", ".")).toAbsolutePath().normalize();
            Path results = null;
            Path work = null;
            Set<String> only = null;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--smoke" -> profile = Profile.named("smoke");
                    case "--profile" -> profile = Profile.named(args[++i]);
                    case "--only" -> only = Set.of(args[++i].split(","));
                    case "--cluster" -> only = ClusterWorkloads.NAMES;
                    case "--repo" -> repo = Path.of(args[++i]).toAbsolutePath().normalize();
                    case "--results" -> results = Path.of(args[++i]).toAbsolutePath();
                    case "--work" -> work = Path.of(args[++i]).toAbsolutePath();
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]
                            + "; usage: SideBySide [--smoke | --profile full|smoke|tiny] [--only WORKLOAD,...] [--repo DIR] [--results DIR] [--work DIR]");
                }
            }
            if (only != null) {
                profile = profile.only(only);
            }
            // only complete full runs (of the one-broker or the cluster workloads) are results of record; the others land
            // under target/
            if (results == null) {
                boolean ofRecord = profile.name().equals("full") && (only == null || only.equals(ClusterWorkloads.NAMES));
                results = repo.resolve(ofRecord ? "bench/results" : "bench/target/results");
            }
            if (work == null) {
                work = repo.resolve("bench/target/side-by-side");
            }
            return new Options(profile, repo, results, work);
        }
    }

    /** The report and where it was written. */
    record Outcome(Report report, Path json, Path svg) {
        boolean complete() {
            return report.complete();
        }
    }

    private SideBySide() {
    }

    public static void main(String[] args) throws Exception {
        Outcome outcome = run(Options.parse(args));
        System.out.println();
        System.out.print(outcome.report().table());
        System.out.println("\nwrote " + outcome.json() + " and " + outcome.svg());
        System.exit(outcome.complete() ? 0 : 1);
    }

    static Outcome run(Options options) throws IOException, InterruptedException {
        Path kafkaLib = options.repo().resolve("bench/kafka-classpath/target/lib");
        Path toolsLib = options.repo().resolve("compat-tests/kafka-tools-classpath/target/lib");
        for (Path required : List.of(kafkaLib, toolsLib, options.repo().resolve("server/target/lib"))) {
            if (!Files.isDirectory(required)) {
                throw new IllegalStateException(required + " is missing: build first (bench/run.sh does)");
            }
        }
        List<BrokerUnderTest> brokers = List.of(new BrokerUnderTest.Kafka(kafkaLib, kafkaVersion(kafkaLib)),
                new BrokerUnderTest.Wharf(options.repo().resolve("server/target"), options.repo().resolve("config/server.properties")));
        List<Workload> workloads = Workloads.of(options.profile());
        Files.createDirectories(options.work());
        Instant started = Instant.now();
        Map<String, String> machine = machine();
        NativeConsume.prepareTools(options.repo(), options.work().resolve("logs"), workloads);
        Optional<PhysicalLimits.Measured> limits = PhysicalLimits.measureIfUseful(options.profile(), workloads, options.work());
        FirstRecord.warmUp();
        Map<String, BrokerRun> runs = new LinkedHashMap<>();
        try (Processes processes = new Processes()) {
            // Ctrl-C: no finally block runs, so the hook stops the JVMs and removes the broker's data and the key store
            Thread hook = new Thread(() -> {
                processes.close();
                for (Path dir : new Path[] {CURRENT_DATA.get(), TLS_DIR.get()}) {
                    if (dir != null) {
                        try {
                            deleteRecursively(dir);
                        } catch (IOException | UncheckedIOException e) {
                            System.err.println("could not delete " + dir + ": " + e);
                        }
                    }
                }
            }, "side-by-side-cleanup");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                Optional<TlsStore> tls = Optional.empty();
                if (Workloads.needTls(workloads)) {
                    TLS_DIR.set(Files.createTempDirectory(options.work(), "tls-"));
                    tls = Optional.of(TlsStore.generate(TLS_DIR.get()));
                }
                for (BrokerUnderTest broker : brokers) {
                    runs.put(broker.key(), runBroker(broker, workloads, options, processes, toolsLib, tls));
                }
            } finally {
                Path tlsDir = TLS_DIR.getAndSet(null);
                if (tlsDir != null) {
                    deleteRecursively(tlsDir);
                }
            }
            Runtime.getRuntime().removeShutdownHook(hook);
        }
        Report report = new Report(options.profile(), started, Duration.between(started, Instant.now()), machine, workloads,
                runs.get("kafka"), runs.get("wharf"));
        report.limits = limits.orElse(null);
        return write(report, options.results());
    }

    /**
     * Starts the broker {@code startSamples} times, each time fresh (new data directory, new
     * port) and timed to its first acknowledged record; the last start then runs the workloads.
     * With a TLS store, each start also listens for TLS on a port of its own.
     */
    private static BrokerRun runBroker(BrokerUnderTest broker, List<Workload> workloads, Options options, Processes processes,
            Path toolsLib, Optional<TlsStore> tlsStore) throws IOException, InterruptedException {
        BrokerRun run = new BrokerRun(broker.key(), broker.label());
        Path dir = Files.createTempDirectory(options.work(), broker.key() + "-");
        CURRENT_DATA.set(dir);
        Path logs = options.work().resolve("logs").resolve(broker.key());
        deleteRecursively(logs);
        Files.createDirectories(logs);
        int starts = options.profile().startSamples();
        // once per broker: the disk may still be busy with what the other broker's run deleted
        log("%s: %s", broker.key(), DiskQuiet.await(DISK_QUIET_BOUND));
        List<Map<Metric, Double>> startups = new ArrayList<>();
        Path brokerLog = logs.resolve("broker.log");
        Path startDir = null;
        try {
            for (int i = 1; i <= starts; i++) {
                boolean last = i == starts;
                startDir = Files.createDirectories(dir.resolve("start-" + i));
                brokerLog = logs.resolve(last ? "broker.log" : "broker-start-" + i + ".log");
                log("%s: start %d of %d in %s", broker.label(), i, starts, startDir);
                settle(broker.key(), "start " + i);
                int port = BrokerUnderTest.freePort();
                Optional<BrokerUnderTest.TlsListener> tls = tlsStore.map(store -> new BrokerUnderTest.TlsListener(
                        BrokerUnderTest.freePort(), store));
                Processes.JavaCommand command = broker.prepare(processes, startDir, port, tls);
                long startNanos = System.nanoTime();
                Process process = processes.start(command, brokerLog);
                try {
                    double startup = FirstRecord.awaitFirstAck("127.0.0.1:" + port, process, startNanos, STARTUP_BOUND);
                    startups.add(Map.of(Metric.STARTUP_TO_FIRST_RECORD_MS, startup));
                    log("%s: first record acknowledged %.0f ms after launch", broker.key(), startup);
                    if (last) {
                        tls.ifPresent(t -> run.tlsNegotiated = negotiated(broker, t));
                        run.putSampled(Report.BROKER_ROW, startups);
                        runWorkloads(run, process, port, tls, BrokerUnderTest.dataDir(startDir),
                                workloads.stream().filter(w -> !w.startsOwnBrokers()).toList(),
                                new LoadTools(processes, toolsLib, logs), processes, logs);
                    }
                } finally {
                    processes.stop(process);
                }
                if (last) {
                    runOwnBrokerWorkloads(run, broker, dir, workloads.stream().filter(Workload::startsOwnBrokers).toList(),
                            new LoadTools(processes, toolsLib, logs), processes, logs, tlsStore);
                }
                if (!last) {
                    deleteRecursively(startDir);
                }
            }
        } catch (Exception e) {
            run.errors.put("start", e + "\n" + Processes.tail(brokerLog, 40));
            log("%s: FAILED to start: %s%n%s", broker.key(), e, Processes.tail(brokerLog, 40));
        } finally {
            copyLogs(dir, logs);
            if (startDir != null) {
                copyLogs(startDir, logs);
            }
            deleteRecursively(dir);
            CURRENT_DATA.set(null);
        }
        return run;
    }

    /** The TLS listener's protocol and cipher suite, for the report; a failure is reported there too (the TLS workloads will fail). */
    private static String negotiated(BrokerUnderTest broker, BrokerUnderTest.TlsListener tls) {
        try {
            String negotiated = TlsHandshake.negotiated("127.0.0.1", tls.port(), tls.store());
            log("%s: TLS listener negotiated %s", broker.key(), negotiated);
            return negotiated;
        } catch (Exception e) {
            log("%s: TLS handshake FAILED: %s", broker.key(), e);
            return "handshake failed: " + e;
        }
    }

    private static void runWorkloads(BrokerRun run, Process process, int port, Optional<BrokerUnderTest.TlsListener> tls, Path data,
            List<Workload> workloads, LoadTools tools, Processes processes, Path logs) throws IOException {
        ProcStat stat = new ProcStat(process.pid(), ProcStat.clockTicksPerSecond());
        Target target = new Target("127.0.0.1", port, tls.map(t -> Endpoint.tls("127.0.0.1:" + t.port(), t.store())), data, stat, tools,
                processes, logs, System.getProperty("java.class.path"));
        for (Workload workload : workloads) {
            if (!process.isAlive()) {
                run.errors.put(workload.name(), "broker exited with " + process.exitValue());
                continue;
            }
            long t0 = System.nanoTime();
            try {
                List<Map<Metric, Double>> taken = new ArrayList<>();
                for (int sample = 1; sample <= workload.samples(); sample++) {
                    settle(run.key, workload.name() + " sample " + sample);
                    taken.add(workload.run().against(target, sample));
                    if (workload.samples() > 1) {
                        log("%s: %-20s sample %d: %s", run.key, workload.name(), sample, taken.get(sample - 1));
                    }
                }
                run.putSampled(workload.name(), taken);
                log("%s: %-20s %5.1f s  peak RSS so far %.0f MiB  %s", run.key, workload.name(), (System.nanoTime() - t0) / 1e9,
                        stat.peakRssMiB(), run.workloads.get(workload.name()));
            } catch (Exception e) {
                run.errors.put(workload.name(), String.valueOf(e));
                log("%s: %-20s FAILED: %s", run.key, workload.name(), e);
            }
        }
        if (process.isAlive()) {
            run.overall.put(Metric.PEAK_RSS_MIB, stat.peakRssMiB());
        }
    }

    /**
     * The workloads that start brokers of their own, once the run's broker has stopped: each
     * sample gets an empty directory under the run's, deleted afterwards (its logs are kept).
     */
    private static void runOwnBrokerWorkloads(BrokerRun run, BrokerUnderTest broker, Path dir, List<Workload> workloads, LoadTools tools,
            Processes processes, Path logs, Optional<TlsStore> tls) throws IOException {
        for (Workload workload : workloads) {
            long t0 = System.nanoTime();
            try {
                List<Map<Metric, Double>> taken = new ArrayList<>();
                for (int sample = 1; sample <= workload.samples(); sample++) {
                    settle(run.key, workload.name() + " sample " + sample);
                    Path own = Files.createDirectories(dir.resolve(workload.name() + "-" + sample));
                    try {
                        taken.add(workload.ownBrokers().on(new Workloads.Fresh(broker, own, processes, tools, logs,
                                System.getProperty("java.class.path"), tls), sample));
                    } finally {
                        copyLogs(own, logs);
                        deleteRecursively(own);
                    }
                    if (workload.samples() > 1) {
                        log("%s: %-20s sample %d: %s", run.key, workload.name(), sample, taken.get(sample - 1));
                    }
                }
                run.putSampled(workload.name(), taken);
                log("%s: %-20s %5.1f s  %s", run.key, workload.name(), (System.nanoTime() - t0) / 1e9, run.workloads.get(workload.name()));
            } catch (Exception e) {
                run.errors.put(workload.name(), String.valueOf(e));
                log("%s: %-20s FAILED: %s", run.key, workload.name(), e);
            }
        }
    }

    /** Writes the run's JSON and chart; {@code latest.*} only for a run in which nothing failed. */
    private static Outcome write(Report report, Path results) throws IOException {
        Files.createDirectories(results);
        boolean clusterOnly = report.workloads.stream().allMatch(w -> ClusterWorkloads.NAMES.contains(w.name()));
        String base = (report.complete() ? "" : "failed-") + "side-by-side-" + report.profile.name() + (clusterOnly ? "-cluster-" : "-")
                + STAMP.format(report.started);
        Path json = results.resolve(base + ".json");
        Path svg = results.resolve(base + ".svg");
        String chart = SvgChart.draw(report);
        Files.writeString(json, report.json());
        Files.writeString(svg, chart);
        if (report.complete()) {
            Report latest = LatestResults.mergeWithPrevious(results.resolve("latest.json"), report);
            Files.writeString(results.resolve("latest.json"), latest.json());
            Files.writeString(results.resolve("latest.svg"), SvgChart.draw(latest));
            Files.writeString(results.resolve("latest.txt"), latest.table());
        }
        return new Outcome(report, json, svg);
    }

    private static Map<String, String> machine() {
        Map<String, String> m = new LinkedHashMap<>();
        int cores = Runtime.getRuntime().availableProcessors();
        String cpu = firstMatch(Path.of("/proc/cpuinfo"), "model name").orElse("unknown CPU");
        String memory = firstMatch(Path.of("/proc/meminfo"), "MemTotal").map(s -> Math.round(Long.parseLong(s.split("\\s+")[0]) / 1048576.0)
                + " GiB").orElse("?");
        String kernel = read(Path.of("/proc/sys/kernel/osrelease"));
        String java = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version");
        m.put("cores", Integer.toString(cores));
        m.put("cpu", cpu);
        m.put("memory", memory);
        m.put("kernel", kernel);
        m.put("java", java);
        m.put("load_at_start", read(Path.of("/proc/loadavg")));
        m.put("summary", String.format("%d cores %s, %s RAM, Linux %s, %s", cores, cpu, memory, kernel, java));
        return m;
    }

    private static java.util.Optional<String> firstMatch(Path file, String key) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> l.startsWith(key)).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim());
        } catch (IOException | UncheckedIOException e) {
            return java.util.Optional.empty();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    private static String kafkaVersion(Path lib) throws IOException {
        try (Stream<Path> files = Files.list(lib)) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("kafka_2\\.13-.*\\.jar")).findFirst()
                    .map(n -> n.replaceAll("^kafka_2\\.13-|\\.jar$", "")).orElse("?");
        }
    }

    /** Keeps the broker's configuration and tool logs from {@code dir}; not its class-data archive. */
    private static void copyLogs(Path dir, Path logs) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".jsa")).toList()) {
                Files.copy(f, logs.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            log("could not keep logs from %s: %s", dir, e);
        }
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Each measurement starts with the previous one's writes on disk (see {@link DirtyPages}). */
    private static void settle(String broker, String before) throws IOException, InterruptedException {
        DirtyPages.Settled settled = DirtyPages.settle(SETTLE_BOUND);
        if (settled.dirtyKiB() >= 64 * 1024 || settled.timedOut()) {
            log("%s: before %s: %s", broker, before, settled);
        }
    }

    private static void log(String format, Object... args) {
        System.out.printf("[side-by-side] " + format + "%n", args);
        System.out.flush();
    }
}

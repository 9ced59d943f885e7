package dev.wharf.server;

import dev.wharf.server.config.IgnoredKeys;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;

/**
 * {@code wharf-server-start.sh CONFIG [--override key=value]...}: runs a broker in the foreground
 * until Ctrl-C or SIGTERM, which shut it down cleanly; once it is up, one INFO line sums it up
 * ({@link StartupSummary}). {@code --version}, {@code --help} and {@code --ignored-configs} print
 * and exit. Runs on the JVM's main thread; the shutdown hook closes the broker on its own thread.
 */
public final class Main {
    private static final String USAGE = """
            usage: wharf-server-start.sh [CONFIG] [--override key=value]...
                   wharf-server-start.sh --version | --help | --ignored-configs
            Runs a Wharf broker in the foreground until Ctrl-C or SIGTERM (bin/wharf-server-stop.sh).
              CONFIG               a Kafka-style server.properties (without it, Kafka's defaults)
              --override key=value a setting over the file's; repeatable, the last one wins
              --version            the build, its commit, and the Kafka API level it speaks
              --ignored-configs    the Kafka keys Wharf accepts without using them, and why
              --help               this text""";

    private Main() {}

    public static void main(String[] args) throws Exception {
        Path configFile = null;
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--version" -> exit(0, BuildInfo.current().versionText());
                case "--help", "-h" -> exit(0, USAGE);
                case "--ignored-configs" -> exit(0, String.join("\n", IgnoredKeys.describeAll()));
                default -> {
                    if (args[i].equals("--override") && i + 1 < args.length) {
                        overrides.add(args[++i]);
                    } else if (configFile == null && !args[i].startsWith("--")) {
                        configFile = Path.of(args[i]);
                    } else {
                        System.err.println(USAGE);
                        System.exit(2);
                    }
                }
            }
        }
        if (configFile != null && !Files.exists(configFile)) {
            System.err.println("config file not found: " + configFile);
            System.exit(2);
        }
        BrokerConfig config;
        try {
            config = BrokerConfig.load(configFile, overrides);
        } catch (IllegalArgumentException e) {
            System.err.println("invalid configuration: " + e.getMessage());
            System.exit(1);
            return;
        }
        Broker broker = new Broker(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                broker.close();
            } catch (Exception e) {
                System.err.println("error during shutdown: " + e);
            } finally {
                stopped.countDown();
            }
        }, "wharf-shutdown"));
        try {
            broker.start();
        } catch (Exception e) {
            // the shutdown hook closes whatever did start; exit rather than linger half-started
            LoggerFactory.getLogger(Main.class).error("broker failed to start", e);
            System.exit(1);
        }
        LoggerFactory.getLogger(Main.class).info("{}", StartupSummary.of(BuildInfo.current().version(), config, broker,
                sinceProcessStart()));
        stopped.await();
    }

    /** Milliseconds since the JVM was launched, as an operator timing the start would count them. */
    private static long sinceProcessStart() {
        Instant launched = ProcessHandle.current().info().startInstant().orElse(Instant.now());
        return Math.max(0, Instant.now().toEpochMilli() - launched.toEpochMilli());
    }

    private static void exit(int status, String text) {
        System.out.println(text);
        System.exit(status);
    }
}

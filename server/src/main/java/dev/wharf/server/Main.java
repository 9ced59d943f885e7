package dev.wharf.server;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code wharf-server-start.sh CONFIG [--override key=value]...}: runs a broker in the foreground
 * until Ctrl-C or SIGTERM, which shut it down cleanly.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        Path configFile = null;
        List<String> overrides = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--override") && i + 1 < args.length) {
                overrides.add(args[++i]);
            } else if (configFile == null && !args[i].startsWith("--")) {
                configFile = Path.of(args[i]);
            } else {
                System.err.println("usage: wharf-server-start.sh CONFIG [--override key=value]...");
                System.exit(2);
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
            org.slf4j.LoggerFactory.getLogger(Main.class).error("broker failed to start", e);
            System.exit(1);
        }
        stopped.await();
    }
}

package dev.wharf.controller;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node ZooKeeper server inside the broker's process (the default when no
 * {@code zookeeper.connect} is configured), listening on loopback, with its data beside the logs.
 */
public final class EmbeddedZooKeeper implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedZooKeeper.class);
    private static final int TICK_MS = 2000;

    private final ZooKeeperServer server;
    private final ServerCnxnFactory factory;

    /** @param port the port to listen on; 0 picks a free one */
    public EmbeddedZooKeeper(Path dataDir, int port) throws IOException {
        Files.createDirectories(dataDir);
        this.server = new ZooKeeperServer(dataDir.resolve("snapshots").toFile(), dataDir.resolve("txnlog").toFile(), TICK_MS);
        this.factory = ServerCnxnFactory.createFactory(new InetSocketAddress("127.0.0.1", port), 1000);
        try {
            factory.startup(server);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting ZooKeeper", e);
        }
        log.info("embedded ZooKeeper started connect={} dataDir={}", connectString(), dataDir);
    }

    public String connectString() {
        return "127.0.0.1:" + factory.getLocalPort();
    }

    @Override
    public void close() {
        factory.shutdown();
        server.shutdown();
    }
}

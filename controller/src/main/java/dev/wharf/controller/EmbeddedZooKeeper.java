package dev.wharf.controller;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.zookeeper.server.NIOServerCnxnFactory;
import org.apache.zookeeper.server.ServerCnxn;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZKDatabase;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-node ZooKeeper server inside the broker's process (the default when no
 * {@code zookeeper.connect} is configured), listening on loopback, with its data beside the logs.
 * <p>
 * It registers no JMX beans and no metrics: registering the first bean starts the JVM's platform
 * MBean server, about a fifth of the broker's start-up on a 2-core machine, and the metrics load
 * the JVM's management classes, for a server nobody monitors apart from the broker it lives in.
 */
public final class EmbeddedZooKeeper implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedZooKeeper.class);
    private static final int TICK_MS = 2000;
    /** The least ZooKeeper takes (with none it fails on the first write). */
    private static final int COMMITTED_WRITES_KEPT = 1;

    private final ZooKeeperServer server;
    private final ServerCnxnFactory factory;

    /** @param port the port to listen on; 0 picks a free one */
    public EmbeddedZooKeeper(Path dataDir, int port) throws IOException {
        Files.createDirectories(dataDir);
        this.server = new UnmonitoredServer(dataDir.resolve("snapshots").toFile(), dataDir.resolve("txnlog").toFile(), TICK_MS);
        ZKDatabase database = new ZKDatabase(server.getTxnLogFactory());
        // A quorum keeps its last 500 writes in memory to bring followers up to date; alone, this
        // server has none to serve. Each topic created is one multi of a write per partition: the
        // 500 kept held some 100 MB of a broker's heap after 10,000 partitions were created and deleted.
        database.commitLogCount = COMMITTED_WRITES_KEPT;
        server.setZKDatabase(database);
        this.factory = new UnmonitoredConnections();
        factory.configure(new InetSocketAddress("127.0.0.1", port), 1000);
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
        try {
            server.getTxnLogFactory().close(); // shutdown() leaves the transaction log open: one descriptor per start
        } catch (IOException e) {
            log.warn("closing ZooKeeper's transaction log failed", e);
        }
    }

    private static final class UnmonitoredServer extends ZooKeeperServer {
        UnmonitoredServer(File snapshots, File txnLog, int tickMs) throws IOException {
            super(snapshots, txnLog, tickMs);
        }

        @Override
        protected void registerJMX() {
        }

        @Override
        protected void unregisterJMX() {
        }

        @Override
        protected void registerMetrics() {
        }

        @Override
        protected void unregisterMetrics() {
        }
    }

    private static final class UnmonitoredConnections extends NIOServerCnxnFactory {
        @Override
        public void registerConnection(ServerCnxn connection) {
        }

        @Override
        public void unregisterConnection(ServerCnxn connection) {
        }
    }
}

package dev.wharf.controller;

import java.io.Closeable;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This broker's ZooKeeper session and its registration at {@code /brokers/ids/<id>}, and the one
 * thread, {@code wharf-zk-events}, on which all of the controller module's ZooKeeper work runs:
 * registration, election, cache updates and writes. Others hand work to it with {@link #call},
 * {@link #execute} and {@link #schedule}; watchers only queue work there.
 *
 * <p>Connection states: SUSPENDED keeps everything as it is (writes are fenced by the controller
 * epoch, and the caches serve what they hold); LOST tells the listeners, as the session's
 * ephemeral nodes are gone or going; RECONNECTED registers again (after LOST under a new session)
 * and tells the listeners, which re-add their watches and re-read what they may have missed.
 *
 * <p>Threads: the session ids ({@link #ownsNode}) are read from any thread; everything else runs
 * on {@code wharf-zk-events}, apart from the Curator connection-state callback, which only queues.
 */
final class ZkSession implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(ZkSession.class);

    /** Told, on {@code wharf-zk-events}, about this broker's sessions. */
    interface Listener {
        /** The broker is registered under a session, new or resumed: re-add watches, re-read state. */
        void registered() throws Exception;

        /** The session is lost; its ephemeral nodes are gone or about to go. */
        default void lost() {}
    }

    private final CuratorFramework zk;
    private final BrokerInfo self;
    private final ScheduledExecutorService events = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "wharf-zk-events");
        t.setDaemon(true);
        return t;
    });
    private volatile Thread eventThread;
    /** This broker's sessions, the current one and earlier ones, whose ephemeral nodes are ours to replace. */
    private final Set<Long> ourSessions = ConcurrentHashMap.newKeySet();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    ZkSession(String connect, int sessionTimeoutMs, BrokerInfo self) {
        this.self = self;
        // a connection attempt longer than the session would outlive it (Curator warns of that, too)
        this.zk = CuratorFrameworkFactory.newClient(connect, sessionTimeoutMs, Math.min(15_000, sessionTimeoutMs),
                new ExponentialBackoffRetry(100, 10));
        events.execute(() -> eventThread = Thread.currentThread());
    }

    CuratorFramework client() {
        return zk;
    }

    BrokerInfo self() {
        return self;
    }

    /** Listeners are told in the order they were added. */
    void addListener(Listener listener) {
        listeners.add(listener);
    }

    /** Connects, registers this broker and tells the listeners. */
    void start() throws Exception {
        zk.getConnectionStateListenable().addListener((client, state) -> onConnectionState(state));
        zk.start();
        if (!zk.blockUntilConnected(30, TimeUnit.SECONDS)) {
            throw new IOException("cannot connect to ZooKeeper");
        }
        call(() -> {
            registerAndTell();
            return null;
        });
    }

    private void onConnectionState(ConnectionState state) {
        switch (state) {
            case SUSPENDED -> log.warn("ZooKeeper connection suspended; serving cached metadata broker={}", self.id());
            case LOST -> {
                log.error("ZooKeeper session lost broker={}", self.id());
                execute(() -> listeners.forEach(Listener::lost));
            }
            case RECONNECTED -> execute(this::registerAgain);
            default -> { }
        }
    }

    /**
     * Registers again after a reconnect; retried every second while it fails and the connection
     * holds (a broker that is not registered is invisible to clients), until the session closes.
     */
    private void registerAgain() {
        if (closed || !zk.getZookeeperClient().isConnected()) {
            return; // the next RECONNECTED tries again
        }
        try {
            registerAndTell();
            log.info("registered again after reconnecting to ZooKeeper broker={}", self.id());
        } catch (Exception e) {
            log.error("registration after reconnect failed; retrying in 1 s broker={}", self.id(), e);
            schedule(this::registerAgain, 1000);
        }
    }

    private void registerAndTell() throws Exception {
        ourSessions.add(sessionId());
        createEphemeral(ZkData.broker(self.id()), ZkData.brokerRegistration(self), true);
        for (Listener l : listeners) {
            l.registered();
        }
    }

    long sessionId() throws Exception {
        return zk.getZookeeperClient().getZooKeeper().getSessionId();
    }

    /** Whether a node is an ephemeral of one of this broker's sessions, current or earlier. */
    boolean ownsNode(Stat stat) {
        return ourSessions.contains(stat.getEphemeralOwner());
    }

    /**
     * Creates an ephemeral node, or finds it held by this session already. A node left by an
     * earlier session of this broker (a crash or a lost session, before it expired) is replaced
     * rather than waited out. A node held by any other session is left alone and its data returned,
     * unless {@code ourPath} says that no other broker may hold it (this broker's registration): its
     * holder is then an earlier run of this broker, remembered as one of ours.
     *
     * @return empty when this session holds the node, else the data of the node another holds
     */
    Optional<byte[]> createEphemeral(String path, byte[] data, boolean ourPath) throws Exception {
        for (int attempt = 0; attempt < 10; attempt++) {
            try {
                zk.create().creatingParentsIfNeeded().withMode(CreateMode.EPHEMERAL).forPath(path, data);
                return Optional.empty();
            } catch (KeeperException.NodeExistsException e) {
                Stat stat = new Stat();
                byte[] existing;
                try {
                    existing = zk.getData().storingStatIn(stat).forPath(path);
                } catch (KeeperException.NoNodeException gone) {
                    continue;
                }
                if (stat.getEphemeralOwner() == sessionId()) {
                    return Optional.empty();
                }
                if (!ownsNode(stat)) {
                    if (!ourPath) {
                        return Optional.of(existing);
                    }
                    ourSessions.add(stat.getEphemeralOwner());
                }
                log.warn("replacing node={} left by an earlier session of broker={}", path, self.id());
                try {
                    zk.delete().withVersion(stat.getVersion()).forPath(path);
                } catch (KeeperException.NoNodeException | KeeperException.BadVersionException ignored) {
                    // raced with its expiry; try again
                }
            }
        }
        throw new IOException("cannot create " + path);
    }

    /** Runs work on {@code wharf-zk-events} and waits for it, rethrowing what it threw. */
    <T> T call(Callable<T> work) throws Exception {
        if (Thread.currentThread() == eventThread) {
            return work.call();
        }
        try {
            return events.submit(work).get();
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the ZooKeeper session is closed", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    void execute(Runnable work) {
        schedule(work, 0);
    }

    void schedule(Runnable work, long delayMs) {
        try {
            events.schedule(work, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // closed meanwhile
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        events.shutdownNow();
        zk.close();
    }
}

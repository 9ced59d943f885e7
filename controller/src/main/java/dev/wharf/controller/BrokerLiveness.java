package dev.wharf.controller;

import java.io.Closeable;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's fast failure detector: it notices that a broker's process is gone when the
 * broker's listener stops taking connections, instead of waiting for the broker's ZooKeeper
 * session to expire ({@code zookeeper.session.timeout.ms}, 18 s by default), so that leadership
 * moves off a crashed broker within a second.
 *
 * <p>While this broker is the controller, it holds one idle TCP connection to the first listener
 * of every other registered broker. When the kernel closes one (a process that dies, even by
 * SIGKILL, has its sockets closed), it connects again at once; a connection <em>refused</em> means
 * nothing listens on that port any more, and the broker counts as {@linkplain #gone() gone} for
 * elections, exactly as if its registration had disappeared. Anything less certain (a connect that
 * times out: a paused process or a partitioned network; a broker never reached at all: an
 * advertised address this broker cannot reach) proves nothing, and is left to the session timeout.
 * A gone broker is retried every second; should it take a connection again under the same
 * registration, it counts as live again. Leadership moved off a broker wrongly counted as gone
 * costs nothing but a leader change: every move bumps the leader epoch in a fenced ZooKeeper write.
 *
 * <p>Threads: {@link #brokersChanged} and {@link #elected} on {@code wharf-zk-events}; the
 * connections on {@code wharf-broker-liveness}, which reports back through {@code changed}, run
 * on {@code wharf-zk-events}.
 */
final class BrokerLiveness implements MetadataListener, Closeable {
    private static final Logger log = LoggerFactory.getLogger(BrokerLiveness.class);
    private static final long RETRY_MS = 1000;
    /** A connect still pending after this long proves nothing either way: close it and retry later. */
    private static final long CONNECT_TIMEOUT_MS = 5000;
    private static final long SELECT_MS = 200;

    private final ZkSession session;
    private final ControllerElection election;
    private final MetadataCache cache;
    private final int self;
    private final Runnable changed;
    /** Gone brokers, each with the epoch of the registration it was gone under. */
    private final Map<Integer, Long> gone = new ConcurrentHashMap<>();
    /**
     * What the liveness thread should watch next, broker id to registration; taken by that thread.
     * Each plan is whole, so only the latest counts (and nothing piles up before the thread starts).
     */
    private final AtomicReference<Map<Integer, Watched>> plan = new AtomicReference<>();
    private Selector selector;
    private Thread thread;
    private volatile boolean closed;

    /** One registration of a broker: its epoch (a new one means it restarted) and where it listens. */
    private record Watched(long epoch, InetSocketAddress address) {
    }

    /** The liveness thread's state for one broker; touched by that thread only. */
    private static final class Watch {
        final int id;
        final Watched registration;
        SocketChannel channel;
        /** Whether a connection to it ever succeeded: only then does a refusal mean it is gone. */
        boolean reached;
        long connectStartedMs;
        long retryAtMs;

        Watch(int id, Watched registration) {
            this.id = id;
            this.registration = registration;
        }
    }

    BrokerLiveness(ZkSession session, ControllerElection election, MetadataCache cache, int self, Runnable changed) {
        this.session = session;
        this.election = election;
        this.cache = cache;
        this.self = self;
        this.changed = changed;
    }

    /** The brokers still registered whose process is known to be gone. */
    Set<Integer> gone() {
        return gone.keySet();
    }

    /** This broker just became controller: watch every other broker. */
    void elected() {
        brokersChanged(cache.liveBrokers());
    }

    /**
     * Runs before {@link LeaderElections} hears of the same change: a broker that left or
     * re-registered under a new epoch (it restarted) is no longer gone, so elections see its
     * registration alone.
     */
    @Override
    public void brokersChanged(List<BrokerInfo> live) {
        Map<Integer, Long> epochs = cache.brokerEpochs();
        Map<Integer, Watched> next = new HashMap<>();
        if (election.isController() && !closed) {
            for (BrokerInfo b : live) {
                if (b.id() != self) {
                    next.put(b.id(), new Watched(epochs.getOrDefault(b.id(), -1L), new InetSocketAddress(b.host(), b.port())));
                }
            }
        }
        gone.entrySet().removeIf(e -> !next.containsKey(e.getKey()) || next.get(e.getKey()).epoch() != e.getValue());
        plan.set(next);
        if (!next.isEmpty()) {
            startThread();
        }
        Selector s = selector;
        if (s != null) {
            s.wakeup();
        }
    }

    private synchronized void startThread() {
        if (thread != null || closed) {
            return;
        }
        try {
            selector = Selector.open();
        } catch (IOException e) {
            log.warn("cannot watch brokers' listeners, failures wait for ZooKeeper sessions to expire: {}", e.toString());
            return;
        }
        thread = new Thread(this::watchLoop, "wharf-broker-liveness");
        thread.setDaemon(true);
        thread.start();
    }

    private void watchLoop() {
        Map<Integer, Watch> watches = new HashMap<>();
        ByteBuffer sink = ByteBuffer.allocate(256);
        try {
            while (!closed) {
                Map<Integer, Watched> latest = plan.getAndSet(null);
                if (latest != null) {
                    replan(watches, latest);
                }
                selector.select(SELECT_MS);
                long now = System.currentTimeMillis();
                for (SelectionKey key : selector.selectedKeys()) {
                    Watch w = (Watch) key.attachment();
                    if (key.isValid() && key.isConnectable()) {
                        finishConnect(w, now);
                    } else if (key.isValid() && key.isReadable() && closedByPeer(w, sink)) {
                        log.debug("broker {} closed the liveness connection; connecting again", w.id);
                        disconnect(w);
                        connect(w, now);
                    }
                }
                selector.selectedKeys().clear();
                for (Watch w : watches.values()) {
                    if (w.channel == null && now >= w.retryAtMs) {
                        connect(w, now);
                    } else if (w.channel != null && w.channel.isConnectionPending() && now - w.connectStartedMs > CONNECT_TIMEOUT_MS) {
                        disconnect(w);
                        w.retryAtMs = now + RETRY_MS;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                log.warn("broker liveness watching stopped; failures wait for ZooKeeper sessions to expire", e);
            }
        } finally {
            watches.values().forEach(this::disconnect);
        }
    }

    private void replan(Map<Integer, Watch> watches, Map<Integer, Watched> plan) {
        watches.entrySet().removeIf(e -> {
            if (e.getValue().registration.equals(plan.get(e.getKey()))) {
                return false;
            }
            disconnect(e.getValue());
            return true;
        });
        plan.forEach((id, registration) -> watches.computeIfAbsent(id, k -> new Watch(id, registration)));
    }

    private void connect(Watch w, long now) {
        try {
            SocketChannel channel = SocketChannel.open();
            channel.configureBlocking(false);
            w.channel = channel;
            w.connectStartedMs = now;
            if (channel.connect(w.registration.address())) {
                connected(w);
            } else {
                channel.register(selector, SelectionKey.OP_CONNECT, w);
            }
        } catch (ConnectException refused) {
            refused(w, now);
        } catch (IOException e) {
            disconnect(w);
            w.retryAtMs = now + RETRY_MS;
        }
    }

    private void finishConnect(Watch w, long now) {
        try {
            if (w.channel.finishConnect()) {
                connected(w);
            }
        } catch (ConnectException refused) {
            refused(w, now);
        } catch (IOException e) {
            disconnect(w);
            w.retryAtMs = now + RETRY_MS;
        }
    }

    private void connected(Watch w) throws IOException {
        w.reached = true;
        w.channel.register(selector, SelectionKey.OP_READ, w);
        if (gone.remove(w.id) != null) {
            log.info("broker {} takes connections again under the same registration: live", w.id);
            session.execute(changed);
        }
    }

    private void refused(Watch w, long now) {
        disconnect(w);
        w.retryAtMs = now + RETRY_MS;
        if (w.reached && gone.putIfAbsent(w.id, w.registration.epoch()) == null) {
            log.info("broker {} is gone (its listener {} refuses connections): moving leadership off it without waiting for its "
                    + "ZooKeeper session to expire", w.id, w.registration.address());
            session.execute(changed);
        }
    }

    /** Whether the peer closed the connection (or reset it); a broker never writes to it otherwise. */
    private static boolean closedByPeer(Watch w, ByteBuffer sink) {
        try {
            sink.clear();
            return w.channel.read(sink) < 0;
        } catch (IOException reset) {
            return true;
        }
    }

    private void disconnect(Watch w) {
        if (w.channel != null) {
            try {
                w.channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            w.channel = null;
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            selector.wakeup();
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
                selector.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}

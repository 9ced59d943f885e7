package dev.wharf.server.network;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The broker's connection limits, shared by all its listeners (KIP-402, KIP-612's broker-wide part):
 * {@code max.connections} and {@code max.connection.creation.rate} over every listener but the
 * inter-broker one (a full broker must still replicate), and {@code max.connections.per.ip} with
 * its overrides over all of them. Counts connections open now, per address and in all.
 *
 * <p>Threads: the listeners' accept threads and the connections' event loops (closes); counts are
 * atomic, the settings are replaced whole ({@link #update}) and read without a lock.
 */
public final class ConnectionLimits {
    /** The limits in force; dynamic broker configs replace them. */
    public record Settings(int maxConnections, int maxPerIp, Map<String, Integer> perIpOverrides, int creationRatePerSec) {
        public static final Settings NONE = new Settings(Integer.MAX_VALUE, Integer.MAX_VALUE, Map.of(), Integer.MAX_VALUE);

        public Settings {
            perIpOverrides = Map.copyOf(perIpOverrides);
        }

        /**
         * Parses {@code max.connections.per.ip.overrides} ({@code host-or-ip:count} entries), host
         * names resolved now, as Kafka does: the accept path compares addresses only.
         */
        public static Map<String, Integer> parseOverrides(List<String> entries) {
            Map<String, Integer> out = new HashMap<>();
            for (String e : entries) {
                int colon = e.lastIndexOf(':');
                try {
                    if (colon <= 0) {
                        throw new NumberFormatException();
                    }
                    int count = Integer.parseInt(e.substring(colon + 1).trim());
                    out.put(InetAddress.getByName(e.substring(0, colon).trim()).getHostAddress(), count);
                } catch (NumberFormatException | UnknownHostException bad) {
                    throw new IllegalArgumentException("max.connections.per.ip.overrides entry '" + e
                            + "' is not host:count with a known host");
                }
            }
            return out;
        }
    }

    private volatile Settings settings = Settings.NONE;
    private final AtomicInteger limited = new AtomicInteger();
    private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();
    /** Creation-rate bucket: when the next connection may be accepted (ns), advanced by 1 s / rate per accept. */
    private long nextAcceptNanos;

    public void update(Settings now) {
        settings = now;
    }

    Settings settings() {
        return settings;
    }

    /** Whether a listener subject to the broker-wide limit may accept another connection now. */
    boolean belowMaxConnections() {
        return limited.get() < settings.maxConnections();
    }

    /** A limited listener accepted a connection: it takes the next slot of max.connection.creation.rate. */
    synchronized void accepted(long nowNanos) {
        int rate = settings.creationRatePerSec();
        if (rate == Integer.MAX_VALUE) {
            return;
        }
        long interval = 1_000_000_000L / Math.max(1, rate);
        // a quiet second lets at most one second's worth of connections through at once
        nextAcceptNanos = Math.max(nextAcceptNanos, nowNanos - 1_000_000_000L + interval) + interval;
    }

    /** Nanoseconds until a limited listener may accept again under the creation rate (0: now). */
    synchronized long creationWaitNanos(long nowNanos) {
        return settings.creationRatePerSec() == Integer.MAX_VALUE ? 0 : Math.max(0, nextAcceptNanos - nowNanos);
    }

    /** Counts a new connection from {@code address}; false (and nothing counted) when over its limit. */
    boolean opened(InetAddress address, boolean countsToMax) {
        int limit = limitFor(address);
        boolean[] taken = {false};
        perAddress.compute(address, (a, n) -> {
            int open = n == null ? 0 : n;
            if (open >= limit) {
                return n;
            }
            taken[0] = true;
            return open + 1;
        });
        if (taken[0] && countsToMax) {
            limited.incrementAndGet();
        }
        return taken[0];
    }

    /** A connection counted by {@link #opened} closed. */
    void closed(InetAddress address, boolean countsToMax) {
        if (countsToMax) {
            limited.decrementAndGet();
        }
        perAddress.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    private int limitFor(InetAddress address) {
        Settings s = settings;
        Integer override = s.perIpOverrides().isEmpty() ? null : s.perIpOverrides().get(address.getHostAddress());
        return override != null ? override : s.maxPerIp();
    }

    /** Connections open now from {@code address}. */
    public int openFrom(InetAddress address) {
        return perAddress.getOrDefault(address, 0);
    }
}

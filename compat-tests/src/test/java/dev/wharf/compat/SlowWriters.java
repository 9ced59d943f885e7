package dev.wharf.compat;

import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Connections written slowly, kept by one hostile client thread beside its other work: each gets
 * one byte every {@link #DRIP_MS} until its bytes run out, then is held open, silent, until its
 * deadline and closed. A slow-loris is one whose bytes stop short of the length it declared. At
 * most {@link #MAX} at a time per thread, so their number is bounded. Not thread-safe.
 */
final class SlowWriters implements AutoCloseable {
    static final long DRIP_MS = 100;
    static final int MAX = 12;

    private static final class Slow {
        final Socket socket;
        final byte[] bytes;
        final long deadlineNanos;
        int written;
        long nextNanos;

        Slow(Socket socket, byte[] bytes, long deadlineNanos, long nowNanos) {
            this.socket = socket;
            this.bytes = bytes;
            this.deadlineNanos = deadlineNanos;
            this.nextNanos = nowNanos;
        }
    }

    private final List<Slow> open = new ArrayList<>();

    /**
     * Drips {@code bytes} into {@code socket} from now on, and closes it {@code holdMs} from now;
     * when {@link #MAX} are open, the oldest is closed first.
     */
    void add(Socket socket, byte[] bytes, long holdMs) {
        if (open.size() >= MAX) {
            HostileClient.closeQuietly(open.remove(0).socket, true);
        }
        long now = System.nanoTime();
        open.add(new Slow(socket, bytes, now + holdMs * 1_000_000L, now));
    }

    /** Writes the bytes that are due and closes the connections whose time is up. */
    void tick() {
        long now = System.nanoTime();
        for (Iterator<Slow> it = open.iterator(); it.hasNext();) {
            Slow s = it.next();
            try {
                if (now - s.deadlineNanos >= 0) {
                    it.remove();
                    HostileClient.closeQuietly(s.socket, true);
                } else if (s.written < s.bytes.length && now - s.nextNanos >= 0) {
                    s.socket.getOutputStream().write(s.bytes[s.written++]);
                    s.nextNanos = now + DRIP_MS * 1_000_000L;
                }
            } catch (IOException e) { // the broker gave up on it first: allowed
                it.remove();
                HostileClient.closeQuietly(s.socket, true);
            }
        }
    }

    @Override
    public void close() {
        open.forEach(s -> HostileClient.closeQuietly(s.socket, true));
        open.clear();
    }
}

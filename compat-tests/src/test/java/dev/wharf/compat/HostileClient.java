package dev.wharf.compat;

import dev.wharf.compat.FuzzStats.Attack;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.SaslAuthenticateRequest;
import dev.wharf.wire.message.SaslHandshakeRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * One fuzzing thread's work against one listener: sessions of pipelined random and mutated
 * requests of every API and version, truncated frames, length prefixes over the maximum or
 * negative, slow-loris and one-byte-per-100ms writers (kept in {@link SlowWriters} beside the rest),
 * floods of connections opened and dropped, and SASL exchanges with garbage, cut short.
 * <p>
 * What it sends depends only on its seed (responses are read and dropped, never acted on; each
 * session has a seed of its own, so one the broker cuts short changes none after it), so a failing
 * run is replayed by its seed. It stops after {@code frameQuota} frames or at its deadline.
 */
final class HostileClient implements Runnable {
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final List<ApiKey> APIS = Arrays.stream(ApiKey.values()).filter(ApiKey::hasVersions).toList();
    private static final String[] MECHANISMS = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "GSSAPI", "OAUTHBEARER", "", "plain"};

    private final InetSocketAddress target;
    private final long frameQuota;
    private final long deadlineNanos;
    private final int maxRequestBytes;
    private final long slowHoldMs;
    private final FuzzStats stats;
    /** Draws each session's seed: a session cut short by the broker leaves the ones after it as they were. */
    private final Random sessions;
    /** Everything within a session; reseeded at its start. */
    private final Random random = new Random();
    private final RandomRequests requests;
    private final FrameMutations mutations;
    private final SlowWriters slow = new SlowWriters();
    private long frames;

    HostileClient(InetSocketAddress target, long seed, long frameQuota, long deadlineNanos, int maxRequestBytes,
            long slowHoldMs, FuzzStats stats) {
        this.target = target;
        this.frameQuota = frameQuota;
        this.deadlineNanos = deadlineNanos;
        this.maxRequestBytes = maxRequestBytes;
        this.slowHoldMs = slowHoldMs;
        this.stats = stats;
        this.sessions = new Random(seed);
        this.requests = new RandomRequests(random);
        this.mutations = new FrameMutations(random);
    }

    @Override
    public void run() {
        try (slow) {
            while (frames < frameQuota && System.nanoTime() - deadlineNanos < 0) {
                slow.tick();
                random.setSeed(sessions.nextLong());
                Attack attack = pick();
                stats.session(attack);
                try {
                    switch (attack) {
                        case PIPELINE -> pipeline();
                        case TRUNCATED -> truncated();
                        case BAD_LENGTH -> badLength();
                        case SLOW_LORIS -> slowLoris();
                        case DRIP -> drip();
                        case FLOOD -> flood();
                        case SASL -> sasl();
                    }
                } catch (IOException e) { // the broker closed on us, as it may: what it sends is not judged here
                    stats.refused();
                }
            }
        }
    }

    private Attack pick() {
        int r = random.nextInt(100);
        if (r < 62) {
            return Attack.PIPELINE;
        } else if (r < 72) {
            return Attack.TRUNCATED;
        } else if (r < 78) {
            return Attack.BAD_LENGTH;
        } else if (r < 80) {
            return Attack.SLOW_LORIS;
        } else if (r < 82) {
            return Attack.DRIP;
        } else if (r < 83) {
            return Attack.FLOOD;
        }
        return Attack.SASL;
    }

    /** A valid request of a random API and version (retried if one does not encode). */
    private byte[] validFrame() {
        while (true) {
            ApiKey api = APIS.get(random.nextInt(APIS.size()));
            short version = (short) (api.lowestVersion + random.nextInt(api.highestVersion - api.lowestVersion + 1));
            byte[] frame = requests.frame(api, version);
            if (frame != null) {
                return frame;
            }
        }
    }

    private Socket connect() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(target, CONNECT_TIMEOUT_MS);
            stats.connection();
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** One to eight requests written back to back, each mutated or not, responses drained as they come. */
    private void pipeline() throws IOException {
        Socket s = connect();
        try {
            OutputStream out = s.getOutputStream();
            for (int i = 1 + random.nextInt(8); i > 0 && frames < frameQuota; i--) {
                boolean mutate = random.nextInt(10) < 4;
                byte[] frame = mutate ? mutations.mutate(validFrame()) : validFrame();
                count(mutate);
                out.write(frame);
                drain(s);
            }
        } finally {
            finish(s);
        }
    }

    /** Part of a valid frame, then the connection ends. */
    private void truncated() throws IOException {
        byte[] frame = validFrame();
        Socket s = connect();
        try {
            count(false);
            s.getOutputStream().write(frame, 0, 1 + random.nextInt(frame.length - 1));
        } finally {
            finish(s);
        }
    }

    /** A length prefix above socket.request.max.bytes, negative or zero, and a few bytes after it. */
    private void badLength() throws IOException {
        int[] lengths = {maxRequestBytes + 1, Integer.MAX_VALUE, -1, Integer.MIN_VALUE, 0, -random.nextInt(1 << 20),
            maxRequestBytes + 1 + random.nextInt(1 << 20)};
        ByteBuffer b = ByteBuffer.allocate(4 + 16).putInt(lengths[random.nextInt(lengths.length)]);
        b.put(requests.bytes(16));
        Socket s = connect();
        try {
            count(true);
            s.getOutputStream().write(b.array());
            drain(s);
        } finally {
            finish(s);
        }
    }

    /** Declares a frame longer than it will send, sends some of it, and stalls until its hold is up. */
    private void slowLoris() throws IOException {
        byte[] frame = validFrame();
        int declared = frame.length - 4 + 1 + random.nextInt(random.nextBoolean() ? 100 : Math.max(1, maxRequestBytes - frame.length));
        ByteBuffer.wrap(frame).putInt(0, declared);
        Socket s = connect();
        count(true);
        s.getOutputStream().write(frame, 0, 4 + random.nextInt(frame.length - 3));
        slow.add(s, new byte[0], slowHoldMs);
    }

    /** A valid frame, one byte per 100 ms (its first bytes only, if it is long: the hold bounds it). */
    private void drip() throws IOException {
        byte[] frame = validFrame();
        Socket s = connect();
        count(false);
        slow.add(s, frame, slowHoldMs);
    }

    /** Hundreds of connections opened, some given a header's worth of bytes, and all dropped. */
    private void flood() throws IOException {
        List<Socket> sockets = new ArrayList<>();
        try {
            for (int i = 100 + random.nextInt(200); i > 0; i--) {
                Socket s = connect();
                sockets.add(s);
                if (random.nextInt(4) == 0) {
                    count(true);
                    s.getOutputStream().write(requests.bytes(1 + random.nextInt(8)));
                }
            }
        } finally {
            sockets.forEach(s -> closeQuietly(s, random.nextBoolean()));
        }
    }

    /**
     * SaslHandshake with a random mechanism, then SaslAuthenticate tokens of garbage or of PLAIN's
     * shape, the exchange cut short: after the handshake, in the middle of a token's frame, or by
     * a request of another API before authentication.
     */
    private void sasl() throws IOException {
        Socket s = connect();
        try {
            OutputStream out = s.getOutputStream();
            short hv = (short) random.nextInt(2);
            byte[] handshake = requests.frameOf(ApiKey.SASL_HANDSHAKE, hv,
                    new SaslHandshakeRequest().setMechanism(MECHANISMS[random.nextInt(MECHANISMS.length)]));
            if (handshake == null) { // a client id the version cannot carry
                return;
            }
            count(false);
            out.write(random.nextInt(4) == 0 ? mutations.mutate(handshake) : handshake);
            drain(s);
            for (int i = random.nextInt(4); i > 0; i--) {
                byte[] token = random.nextBoolean() ? requests.bytes(random.nextInt(300))
                        : ("\0" + requests.string() + "\0" + requests.string()).getBytes(StandardCharsets.UTF_8);
                byte[] auth = requests.frameOf(ApiKey.SASL_AUTHENTICATE, (short) random.nextInt(3),
                        new SaslAuthenticateRequest().setAuthBytes(token));
                if (auth == null) {
                    return;
                }
                count(false);
                switch (random.nextInt(4)) {
                    case 0 -> out.write(auth, 0, 1 + random.nextInt(auth.length - 1)); // cut inside the frame
                    case 1 -> out.write(validFrame()); // another API before authenticating
                    default -> out.write(auth);
                }
                drain(s);
            }
        } finally {
            finish(s);
        }
    }

    private void count(boolean mutated) {
        frames++;
        stats.frame(mutated);
    }

    /** Reads and drops whatever responses have arrived, without waiting for more. */
    private void drain(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        for (int n = in.available(); n > 0; n = in.available()) {
            stats.responseBytes(in.skip(n));
        }
    }

    /** Ends a session: mostly a reset, sometimes a polite close after a short wait for answers. */
    private void finish(Socket s) throws IOException {
        if (random.nextInt(5) == 0 && !s.isClosed()) {
            try {
                s.setSoTimeout(50);
                s.shutdownOutput();
                InputStream in = s.getInputStream();
                byte[] sink = new byte[8192];
                for (int n = in.read(sink); n > 0; n = in.read(sink)) {
                    stats.responseBytes(n);
                }
            } catch (IOException e) { // timed out or reset: either way we are done
            }
            closeQuietly(s, false);
        } else {
            closeQuietly(s, true);
        }
    }

    /** Closes, with a reset ({@code SO_LINGER} 0) when {@code reset}, ignoring what the socket says. */
    static void closeQuietly(Socket s, boolean reset) {
        try {
            if (reset && !s.isClosed()) {
                s.setSoLinger(true, 0);
            }
            s.close();
        } catch (IOException e) {
            // closing what the broker already closed
        }
    }
}

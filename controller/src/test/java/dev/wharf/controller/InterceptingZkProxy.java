package dev.wharf.controller;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy in front of ZooKeeper that runs a hook, once, just before the first create request
 * (or, made with {@link #onRead}, getData request) for a chosen path reaches the server, so a test
 * can make another client win a race at exactly that moment; {@link #arm} sets a new hook. It reads the client's length-prefixed frames (the first is the connect request,
 * the rest start with xid and op code, a create's body with its path) and copies replies back
 * untouched.
 *
 * <p>Threads: an acceptor, and two copying threads per connection; the hook runs on the copying
 * thread of the client it intercepts, which holds that client's requests back until it returns.
 */
final class InterceptingZkProxy implements Closeable {
    private static final Set<Integer> CREATE_OPS = Set.of(1, 15, 19, 21); // create, create2, container, TTL
    private static final Set<Integer> GET_DATA_OPS = Set.of(4);

    private final ServerSocket listener;
    private final String target;
    private final String path;
    private final Set<Integer> ops;
    private final AtomicReference<Runnable> hook;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    InterceptingZkProxy(String zkConnect, String path, Runnable hook) throws IOException {
        this(zkConnect, path, hook, CREATE_OPS);
    }

    /** A proxy whose hook runs before a getData request for {@code path}; none until {@link #arm}. */
    static InterceptingZkProxy onRead(String zkConnect, String path) throws IOException {
        return new InterceptingZkProxy(zkConnect, path, null, GET_DATA_OPS);
    }

    private InterceptingZkProxy(String zkConnect, String path, Runnable hook, Set<Integer> ops) throws IOException {
        this.target = zkConnect;
        this.path = path;
        this.ops = ops;
        this.hook = new AtomicReference<>(hook);
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        daemon("proxy-accept", this::accept).start();
    }

    String connectString() {
        return "127.0.0.1:" + listener.getLocalPort();
    }

    /** Runs {@code h}, once, before the next matching request. */
    void arm(Runnable h) {
        hook.set(h);
    }

    /** Whether the hook ran. */
    boolean fired() {
        return hook.get() == null;
    }

    private void accept() {
        try {
            while (true) {
                Socket client = listener.accept();
                int colon = target.lastIndexOf(':');
                Socket server = new Socket(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1)));
                sockets.add(client);
                sockets.add(server);
                daemon("proxy-up", () -> forwardRequests(client, server)).start();
                daemon("proxy-down", () -> copy(server, client)).start();
            }
        } catch (IOException closed) {
            // the proxy closed
        }
    }

    private void forwardRequests(Socket client, Socket server) {
        try (DataInputStream in = new DataInputStream(client.getInputStream())) {
            OutputStream out = server.getOutputStream();
            boolean connectRequest = true;
            while (true) {
                byte[] frame = new byte[in.readInt()];
                in.readFully(frame);
                if (!connectRequest && hook.get() != null && targetsWatchedPath(frame)) {
                    Runnable h = hook.getAndSet(null);
                    if (h != null) {
                        h.run();
                    }
                }
                connectRequest = false;
                out.write(ByteBuffer.allocate(4).putInt(frame.length).array());
                out.write(frame);
                out.flush();
            }
        } catch (IOException closed) {
            closeQuietly(server);
        }
    }

    private boolean targetsWatchedPath(byte[] frame) {
        ByteBuffer b = ByteBuffer.wrap(frame);
        if (frame.length < 12) {
            return false;
        }
        b.getInt(); // xid
        if (!ops.contains(b.getInt())) {
            return false;
        }
        int length = b.getInt();
        if (length < 0 || length > b.remaining()) {
            return false;
        }
        return path.equals(new String(frame, b.position(), length, StandardCharsets.UTF_8));
    }

    private static void copy(Socket from, Socket to) {
        try (InputStream in = from.getInputStream()) {
            in.transferTo(to.getOutputStream());
        } catch (IOException closed) {
            // either side closed
        }
        closeQuietly(to);
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(InterceptingZkProxy::closeQuietly);
    }
}

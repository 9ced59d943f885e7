package dev.wharf.bench.e2e.ceiling;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * The fastest any broker could serve a consumer on this machine: a server with no broker logic at
 * all that answers one client's ApiVersions, Metadata, ListOffsets and Fetch for one partition,
 * sending a fetch's record batches straight from the partition's log files with
 * {@code FileChannel.transferTo} (sendfile: no copy through the JVM), as both brokers do on a
 * plaintext listener. It serves the files a broker wrote (the broker idle meanwhile), so the
 * client reads the very bytes it read from the broker, and a broker's consume rate divided by this
 * one's is the share of the machine's possible rate the broker reaches.
 * <p>
 * One thread per connection, blocking I/O; requests are answered in order, one at a time. The
 * small responses are kafka-clients' message classes; the Fetch response is written by hand
 * ({@link FetchAnswer}) so that its records can follow as a file region.
 */
public final class SendfileCeilingServer implements AutoCloseable {
    /** The largest request we read (a consumer's fetch is far smaller). */
    private static final int MAX_REQUEST = 1 << 20;

    private final Protocol protocol;
    private final SegmentedLog log;
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final List<SocketChannel> clients = new CopyOnWriteArrayList<>();
    private final List<Thread> handlers = new CopyOnWriteArrayList<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean closing;

    private SendfileCeilingServer(String topic, int partition, SegmentedLog log) throws IOException {
        this.log = log;
        this.server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
        this.protocol = new Protocol(topic, partition, port, log);
        this.acceptor = new Thread(this::accept, "ceiling-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Indexes the partition's log files in {@code partitionDir} and listens on 127.0.0.1, on a port of the kernel's choosing. */
    public static SendfileCeilingServer start(String topic, int partition, Path partitionDir) throws IOException {
        SegmentedLog log = SegmentedLog.open(partitionDir);
        try {
            return new SendfileCeilingServer(topic, partition, log);
        } catch (IOException | RuntimeException e) {
            log.close();
            throw e;
        }
    }

    public int port() {
        return protocol.port();
    }

    /** The records the partition's files hold (the batch headers' counts). */
    public long records() {
        return log.records();
    }

    /** The first request the server could not answer (a connection the client closed is no error), if any. */
    public Throwable failure() {
        return failure.get();
    }

    private void accept() {
        while (!closing) {
            try {
                SocketChannel client = server.accept();
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                clients.add(client);
                Thread handler = new Thread(() -> serve(client), "ceiling-conn-" + clients.size());
                handler.setDaemon(true);
                handlers.add(handler);
                handler.start();
            } catch (IOException e) {
                if (!closing) {
                    failure.compareAndSet(null, e);
                }
                return;
            }
        }
    }

    private void serve(SocketChannel client) {
        ByteBuffer size = ByteBuffer.allocate(4);
        try (client) {
            while (!closing) {
                size.clear();
                if (!readFully(client, size)) {
                    return; // the client closed the connection
                }
                int length = size.getInt(0);
                if (length < 0 || length > MAX_REQUEST) {
                    throw new IllegalStateException("a request of " + length + " bytes");
                }
                ByteBuffer request = ByteBuffer.allocate(length);
                if (!readFully(client, request)) {
                    throw new EOFException("connection closed inside a request");
                }
                request.flip();
                answer(client, request);
            }
        } catch (IOException e) {
            // the client went away (a consumer that has read all it wanted closes its connections, perhaps mid-answer)
        } catch (RuntimeException e) {
            // a request we cannot answer or an answer we got wrong: the measurement is void
            if (!closing && failure.compareAndSet(null, e)) {
                System.err.println("[ceiling] " + e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void answer(SocketChannel client, ByteBuffer request) throws IOException, InterruptedException {
        RequestHeader header = RequestHeader.parse(request);
        ApiKeys api = header.apiKey();
        short version = header.apiVersion();
        if (api == ApiKeys.FETCH && protocol.supports(api, version)) {
            FetchAnswer.send(client, header.correlationId(), version, protocol.fetch(new ByteBufferAccessor(request), version));
            return;
        }
        Message body;
        if (api == ApiKeys.API_VERSIONS) {
            // an ApiVersions of a version we do not know is answered in version 0, with the error and our versions
            boolean known = protocol.supports(api, version);
            body = protocol.apiVersions(known);
            version = known ? version : 0;
        } else if (!protocol.supports(api, version)) {
            throw new UnsupportedVersionException("the ceiling server does not answer " + api + " v" + version);
        } else if (api == ApiKeys.METADATA) {
            body = protocol.metadata(new ByteBufferAccessor(request), version);
        } else if (api == ApiKeys.LIST_OFFSETS) {
            body = protocol.listOffsets(new ByteBufferAccessor(request), version);
        } else {
            throw new UnsupportedVersionException("the ceiling server does not answer " + api);
        }
        ByteBuffer head = MessageUtil.toByteBufferAccessor(new ResponseHeaderData().setCorrelationId(header.correlationId()),
                api.responseHeaderVersion(version)).buffer();
        ByteBuffer payload = MessageUtil.toByteBufferAccessor(body, version).buffer();
        ByteBuffer sizePrefix = ByteBuffer.allocate(4).putInt(0, head.remaining() + payload.remaining());
        writeFully(client, new ByteBuffer[] {sizePrefix, head, payload});
    }

    static void writeFully(SocketChannel channel, ByteBuffer[] buffers) throws IOException {
        long left = 0;
        for (ByteBuffer b : buffers) {
            left += b.remaining();
        }
        while (left > 0) {
            left -= channel.write(buffers);
        }
    }

    private static boolean readFully(SocketChannel channel, ByteBuffer into) throws IOException {
        while (into.hasRemaining()) {
            if (channel.read(into) < 0) {
                if (into.position() == 0) {
                    return false;
                }
                throw new EOFException("connection closed after " + into.position() + " of " + into.capacity() + " bytes");
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        closing = true;
        server.close();
        for (SocketChannel c : clients) {
            c.close();
        }
        try {
            acceptor.join(5_000);
            for (Thread t : handlers) {
                t.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.close();
    }
}

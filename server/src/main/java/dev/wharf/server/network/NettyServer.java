package dev.wharf.server.network;

import dev.wharf.server.api.ApiHandlers;
import dev.wharf.server.api.ApiVersionsHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket and each connection's pipeline, readable top to bottom:
 *
 * <pre>
 *   (listening socket) connectionGate: max.connections, per-address limits, creation rate
 *   tls              TLS (SSL and SASL_SSL listeners only): Netty's SslHandler
 *   flushConsolidation one flush per read burst: the responses to requests read together leave together
 *   idleTimeout      closes connections idle for connections.max.idle.ms
 *   frameDecoder     length-prefixed frames, capped by socket.request.max.bytes
 *   requestDispatcher decode, hand to the API's handler, write responses in request order
 * </pre>
 *
 * Responses leave as buffers and {@link LogFileRegion}s (sendfile); through TLS, records are read
 * from their files into buffers to be encrypted (zero copy cannot pass through TLS). One server
 * per configured listener, all on the broker's shared {@link EventLoops}.
 */
public final class NettyServer implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(NettyServer.class);
    /**
     * A producer keeps several requests in flight, so one read often brings three or four; a flush
     * per response made a send(2) each, and on loopback each send also runs the receiver's side of
     * TCP. Flushes during a read wait for its end (at most this many); outside a read (responses
     * completed on other threads, fetches woken by an append) they go at once.
     */
    private static final int MAX_DEFERRED_FLUSHES = 64;

    private final String listenerName;
    private final Channel serverChannel;
    private final SendStats stats;

    /**
     * Binds one listener ({@code listeners} entry) on the shared event loops; connections wait in
     * the backlog until {@link #startAccepting}.
     */
    public NettyServer(Endpoint endpoint, EventLoops loops, int maxRequestBytes, long idleMs, ApiHandlers handlers,
            ApiVersionsHandler apiVersions, Executor io, SendStats stats) throws InterruptedException {
        this(endpoint, loops, maxRequestBytes, idleMs, handlers, apiVersions, io, stats, new ConnectionLimits(), false);
    }

    /**
     * @param limits the broker's connection limits, shared by its listeners
     * @param interBroker whether this is the inter-broker listener, never held back by max.connections
     */
    public NettyServer(Endpoint endpoint, EventLoops loops, int maxRequestBytes, long idleMs, ApiHandlers handlers,
            ApiVersionsHandler apiVersions, Executor io, SendStats stats, ConnectionLimits limits, boolean interBroker)
            throws InterruptedException {
        this.listenerName = endpoint.listenerName();
        this.stats = stats;
        ServerBootstrap b = new ServerBootstrap()
                .group(loops.acceptor, loops.workers)
                .channel(loops.serverChannelType())
                .option(ChannelOption.SO_BACKLOG, 1024)
                // connections wait in the backlog until startAccepting(): the bound port is known
                // (and registered) before any client can see a half-started broker
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .handler(new ConnectionGate(limits, endpoint.listenerName(), !interBroker))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ListenerSecurity security = endpoint.security();
                        if (security.tls() != null) {
                            ch.pipeline().addLast("tls", security.tls().newHandler(ch.alloc()));
                        }
                        ch.pipeline()
                                .addLast("flushConsolidation", new FlushConsolidationHandler(MAX_DEFERRED_FLUSHES))
                                .addLast("idleTimeout", new IdleStateHandler(0, 0, idleMs, TimeUnit.MILLISECONDS))
                                .addLast("frameDecoder", new RequestFrameDecoder(maxRequestBytes))
                                .addLast("requestDispatcher", new RequestDispatcher(handlers, apiVersions, stats, io,
                                        endpoint.listenerName(), security));
                    }
                });
        String host = endpoint.host();
        int port = endpoint.port();
        InetSocketAddress address = host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        this.serverChannel = b.bind(address).sync().channel();
        log.info("listening listener={} address={} security={} transport={}", listenerName,
                serverChannel.localAddress(), endpoint.securityProtocol(), loops.transport());
    }

    /** Starts accepting connections (the broker is fully started). */
    public void startAccepting() {
        serverChannel.config().setAutoRead(true);
    }

    /** Bytes sent to clients so far, and how many of them went zero-copy from log files. */
    public SendStats sendStats() {
        return stats;
    }

    public String listenerName() {
        return listenerName;
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /** Stops listening; connections close with the event loops. */
    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
    }
}

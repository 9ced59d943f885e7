package dev.wharf.server.network;

import dev.wharf.server.api.ApiHandlers;
import dev.wharf.server.api.ApiVersionsHandler;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.Closeable;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The listening socket and each connection's pipeline, readable top to bottom:
 *
 * <pre>
 *   flushConsolidation one flush per read burst: the responses to requests read together leave together
 *   idleTimeout      closes connections idle for connections.max.idle.ms
 *   frameDecoder     length-prefixed frames, capped by socket.request.max.bytes
 *   requestDispatcher decode, hand to the API's handler, write responses in request order
 * </pre>
 *
 * Responses leave as buffers and {@link LogFileRegion}s (sendfile). Uses the native epoll transport where it is
 * available, NIO elsewhere.
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

    private final EventLoopGroup bossGroup;
    private final EventLoopGroup workerGroup;
    private final Channel serverChannel;
    private final SendStats stats = new SendStats();

    public NettyServer(String host, int port, int ioThreads, int maxRequestBytes, long idleMs, ApiHandlers handlers,
            ApiVersionsHandler apiVersions) throws InterruptedException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        Class<? extends ServerChannel> channelType = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.bossGroup = new MultiThreadIoEventLoopGroup(1, io);
        this.workerGroup = new MultiThreadIoEventLoopGroup(ioThreads, io);
        ServerBootstrap b = new ServerBootstrap()
                .group(bossGroup, workerGroup)
                .channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 1024)
                // connections wait in the backlog until startAccepting(): the bound port is known
                // (and registered) before any client can see a half-started broker
                .option(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline()
                                .addLast("flushConsolidation", new FlushConsolidationHandler(MAX_DEFERRED_FLUSHES))
                                .addLast("idleTimeout", new IdleStateHandler(0, 0, idleMs, TimeUnit.MILLISECONDS))
                                .addLast("frameDecoder", new RequestFrameDecoder(maxRequestBytes))
                                .addLast("requestDispatcher", new RequestDispatcher(handlers, apiVersions, stats));
                    }
                });
        InetSocketAddress address = host.isEmpty() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
        this.serverChannel = b.bind(address).sync().channel();
        log.info("listening address={} transport={}", serverChannel.localAddress(), epoll ? "epoll" : "nio");
    }

    /** Starts accepting connections (the broker is fully started). */
    public void startAccepting() {
        serverChannel.config().setAutoRead(true);
    }

    /** Bytes sent to clients so far, and how many of them went zero-copy from log files. */
    public SendStats sendStats() {
        return stats;
    }

    public int port() {
        return ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    @Override
    public void close() {
        serverChannel.close().syncUninterruptibly();
        bossGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

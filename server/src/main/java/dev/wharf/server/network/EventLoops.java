package dev.wharf.server.network;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.Closeable;
import java.util.concurrent.TimeUnit;

/**
 * The broker's network threads, shared by all its listeners: one thread accepting connections and
 * {@code num.network.threads} event loops serving them (each connection stays on one). Uses the
 * native epoll transport where it is available, NIO elsewhere.
 */
public final class EventLoops implements Closeable {
    final boolean epoll = Epoll.isAvailable();
    final EventLoopGroup acceptor;
    final EventLoopGroup workers;

    public EventLoops(int networkThreads) {
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        // named, so that the metrics' idle sampler finds the event loops (NetworkProcessorAvgIdlePercent)
        this.acceptor = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("wharf-acceptor"), io);
        this.workers = new MultiThreadIoEventLoopGroup(networkThreads, new DefaultThreadFactory("wharf-network"), io);
    }

    Class<? extends ServerChannel> serverChannelType() {
        return epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    String transport() {
        return epoll ? "epoll" : "nio";
    }

    @Override
    public void close() {
        acceptor.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

package dev.wharf.registry.http;

import dev.wharf.registry.RegistryAccess;
import dev.wharf.registry.RegistryReads;
import dev.wharf.registry.SchemaRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * The registry's HTTP listener ({@code schema.registry.listeners}): Confluent's Schema Registry REST
 * API on its own port, one event loop thread (requests are small; a write waits for its log without
 * holding it). A body larger than {@code maxRequestBytes} is refused with 413 and the connection
 * closed.
 */
public final class RegistryHttpServer implements AutoCloseable {
    private final EventLoopGroup group;
    private final Channel channel;
    /** Every connection open now: closed with the listener, so kept-alive clients reconnect instead of waiting. */
    private final ChannelGroup connections;

    private RegistryHttpServer(EventLoopGroup group, Channel channel, ChannelGroup connections) {
        this.group = group;
        this.channel = channel;
        this.connections = connections;
    }

    /**
     * HTTPS: the server's TLS context, and the client context changes forwarded to another
     * broker's registry go out with.
     */
    public record Tls(SslContext server, SSLContext client) {}

    /**
     * Listens on {@code host:port} (port 0: any free port), with {@code tls} (null: plain HTTP),
     * and answers from {@code registry} whom {@code access} lets in.
     */
    public static RegistryHttpServer start(SchemaRegistry registry, RegistryAccess access, Tls tls, Supplier<String> clusterId,
            String host, int port, int maxRequestBytes) throws InterruptedException {
        Router router = new Router();
        RegistryReads reads = new RegistryReads(registry);
        new SchemaRoutes(registry.state(), registry.resolver()).addTo(router);
        new SubjectRoutes(registry, reads).addTo(router);
        new SettingsRoutes(registry).addTo(router);
        new CompatibilityRoutes(reads, clusterId).addTo(router);
        RegistryHttpHandler handler = new RegistryHttpHandler(router, registry.log(),
                new WriteForwarder(tls == null ? null : tls.client()), access);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("wharf-schema-registry-http", true),
                NioIoHandler.newFactory());
        ChannelGroup connections = new DefaultChannelGroup("wharf-schema-registry", GlobalEventExecutor.INSTANCE);
        try {
            Channel channel = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            connections.add(ch);
                            if (tls != null) {
                                ch.pipeline().addLast(tls.server().newHandler(ch.alloc()));
                            }
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(maxRequestBytes), handler);
                        }
                    }).bind(host, port).sync().channel();
            return new RegistryHttpServer(group, channel, connections);
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw e;
        }
    }

    /** The port listened on. */
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        connections.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

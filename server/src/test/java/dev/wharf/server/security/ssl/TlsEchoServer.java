package dev.wharf.server.security.ssl;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.ReferenceCountUtil;
import java.io.BufferedReader;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;

/**
 * A tiny TLS server on a loopback port, for handshake tests: it serves with a listener's {@link
 * SslContext} and, once a client's handshake is done, writes the client's principal as one line
 * (so the test sees what the broker would authenticate the client as). Its event loop owns all
 * channel state; tests talk to it through real sockets.
 */
final class TlsEchoServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;

    TlsEchoServer(SslContext context, SslPrincipalMapper mapper) {
        channel = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        SslHandler tls = context.newHandler(ch.alloc());
                        ch.pipeline().addLast("tls", tls).addLast("principal", new ChannelInboundHandlerAdapter() {
                            @Override
                            public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
                                if (event instanceof SslHandshakeCompletionEvent done && done.isSuccess()) {
                                    String principal = SslPrincipals.principalOf(tls.engine().getSession(), mapper);
                                    ctx.writeAndFlush(Unpooled.copiedBuffer(principal + "\n", StandardCharsets.UTF_8));
                                }
                            }

                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                ReferenceCountUtil.release(msg);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                ctx.close(); // a refused handshake: the client sees the alert or the close
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0))
                .syncUninterruptibly()
                .channel();
    }

    int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    /** Connects through {@code factory} to {@code host} and returns the principal line the server sent. */
    String principalVia(SSLSocketFactory factory, String host) throws IOException {
        try (Socket socket = factory.createSocket(host, port())) {
            return readPrincipal(socket);
        }
    }

    /** As {@link #principalVia(SSLSocketFactory, String)}, on an unconnected socket then connected with a timeout. */
    String principalViaConnect(SSLSocketFactory factory, String host) throws IOException {
        try (Socket socket = factory.createSocket()) {
            socket.connect(new InetSocketAddress(host, port()), 10_000);
            return readPrincipal(socket);
        }
    }

    /** As {@link #principalVia(SSLSocketFactory, String)}, with TLS layered over a connected plain socket. */
    String principalViaLayered(SSLSocketFactory factory, String host) throws IOException {
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, port()), 10_000);
            try (Socket tls = factory.createSocket(plain, host, port(), true)) {
                return readPrincipal(tls);
            }
        }
    }

    private static String readPrincipal(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8))
                .readLine();
        if (line == null) {
            throw new EOFException("the server closed the connection without a principal");
        }
        return line;
    }

    /** Connects with {@code engine} (e.g. kafka-clients' own) in a Netty client and returns the principal line. */
    String principalVia(SSLEngine engine) throws Exception {
        CompletableFuture<String> line = new CompletableFuture<>();
        EventLoopGroup clientGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            SslHandler tls = new SslHandler(engine);
            Channel client = new Bootstrap()
                    .group(clientGroup)
                    .channel(NioSocketChannel.class)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            StringBuilder received = new StringBuilder();
                            ch.pipeline().addLast(tls).addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    try {
                                        received.append(((ByteBuf) msg).toString(StandardCharsets.UTF_8));
                                    } finally {
                                        ReferenceCountUtil.release(msg);
                                    }
                                    int end = received.indexOf("\n");
                                    if (end >= 0) {
                                        line.complete(received.substring(0, end));
                                    }
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                    line.completeExceptionally(new EOFException("closed before a principal"));
                                }

                                @Override
                                public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                    line.completeExceptionally(cause);
                                    ctx.close();
                                }
                            });
                        }
                    })
                    .connect("127.0.0.1", port())
                    .syncUninterruptibly()
                    .channel();
            try {
                return line.get(10, TimeUnit.SECONDS);
            } finally {
                client.close().syncUninterruptibly();
            }
        } finally {
            clientGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

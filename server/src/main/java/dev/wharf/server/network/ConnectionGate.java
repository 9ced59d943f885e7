package dev.wharf.server.network;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies {@link ConnectionLimits} where one listener accepts connections, before a connection
 * gets its pipeline: one over its address's limit is closed at once; at {@code max.connections}
 * or the creation rate the listener stops accepting (new connections wait in the kernel's backlog,
 * as Kafka's acceptor makes them wait) until a connection closes or the rate allows.
 *
 * <p>Threads: runs on the listener's accept thread; closes arrive from the connections' event
 * loops and hand the resumption back to the accept thread.
 */
@ChannelHandler.Sharable
final class ConnectionGate extends ChannelInboundHandlerAdapter {
    private static final Logger log = LoggerFactory.getLogger(ConnectionGate.class);
    /** How soon a listener paused at max.connections looks again (a close also resumes it at once). */
    private static final long RECHECK_MS = 100;

    private final ConnectionLimits limits;
    private final String listenerName;
    /** The inter-broker listener counts toward the limits but is never held back by max.connections or the rate. */
    private final boolean limited;
    /** A recheck is scheduled (accept thread only): closes while paused do not pile up more. */
    private boolean recheckScheduled;

    ConnectionGate(ConnectionLimits limits, String listenerName, boolean limited) {
        this.limits = limits;
        this.listenerName = listenerName;
        this.limited = limited;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Channel child = (Channel) msg;
        InetAddress address = child.remoteAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        if (address != null && !limits.opened(address, limited)) {
            log.info("rejected connection listener={} client={} reason=max.connections.per.ip ({}) reached",
                    listenerName, child.remoteAddress(), limits.openFrom(address));
            child.unsafe().closeForcibly();
            return;
        }
        if (address != null) {
            child.closeFuture().addListener(f -> {
                limits.closed(address, limited);
                try {
                    ctx.executor().execute(() -> pauseIfLimited(ctx));
                } catch (java.util.concurrent.RejectedExecutionException stopping) {
                    // the listener is stopping and closes its connections: nothing to resume
                }
            });
        }
        if (limited) {
            limits.accepted(System.nanoTime());
        }
        ctx.fireChannelRead(child);
        pauseIfLimited(ctx);
    }

    /** Stops reading from the listening socket while at max.connections or over the creation rate. */
    private void pauseIfLimited(ChannelHandlerContext ctx) {
        if (!limited || !ctx.channel().isOpen()) {
            return;
        }
        long waitNanos = limits.belowMaxConnections() ? limits.creationWaitNanos(System.nanoTime())
                : TimeUnit.MILLISECONDS.toNanos(RECHECK_MS);
        boolean accept = waitNanos == 0;
        if (ctx.channel().config().isAutoRead() != accept) {
            ctx.channel().config().setAutoRead(accept);
        }
        if (!accept && !recheckScheduled) {
            recheckScheduled = true;
            ctx.executor().schedule(() -> {
                recheckScheduled = false;
                pauseIfLimited(ctx);
            }, waitNanos, TimeUnit.NANOSECONDS);
        }
    }
}

package dev.wharf.server.api;

import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.concurrent.CompletableFuture;

/**
 * Serves one API. Declares the versions it serves in one place (ApiVersions advertises exactly
 * these) and the thread it runs on, which the dispatcher enforces:
 *
 * <ul>
 *   <li>{@link Execution#EVENT_LOOP}: the connection's Netty event loop. For work that never
 *       blocks and is cheaper done than handed off (Produce appends into the page cache, Fetch
 *       locates batches, ApiVersions). A handler here must not wait on disk or ZooKeeper.
 *   <li>{@link Execution#IO_POOL}: the broker's I/O threads ({@code num.io.threads}), for work that
 *       may block (ZooKeeper writes, topic administration, group state and its log).
 * </ul>
 *
 * A connection's requests are handled one after another, each starting when the previous one's
 * future completes, so a handler never races another request of its own connection. A handler
 * answers either synchronously ({@link #respond}) or with a future ({@link #handle}) completed
 * later on any thread; the dispatcher writes the response on the connection's event loop.
 */
public interface ApiHandler {
    /** Where the dispatcher runs a handler. */
    enum Execution {
        EVENT_LOOP,
        IO_POOL
    }

    ApiKey api();

    /** The oldest version served: by default every version the spec defines. */
    default short lowestVersion() {
        return api().lowestVersion;
    }

    /** The oldest version ApiVersions advertises: by default the oldest served. */
    default short advertisedLowestVersion() {
        return lowestVersion();
    }

    /** The newest version served: by default every version the spec defines. */
    default short highestVersion() {
        return api().highestVersion;
    }

    /** Where {@link #handle} runs; blocking work by default. */
    default Execution execution() {
        return Execution.IO_POOL;
    }

    /**
     * The response body, completed now or later; null for a request that gets no response
     * (Produce with acks=0). By default the synchronous {@link #respond}.
     */
    default CompletableFuture<ApiMessage> handle(RequestContext context) {
        return CompletableFuture.completedFuture(respond(context));
    }

    /** The response body of a handler that answers at once. */
    default ApiMessage respond(RequestContext context) {
        throw new IllegalStateException(api().displayName + " handler overrides neither respond nor handle");
    }

    default boolean supports(short version) {
        return version >= lowestVersion() && version <= highestVersion();
    }
}

package dev.wharf.server.api;

import dev.wharf.wire.frame.Request;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.protocol.ApiMessage;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;

/**
 * Serves one API. Declares the versions it serves in one place: ApiVersions advertises exactly
 * these. Handlers run on the connection's event loop and must not block: disk or coordination
 * work goes to an executor and completes the future later.
 */
public interface ApiHandler {
    ApiKey api();

    /** The oldest version served: by default every version the spec defines. */
    default short lowestVersion() {
        return api().lowestVersion;
    }

    /** The newest version served: by default every version the spec defines. */
    default short highestVersion() {
        return api().highestVersion;
    }

    /** The response body, or null for a request that gets no response (Produce with acks=0). */
    CompletableFuture<ApiMessage> handle(Request request);

    /** As {@link #handle(Request)}, for handlers that need to know where the request came from. */
    default CompletableFuture<ApiMessage> handle(Request request, SocketAddress client) {
        return handle(request);
    }

    default boolean supports(short version) {
        return version >= lowestVersion() && version <= highestVersion();
    }
}

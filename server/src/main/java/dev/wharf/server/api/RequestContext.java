package dev.wharf.server.api;

import dev.wharf.wire.frame.Request;
import dev.wharf.wire.message.RequestHeader;
import dev.wharf.wire.protocol.ApiMessage;

/**
 * One request as a handler sees it: the decoded request, the connection it came on, and its size
 * on the wire ({@code sizeInBytes}: header and body, the frame without its length prefix; what
 * Kafka's produce quota counts).
 */
public record RequestContext(Request request, ClientConnection connection, int sizeInBytes) {
    public RequestHeader header() {
        return request.header();
    }

    public short version() {
        return request.version();
    }

    public ApiMessage body() {
        return request.body();
    }

    /** The client id of the header; empty when the client sent none. */
    public String clientId() {
        String id = request.header().clientId();
        return id == null ? "" : id;
    }
}

package dev.wharf.wire.frame;

import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.RequestHeader;
import dev.wharf.wire.protocol.ApiMessage;

/**
 * A decoded request. Record data in the body (Produce) are slices of the frame buffer, so the
 * frame must stay alive while the request is handled.
 */
public record Request(RequestHeader header, ApiKey api, short version, ApiMessage body) {
    public int correlationId() {
        return header.correlationId();
    }
}

package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.SaslHandshakeRequest;
import dev.wharf.wire.message.SaslHandshakeResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * SaslHandshake: the client names its mechanism; the answer lists the listener's enabled ones. A
 * mechanism not enabled (or, when re-authenticating, not the one used before) is answered with
 * UNSUPPORTED_SASL_MECHANISM and the connection closes after the failed-authentication delay; on a
 * listener without SASL the answer is ILLEGAL_SASL_STATE, as Kafka's.
 *
 * <p>Only v1 is served: after a v0 handshake a client sends bare SASL tokens instead of
 * SaslAuthenticate requests (clients older than Kafka 1.0); every maintained client speaks v1.
 */
public final class SaslHandshakeHandler implements ApiHandler {
    @Override
    public ApiKey api() {
        return ApiKey.SASL_HANDSHAKE;
    }

    @Override
    public short lowestVersion() {
        return 1;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        SaslSession sasl = context.connection().sasl();
        if (sasl == null) {
            return CompletableFuture.completedFuture(
                    new SaslHandshakeResponse().setErrorCode(ErrorCode.ILLEGAL_SASL_STATE.code).setMechanisms(List.of()));
        }
        String mechanism = ((SaslHandshakeRequest) context.body()).mechanism();
        ErrorCode error = sasl.handshake(mechanism);
        SaslHandshakeResponse response = new SaslHandshakeResponse().setErrorCode(error.code)
                .setMechanisms(sasl.listener().enabledMechanisms());
        return error == ErrorCode.NONE ? CompletableFuture.completedFuture(response)
                : SaslAuthenticateHandler.failLater(context, sasl, response);
    }
}

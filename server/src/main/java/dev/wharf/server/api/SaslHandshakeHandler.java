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
 * <p>v0: the SASL tokens that follow are bare frames (see {@link SaslSession}). v1: they come in
 * SaslAuthenticate requests (KIP-152). librdkafka looks for v0 in ApiVersions before it uses SASL.
 */
public final class SaslHandshakeHandler implements ApiHandler {
    @Override
    public ApiKey api() {
        return ApiKey.SASL_HANDSHAKE;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        SaslSession sasl = context.connection().sasl();
        if (sasl == null) {
            return CompletableFuture.completedFuture(
                    new SaslHandshakeResponse().setErrorCode(ErrorCode.ILLEGAL_SASL_STATE.code).setMechanisms(List.of()));
        }
        String mechanism = ((SaslHandshakeRequest) context.body()).mechanism();
        ErrorCode error = sasl.handshake(mechanism, context.version());
        SaslHandshakeResponse response = new SaslHandshakeResponse().setErrorCode(error.code)
                .setMechanisms(sasl.listener().enabledMechanisms());
        return error == ErrorCode.NONE ? CompletableFuture.completedFuture(response)
                : SaslAuthenticateHandler.failLater(context, sasl, response);
    }
}

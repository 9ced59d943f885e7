package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.SaslAuthenticateRequest;
import dev.wharf.wire.message.SaslAuthenticateResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * SaslAuthenticate (KIP-152): one token of the exchange the handshake chose, answered with the
 * mechanism's challenge. On completion the connection takes the authenticated principal and, with
 * {@code connections.max.reauth.ms}, the session's lifetime (KIP-368), after which the client must
 * re-authenticate on the same connection. Wrong credentials get SASL_AUTHENTICATION_FAILED with a
 * message that does not say whether the user exists, after {@code
 * connection.failed.authentication.delay.ms}, and then the connection closes: never a hang.
 *
 * <p>v1: session lifetime. v2: flexible.
 */
public final class SaslAuthenticateHandler implements ApiHandler {
    @Override
    public ApiKey api() {
        return ApiKey.SASL_AUTHENTICATE;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        SaslSession sasl = context.connection().sasl();
        if (sasl == null) {
            return CompletableFuture.completedFuture(new SaslAuthenticateResponse()
                    .setErrorCode(ErrorCode.ILLEGAL_SASL_STATE.code)
                    .setErrorMessage("SASL is not enabled on listener " + context.connection().listenerName())
                    .setAuthBytes(new byte[0]));
        }
        byte[] token = ((SaslAuthenticateRequest) context.body()).authBytes();
        SaslSession.Step step = sasl.authenticate(token == null ? new byte[0] : token);
        SaslAuthenticateResponse response = new SaslAuthenticateResponse().setErrorCode(step.error().code)
                .setErrorMessage(step.message()).setAuthBytes(step.challenge())
                .setSessionLifetimeMs(step.sessionLifetimeMs());
        if (step.error() != ErrorCode.NONE) {
            return failLater(context, sasl, response);
        }
        if (step.principal() != null) {
            context.connection().authenticated(step.principal());
        }
        return CompletableFuture.completedFuture(response);
    }

    /**
     * Answers a failed step after the failed-authentication delay, then closes the connection: a
     * client guessing passwords gets one guess per delay per connection.
     */
    static CompletableFuture<ApiMessage> failLater(RequestContext context, SaslSession sasl, ApiMessage response) {
        context.connection().closeAfterResponse(true);
        long delay = sasl.listener().failedAuthenticationDelayMs();
        if (delay <= 0) {
            return CompletableFuture.completedFuture(response);
        }
        Executor later = CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS);
        return CompletableFuture.supplyAsync(() -> response, later);
    }
}

package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.security.sasl.SaslAuthenticationException;
import dev.wharf.server.security.sasl.SaslServerMechanism;
import dev.wharf.wire.message.ApiKey;
import java.util.function.LongSupplier;

/**
 * The SASL state of one connection on a SASL listener, as Kafka's broker keeps it:
 *
 * <pre>
 *   HANDSHAKE      ApiVersions and SaslHandshake only; anything else closes the connection
 *     | SaslHandshake with an enabled mechanism
 *   AUTHENTICATE   SaslAuthenticate tokens until the mechanism completes or fails (after a v0
 *                  handshake: bare tokens, each a frame of its own, answered with a bare challenge)
 *     | complete                                    | fails: answered, then closed
 *   AUTHENTICATED  every API; after the session lifetime only a re-authentication
 *     | SaslHandshake (KIP-368 re-authentication, same mechanism, must end as the same principal)
 *   AUTHENTICATE ...
 * </pre>
 *
 * <p>Threads: the SASL handlers and the dispatcher's checks run one request of the connection at a
 * time (the dispatcher's order), so the state needs no lock; fields are volatile because those
 * requests may run on different threads one after another.
 */
public final class SaslSession {
    enum State {
        HANDSHAKE,
        AUTHENTICATE,
        AUTHENTICATED,
        FAILED
    }

    /**
     * The outcome of one SaslAuthenticate token; {@code principal} is set when the exchange
     * completed and the connection is now authenticated as it.
     */
    record Step(ErrorCode error, String message, byte[] challenge, long sessionLifetimeMs, String principal) {
        static Step failed(ErrorCode error, String message) {
            return new Step(error, message, new byte[0], 0, null);
        }
    }

    private final SaslListener listener;
    private final LongSupplier clock;
    private volatile State state = State.HANDSHAKE;
    private volatile String mechanismName;
    /** After a v0 SaslHandshake the tokens come as bare frames (Kafka before 1.0; librdkafka may still). */
    private volatile boolean bareTokens;
    private volatile SaslServerMechanism exchange;
    private volatile String principal;
    /** When the authenticated session ends (epoch ms); Long.MAX_VALUE without re-authentication. */
    private volatile long sessionExpiryMs = Long.MAX_VALUE;

    public SaslSession(SaslListener listener, LongSupplier clock) {
        this.listener = listener;
        this.clock = clock;
    }

    public SaslListener listener() {
        return listener;
    }

    /** Whether a request of {@code api} may be handled now; false closes the connection. */
    boolean permits(ApiKey api) {
        return switch (state) {
            case HANDSHAKE -> api == ApiKey.API_VERSIONS || api == ApiKey.SASL_HANDSHAKE;
            case AUTHENTICATE -> api == ApiKey.SASL_AUTHENTICATE;
            case FAILED -> false;
            // an expired session may only re-authenticate (Kafka closes it on any other request)
            case AUTHENTICATED -> clock.getAsLong() < sessionExpiryMs || api == ApiKey.SASL_HANDSHAKE;
        };
    }

    /**
     * A SaslHandshake for {@code mechanism}: NONE, UNSUPPORTED_SASL_MECHANISM (the client then
     * learns the enabled ones and the connection closes) or ILLEGAL_SASL_STATE.
     */
    ErrorCode handshake(String mechanism, short version) {
        boolean reauthenticating = state == State.AUTHENTICATED;
        if (state != State.HANDSHAKE && !reauthenticating) {
            state = State.FAILED;
            return ErrorCode.ILLEGAL_SASL_STATE;
        }
        if (!listener.enabledMechanisms().contains(mechanism)
                || (reauthenticating && !mechanism.equals(mechanismName))) { // KIP-368: same mechanism
            state = State.FAILED;
            return ErrorCode.UNSUPPORTED_SASL_MECHANISM;
        }
        mechanismName = mechanism;
        bareTokens = version == 0;
        exchange = listener.exchanges().apply(mechanism);
        state = State.AUTHENTICATE;
        return ErrorCode.NONE;
    }

    /** One SaslAuthenticate token: the challenge, and on completion the session's lifetime. */
    Step authenticate(byte[] token) {
        if (state != State.AUTHENTICATE) {
            state = State.FAILED;
            return Step.failed(ErrorCode.ILLEGAL_SASL_STATE, "SaslAuthenticate before a SaslHandshake");
        }
        byte[] challenge;
        try {
            challenge = exchange.evaluate(token);
            challenge = challenge == null ? new byte[0] : challenge;
        } catch (SaslAuthenticationException e) {
            state = State.FAILED;
            return Step.failed(ErrorCode.SASL_AUTHENTICATION_FAILED, e.getMessage());
        } catch (RuntimeException e) { // a token the mechanism could not parse is the client's failure
            state = State.FAILED;
            return Step.failed(ErrorCode.SASL_AUTHENTICATION_FAILED,
                    "Authentication failed during authentication due to invalid credentials with SASL mechanism "
                            + mechanismName);
        }
        if (!exchange.isComplete()) {
            return new Step(ErrorCode.NONE, null, challenge, 0, null);
        }
        String authenticated = "User:" + exchange.authorizedId();
        if (principal != null && !principal.equals(authenticated)) { // KIP-368: no change of principal
            state = State.FAILED;
            return Step.failed(ErrorCode.SASL_AUTHENTICATION_FAILED,
                    "Cannot change principals during re-authentication from " + principal + " to " + authenticated);
        }
        principal = authenticated;
        long now = clock.getAsLong();
        long lifetime = sessionLifetimeMs(now, exchange.credentialExpiryMs());
        sessionExpiryMs = lifetime == 0 ? Long.MAX_VALUE : now + lifetime;
        exchange = null;
        bareTokens = false;
        state = State.AUTHENTICATED;
        return new Step(ErrorCode.NONE, null, challenge, lifetime, authenticated);
    }

    /** Whether the next frame is a bare SASL token (after a v0 handshake), not a request. */
    public boolean expectsBareToken() {
        return bareTokens;
    }

    /**
     * A bare token after a v0 handshake: the challenge to send back bare, or null when the
     * exchange failed (Kafka closes such a connection without an answer). On completion the
     * connection's principal is set.
     */
    public byte[] authenticateBare(byte[] token, ClientConnection connection) {
        Step step = authenticate(token);
        if (step.error() != ErrorCode.NONE) {
            return null;
        }
        if (step.principal() != null) {
            connection.authenticated(step.principal());
        }
        return step.challenge();
    }

    /**
     * KIP-368: with {@code connections.max.reauth.ms} set, the session lasts that long or until
     * the credential expires, whichever is first; without it, for ever (0).
     */
    private long sessionLifetimeMs(long now, long credentialExpiryMs) {
        if (listener.maxReauthMs() <= 0) {
            return 0;
        }
        long untilExpiry = credentialExpiryMs == Long.MAX_VALUE ? Long.MAX_VALUE : Math.max(1, credentialExpiryMs - now);
        return Math.min(listener.maxReauthMs(), untilExpiry);
    }

}

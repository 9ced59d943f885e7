package dev.wharf.server.security.sasl;

import java.nio.charset.StandardCharsets;

/**
 * The client side of OAUTHBEARER (RFC 7628) with an unsecured token made at the first message.
 * An empty server answer completes the exchange; an error JSON is acknowledged with %x01 (RFC
 * 7628 section 3.2.3), after which the server fails the exchange. Not thread-safe.
 */
final class OAuthBearerClientMechanism implements SaslClientMechanism {
    private static final byte[] ACKNOWLEDGE_ERROR = {OAuthBearerClientResponse.SEPARATOR};

    private enum State { INITIAL, SENT, ERROR_ACKNOWLEDGED, COMPLETE }

    private final UnsecuredLoginToken tokens;
    private State state = State.INITIAL;
    private String serverError;

    OAuthBearerClientMechanism(UnsecuredLoginToken tokens) {
        this.tokens = tokens;
    }

    @Override
    public String mechanismName() {
        return OAuthBearerServerMechanism.NAME;
    }

    @Override
    public byte[] initialResponse() throws SaslAuthenticationException {
        if (state != State.INITIAL) {
            throw new SaslAuthenticationException("OAUTHBEARER exchange already started");
        }
        state = State.SENT;
        return new OAuthBearerClientResponse("", tokens.token(), tokens.extensions()).toBytes();
    }

    @Override
    public byte[] evaluate(byte[] serverChallenge) throws SaslAuthenticationException {
        switch (state) {
            case SENT -> {
                if (serverChallenge == null || serverChallenge.length == 0) {
                    state = State.COMPLETE;
                    return null;
                }
                serverError = new String(serverChallenge, StandardCharsets.UTF_8);
                state = State.ERROR_ACKNOWLEDGED;
                return ACKNOWLEDGE_ERROR.clone();
            }
            case ERROR_ACKNOWLEDGED -> throw new SaslAuthenticationException(
                    "OAUTHBEARER authentication failed: " + serverError);
            default -> throw new SaslAuthenticationException("Unexpected OAUTHBEARER challenge from the server");
        }
    }

    @Override
    public boolean isComplete() {
        return state == State.COMPLETE;
    }

    /** The server's error JSON, once it refused the token. */
    String serverError() {
        return serverError;
    }
}

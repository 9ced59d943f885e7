package dev.wharf.server.security.sasl;

import java.nio.charset.StandardCharsets;

/**
 * The client side of SASL/PLAIN (RFC 4616): one message, {@code NUL username NUL password} (no
 * authzid, as Kafka's client sends it). Not thread-safe.
 */
final class PlainClientMechanism implements SaslClientMechanism {
    private final String username;
    private final String password;
    private boolean sent;

    PlainClientMechanism(String username, String password) {
        this.username = username;
        this.password = password;
    }

    @Override
    public String mechanismName() {
        return PlainServerMechanism.NAME;
    }

    @Override
    public byte[] initialResponse() {
        sent = true;
        return ("\u0000" + username + "\u0000" + password).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] evaluate(byte[] serverChallenge) throws SaslAuthenticationException {
        if (serverChallenge != null && serverChallenge.length > 0) {
            throw new SaslAuthenticationException("Unexpected SASL/PLAIN challenge from the server");
        }
        return null;
    }

    @Override
    public boolean isComplete() {
        return sent;
    }
}

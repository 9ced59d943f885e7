package dev.wharf.server.security.sasl;

import dev.wharf.server.security.ScramCredential;
import dev.wharf.server.security.ScramFormatter;
import dev.wharf.server.security.ScramMechanism;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The client side of SCRAM-SHA-256/512 (RFC 5802), as Kafka's client runs it: no channel
 * binding, no authzid; the server must extend our nonce, ask for at least Kafka's minimum
 * iterations, and prove it knows the credential in its final message. Not thread-safe.
 */
final class ScramClientMechanism implements SaslClientMechanism {
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum State { INITIAL, SERVER_FIRST, SERVER_FINAL, COMPLETE, FAILED }

    private final ScramMechanism mechanism;
    private final String username;
    private final String password;
    private State state = State.INITIAL;
    private ScramMessages.ClientFirst clientFirst;
    private byte[] expectedServerSignature;

    ScramClientMechanism(ScramMechanism mechanism, String username, String password) {
        this.mechanism = mechanism;
        this.username = username;
        this.password = password;
    }

    @Override
    public String mechanismName() {
        return mechanism.mechanismName;
    }

    @Override
    public byte[] initialResponse() throws SaslAuthenticationException {
        if (state != State.INITIAL) {
            throw new SaslAuthenticationException("SCRAM exchange already started");
        }
        byte[] nonce = new byte[18];
        RANDOM.nextBytes(nonce);
        clientFirst = ScramMessages.ClientFirst.of(ScramMessages.saslName(username),
                Base64.getUrlEncoder().withoutPadding().encodeToString(nonce));
        state = State.SERVER_FIRST;
        return clientFirst.text().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public byte[] evaluate(byte[] serverChallenge) throws SaslAuthenticationException {
        State current = state;
        state = State.FAILED;
        byte[] response = switch (current) {
            case SERVER_FIRST -> serverFirst(serverChallenge);
            case SERVER_FINAL -> serverFinal(serverChallenge);
            default -> throw new SaslAuthenticationException("Unexpected SCRAM challenge from the server");
        };
        state = current == State.SERVER_FIRST ? State.SERVER_FINAL : State.COMPLETE;
        return response;
    }

    private byte[] serverFirst(byte[] challenge) throws SaslAuthenticationException {
        ScramMessages.ServerFirst serverFirst = ScramMessages.ServerFirst.parse(challenge);
        if (!serverFirst.nonce().startsWith(clientFirst.nonce())
                || serverFirst.nonce().length() == clientFirst.nonce().length()) {
            throw new SaslAuthenticationException("Invalid server nonce: it does not extend the client nonce");
        }
        if (serverFirst.iterations() < ScramMechanism.MIN_ITERATIONS) {
            throw new SaslAuthenticationException("Requested iterations " + serverFirst.iterations()
                    + " is less than the minimum " + ScramMechanism.MIN_ITERATIONS);
        }
        byte[] salted = ScramFormatter.saltedPassword(mechanism, password, serverFirst.salt(),
                serverFirst.iterations());
        ScramCredential keys = ScramFormatter.credential(mechanism, salted, serverFirst.salt(),
                serverFirst.iterations());
        byte[] clientKey = ScramFormatter.clientKey(mechanism, salted);
        String withoutProof = ScramMessages.ClientFinal.withoutProof(clientFirst.gs2Header(), serverFirst.nonce());
        byte[] authMessage = ScramMessages.authMessage(clientFirst, serverFirst, withoutProof);
        byte[] proof = ScramFormatter.xor(clientKey, ScramFormatter.hmac(mechanism, keys.storedKey(), authMessage));
        expectedServerSignature = ScramFormatter.hmac(mechanism, keys.serverKey(), authMessage);
        return (withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof)).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] serverFinal(byte[] challenge) throws SaslAuthenticationException {
        String text = new String(challenge, StandardCharsets.UTF_8);
        if (text.startsWith("e=")) {
            throw new SaslAuthenticationException("SCRAM authentication failed: " + text.substring(2));
        }
        if (!text.startsWith("v=")) {
            throw new SaslAuthenticationException("Invalid SCRAM server final message");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(text.substring(2));
        } catch (IllegalArgumentException e) {
            throw new SaslAuthenticationException("Invalid SCRAM server final message: signature is not base64");
        }
        if (!MessageDigest.isEqual(signature, expectedServerSignature)) {
            throw new SaslAuthenticationException("Invalid server signature in the SCRAM server final message");
        }
        return null;
    }

    @Override
    public boolean isComplete() {
        return state == State.COMPLETE;
    }
}

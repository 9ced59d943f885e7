package dev.wharf.server.security.sasl;

import dev.wharf.server.security.ScramCredential;
import dev.wharf.server.security.ScramCredentials;
import dev.wharf.server.security.ScramFormatter;
import dev.wharf.server.security.ScramMechanism;
import java.nio.charset.StandardCharsets;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of SCRAM-SHA-256/512 (RFC 5802, RFC 7677) as Kafka speaks it: two round trips,
 * credentials from {@link ScramCredentials}, no channel binding.
 *
 * <p>An unknown user is not refused at the first message: the exchange goes on with a made-up
 * credential (a salt derived from the name, so it is the same each time) and fails at the proof
 * with the same message as a wrong password, so a client cannot tell which users exist (RFC 5802
 * section 9). Kafka's delegation-token extension ({@code tokenauth=true}) is refused: Wharf issues
 * no delegation tokens. One exchange; not thread-safe.
 */
final class ScramServerMechanism implements SaslServerMechanism {
    private static final Logger LOG = LoggerFactory.getLogger(ScramServerMechanism.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum State { CLIENT_FIRST, CLIENT_FINAL, COMPLETE, FAILED }

    private final ScramMechanism mechanism;
    private final ScramCredentials credentials;
    /** Per listener: keys the made-up salts of unknown users. */
    private final byte[] unknownUserSecret;
    private State state = State.CLIENT_FIRST;
    private ScramMessages.ClientFirst clientFirst;
    private ScramMessages.ServerFirst serverFirst;
    private ScramCredential credential;
    private boolean knownUser;
    private String username;

    ScramServerMechanism(ScramMechanism mechanism, ScramCredentials credentials, byte[] unknownUserSecret) {
        this.mechanism = mechanism;
        this.credentials = credentials;
        this.unknownUserSecret = unknownUserSecret;
    }

    @Override
    public byte[] evaluate(byte[] clientToken) throws SaslAuthenticationException {
        State current = state;
        state = State.FAILED;
        byte[] challenge = switch (current) {
            case CLIENT_FIRST -> clientFirst(clientToken);
            case CLIENT_FINAL -> clientFinal(clientToken);
            case COMPLETE, FAILED -> throw new SaslAuthenticationException(
                    "Authentication failed: unexpected " + mechanism.mechanismName + " message");
        };
        state = current == State.CLIENT_FIRST ? State.CLIENT_FINAL : State.COMPLETE;
        return challenge;
    }

    private byte[] clientFirst(byte[] token) throws SaslAuthenticationException {
        clientFirst = ScramMessages.ClientFirst.parse(token);
        if ("true".equalsIgnoreCase(clientFirst.extensions().get("tokenauth"))) {
            throw new SaslAuthenticationException(
                    "Authentication failed: delegation token authentication is not supported");
        }
        username = ScramMessages.username(clientFirst.saslName());
        if (!clientFirst.authzid().isEmpty() && !clientFirst.authzid().equals(username)) {
            throw new SaslAuthenticationException(
                    "Authentication failed: Client requested an authorization id that is different from username");
        }
        Optional<ScramCredential> found = credentials.lookup(username, mechanism);
        knownUser = found.isPresent() && found.get().iterations() >= ScramMechanism.MIN_ITERATIONS;
        if (found.isPresent() && !knownUser) {
            LOG.warn("SCRAM credential refused: iterations below the minimum, user={} mechanism={} iterations={}",
                    username, mechanism.mechanismName, found.get().iterations());
        }
        credential = knownUser ? found.get() : madeUpCredential(username);
        String nonce = clientFirst.nonce() + serverNonce();
        serverFirst = ScramMessages.ServerFirst.of(nonce, credential.salt(), credential.iterations());
        return serverFirst.text().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] clientFinal(byte[] token) throws SaslAuthenticationException {
        ScramMessages.ClientFinal clientFinal = ScramMessages.ClientFinal.parse(token);
        // endsWith, as Kafka checks it: librdkafka (2.0 at least) sends its own nonce again in front
        // of the combined one, and Kafka's brokers accept that
        if (!clientFinal.nonce().endsWith(serverFirst.nonce())) {
            throw new SaslAuthenticationException("Authentication failed: Invalid client nonce in the final "
                    + "client message.");
        }
        String expectedBinding = Base64.getEncoder().encodeToString(
                clientFirst.gs2Header().getBytes(StandardCharsets.UTF_8));
        if (!clientFinal.channelBinding().equals(expectedBinding)) {
            throw new SaslAuthenticationException("Authentication failed: Invalid channel binding in the final "
                    + "client message.");
        }
        byte[] authMessage = ScramMessages.authMessage(clientFirst, serverFirst, clientFinal.withoutProof());
        byte[] clientSignature = ScramFormatter.hmac(mechanism, credential.storedKey(), authMessage);
        boolean proofMatches = clientFinal.proof().length == clientSignature.length
                && MessageDigest.isEqual(ScramFormatter.hash(mechanism,
                        ScramFormatter.xor(clientFinal.proof(), clientSignature)), credential.storedKey());
        if (!proofMatches || !knownUser) {
            throw new SaslAuthenticationException(
                    "Authentication failed during authentication due to invalid credentials with SASL mechanism "
                            + mechanism.mechanismName);
        }
        byte[] serverSignature = ScramFormatter.hmac(mechanism, credential.serverKey(), authMessage);
        return ("v=" + Base64.getEncoder().encodeToString(serverSignature)).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public boolean isComplete() {
        return state == State.COMPLETE;
    }

    @Override
    public String authorizedId() {
        if (state != State.COMPLETE) {
            throw new IllegalStateException(mechanism.mechanismName + " authentication is not complete");
        }
        return username;
    }

    /** Stands in for an unknown user's credential: a stable salt, keys no password produces. */
    private ScramCredential madeUpCredential(String user) {
        // shaped like the salts Kafka's admin client makes: a 130-bit number in base 36, as ASCII
        byte[] seed = ScramFormatter.hmac(mechanism, unknownUserSecret, user.getBytes(StandardCharsets.UTF_8));
        byte[] salt = new BigInteger(1, seed).shiftRight(seed.length * 8 - 130).toString(Character.MAX_RADIX)
                .getBytes(StandardCharsets.US_ASCII);
        byte[] keys = new byte[ScramFormatter.hash(mechanism, new byte[0]).length];
        RANDOM.nextBytes(keys);
        return new ScramCredential(salt, keys, keys, ScramMechanism.MIN_ITERATIONS);
    }

    /** Printable, without ',' (base64url of 18 random bytes, as long as Kafka's). */
    private static String serverNonce() {
        byte[] b = new byte[18];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}

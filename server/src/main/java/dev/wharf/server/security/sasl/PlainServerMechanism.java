package dev.wharf.server.security.sasl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SASL/PLAIN (RFC 4616) against the {@code user_<name>="<password>"} options of the listener's
 * PlainLoginModule JAAS entry, as Kafka's default PLAIN server does. The client's one message is
 * {@code [authzid] NUL authcid NUL passwd} in UTF-8; an authzid, if given, must equal authcid.
 *
 * <p>Passwords are compared as SHA-256 digests with {@link MessageDigest#isEqual}, so the time
 * taken says nothing about the stored password, nor (an unknown user is compared with a random
 * digest) whether the user exists. One exchange; not thread-safe.
 */
final class PlainServerMechanism implements SaslServerMechanism {
    static final String NAME = "PLAIN";
    private static final String INVALID = "Authentication failed: Invalid username or password";

    /** User name to the SHA-256 digest of the password, shared by all exchanges of a listener. */
    private final Map<String, byte[]> passwordDigests;
    private final byte[] unknownUserDigest;
    private String authorizedId;

    PlainServerMechanism(Map<String, byte[]> passwordDigests, byte[] unknownUserDigest) {
        this.passwordDigests = passwordDigests;
        this.unknownUserDigest = unknownUserDigest;
    }

    /** The digests of the {@code user_<name>} options of {@code entry}. */
    static Map<String, byte[]> passwordDigests(JaasConfig.Entry entry) {
        Map<String, byte[]> out = new HashMap<>();
        entry.options().forEach((k, v) -> {
            if (k.startsWith("user_") && k.length() > "user_".length()) {
                out.put(k.substring("user_".length()), sha256(v.getBytes(StandardCharsets.UTF_8)));
            }
        });
        return Map.copyOf(out);
    }

    /** A digest no password has, for comparing when the user is unknown. */
    static byte[] randomDigest() {
        byte[] b = new byte[32];
        new SecureRandom().nextBytes(b);
        return b;
    }

    @Override
    public byte[] evaluate(byte[] clientToken) throws SaslAuthenticationException {
        if (authorizedId != null) {
            throw new SaslAuthenticationException("Authentication failed: PLAIN takes one message");
        }
        List<String> tokens = split(new String(clientToken, StandardCharsets.UTF_8));
        if (tokens.size() != 3) {
            throw new SaslAuthenticationException("Invalid SASL/PLAIN response: expected 3 tokens, got "
                    + tokens.size());
        }
        String authzid = tokens.get(0);
        String username = tokens.get(1);
        String password = tokens.get(2);
        if (username.isEmpty()) {
            throw new SaslAuthenticationException("Authentication failed: username not specified");
        }
        if (password.isEmpty()) {
            throw new SaslAuthenticationException("Authentication failed: password not specified");
        }
        byte[] expected = passwordDigests.getOrDefault(username, unknownUserDigest);
        boolean match = MessageDigest.isEqual(sha256(password.getBytes(StandardCharsets.UTF_8)), expected);
        if (!match || expected == unknownUserDigest) {
            throw new SaslAuthenticationException(INVALID);
        }
        if (!authzid.isEmpty() && !authzid.equals(username)) {
            throw new SaslAuthenticationException(
                    "Authentication failed: Client requested an authorization id that is different from username");
        }
        authorizedId = username;
        return new byte[0];
    }

    @Override
    public boolean isComplete() {
        return authorizedId != null;
    }

    @Override
    public String authorizedId() {
        if (authorizedId == null) {
            throw new IllegalStateException("PLAIN authentication is not complete");
        }
        return authorizedId;
    }

    /** Splits on NUL, keeping empty fields (String.split would drop trailing ones). */
    private static List<String> split(String message) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < message.length(); i++) {
            if (message.charAt(i) == '\u0000') {
                out.add(message.substring(start, i));
                start = i + 1;
            }
        }
        out.add(message.substring(start));
        return out;
    }

    static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}

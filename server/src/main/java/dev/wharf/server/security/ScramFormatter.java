package dev.wharf.server.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * SCRAM credentials from a salted password (RFC 5802: {@code StoredKey = H(HMAC(SaltedPassword,
 * "Client Key"))}, {@code ServerKey = HMAC(SaltedPassword, "Server Key")}), and their text form in a
 * user's config entity, as Kafka writes it:
 * {@code salt=<base64>,stored_key=<base64>,server_key=<base64>,iterations=<n>}.
 *
 * <p>Stateless; any thread.
 */
public final class ScramFormatter {
    private ScramFormatter() {}

    /** The credential a client's salted password (AlterUserScramCredentials carries it) stands for. */
    public static ScramCredential credential(ScramMechanism m, byte[] saltedPassword, byte[] salt, int iterations) {
        byte[] clientKey = hmac(m, saltedPassword, "Client Key".getBytes(StandardCharsets.UTF_8));
        byte[] serverKey = hmac(m, saltedPassword, "Server Key".getBytes(StandardCharsets.UTF_8));
        return new ScramCredential(salt.clone(), hash(m, clientKey), serverKey, iterations);
    }

    public static String toText(ScramCredential c) {
        Base64.Encoder b64 = Base64.getEncoder();
        return "salt=" + b64.encodeToString(c.salt()) + ",stored_key=" + b64.encodeToString(c.storedKey())
                + ",server_key=" + b64.encodeToString(c.serverKey()) + ",iterations=" + c.iterations();
    }

    /** The credential in its text form; IllegalArgumentException when it is not one. */
    public static ScramCredential parse(String text) {
        Map<String, String> fields = new HashMap<>();
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("not a SCRAM credential: no key=value in '" + part + "'");
            }
            fields.put(part.substring(0, eq), part.substring(eq + 1));
        }
        Base64.Decoder b64 = Base64.getDecoder();
        try {
            return new ScramCredential(b64.decode(required(fields, "salt")), b64.decode(required(fields, "stored_key")),
                    b64.decode(required(fields, "server_key")), Integer.parseInt(required(fields, "iterations")));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a SCRAM credential: bad iterations", e);
        }
    }

    private static String required(Map<String, String> fields, String key) {
        String v = fields.get(key);
        if (v == null) {
            throw new IllegalArgumentException("not a SCRAM credential: no " + key);
        }
        return v;
    }

    private static byte[] hmac(ScramMechanism m, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(m.macAlgorithm);
            mac.init(new SecretKeySpec(key, m.macAlgorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(m.macAlgorithm + " is part of every JDK", e);
        }
    }

    private static byte[] hash(ScramMechanism m, byte[] data) {
        try {
            return MessageDigest.getInstance(m.hashAlgorithm).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(m.hashAlgorithm + " is part of every JDK", e);
        }
    }
}

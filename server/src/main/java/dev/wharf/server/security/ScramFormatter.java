package dev.wharf.server.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SCRAM arithmetic of RFC 5802 (section 3) and Kafka's text form of a stored credential.
 *
 * <pre>
 * SaltedPassword = Hi(password as UTF-8, salt, i)      (PBKDF2 with the mechanism's HMAC)
 * ClientKey      = HMAC(SaltedPassword, "Client Key")
 * StoredKey      = H(ClientKey)
 * ServerKey      = HMAC(SaltedPassword, "Server Key")
 * </pre>
 *
 * Kafka (and so Wharf) does not apply SASLprep to passwords: the UTF-8 bytes are used as given.
 * The text form is what Kafka keeps in a user's config entity in ZooKeeper:
 * {@code salt=<base64>,stored_key=<base64>,server_key=<base64>,iterations=<n>}.
 *
 * <p>Stateless; any thread.
 */
public final class ScramFormatter {
    private static final Base64.Encoder B64 = Base64.getEncoder();
    private static final Base64.Decoder B64D = Base64.getDecoder();

    private ScramFormatter() {
    }

    /** Hi(password, salt, iterations) of RFC 5802 for {@code mechanism}. */
    public static byte[] saltedPassword(ScramMechanism mechanism, String password, byte[] salt, int iterations) {
        return hi(mechanism, password.getBytes(StandardCharsets.UTF_8), salt, iterations);
    }

    /** The stored credential for a salted password (what AlterUserScramCredentials carries). */
    public static ScramCredential credential(ScramMechanism mechanism, byte[] saltedPassword, byte[] salt,
            int iterations) {
        byte[] storedKey = hash(mechanism, clientKey(mechanism, saltedPassword));
        byte[] serverKey = hmac(mechanism, saltedPassword, bytes("Server Key"));
        return new ScramCredential(salt.clone(), storedKey, serverKey, iterations);
    }

    /** ClientKey = HMAC(SaltedPassword, "Client Key"): what a client proves it knows. */
    public static byte[] clientKey(ScramMechanism mechanism, byte[] saltedPassword) {
        return hmac(mechanism, saltedPassword, bytes("Client Key"));
    }

    /** The credential for a plain password (tests, and the inter-broker client). */
    public static ScramCredential credential(ScramMechanism mechanism, String password, byte[] salt,
            int iterations) {
        return credential(mechanism, saltedPassword(mechanism, password, salt, iterations), salt, iterations);
    }

    /** Kafka's ZooKeeper text form of {@code credential}. */
    public static String format(ScramCredential credential) {
        return "salt=" + B64.encodeToString(credential.salt())
                + ",stored_key=" + B64.encodeToString(credential.storedKey())
                + ",server_key=" + B64.encodeToString(credential.serverKey())
                + ",iterations=" + credential.iterations();
    }

    /**
     * Parses Kafka's text form; the four fields may come in any order.
     *
     * @throws IllegalArgumentException naming what is missing or malformed
     */
    public static ScramCredential parse(String text) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("Invalid SCRAM credential: '" + part + "' is not key=value");
            }
            fields.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        try {
            return new ScramCredential(B64D.decode(required(fields, "salt")),
                    B64D.decode(required(fields, "stored_key")), B64D.decode(required(fields, "server_key")),
                    Integer.parseInt(required(fields, "iterations")));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid SCRAM credential: " + e.getMessage(), e);
        }
    }

    /** HMAC(key, data) with the mechanism's MAC. */
    public static byte[] hmac(ScramMechanism mechanism, byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(mechanism.macAlgorithm);
            mac.init(new SecretKeySpec(key, mechanism.macAlgorithm));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(mechanism.macAlgorithm + " is part of every Java runtime", e);
        }
    }

    /** H(data) with the mechanism's hash. */
    public static byte[] hash(ScramMechanism mechanism, byte[] data) {
        try {
            return MessageDigest.getInstance(mechanism.hashAlgorithm).digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(mechanism.hashAlgorithm + " is part of every Java runtime", e);
        }
    }

    public static byte[] xor(byte[] a, byte[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("xor of " + a.length + " and " + b.length + " bytes");
        }
        byte[] out = new byte[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (byte) (a[i] ^ b[i]);
        }
        return out;
    }

    /** RFC 5802's Hi: PBKDF2 with one output block, U1 = HMAC(str, salt + INT(1)). */
    private static byte[] hi(ScramMechanism mechanism, byte[] password, byte[] salt, int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("SCRAM iterations must be positive, was " + iterations);
        }
        try {
            Mac mac = Mac.getInstance(mechanism.macAlgorithm);
            mac.init(new SecretKeySpec(password, mechanism.macAlgorithm));
            mac.update(salt);
            byte[] u = mac.doFinal(new byte[] {0, 0, 0, 1});
            byte[] result = u.clone();
            for (int i = 1; i < iterations; i++) {
                u = mac.doFinal(u);
                for (int j = 0; j < result.length; j++) {
                    result[j] ^= u[j];
                }
            }
            return result;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(mechanism.macAlgorithm + " is part of every Java runtime", e);
        }
    }

    private static String required(Map<String, String> fields, String key) {
        String v = fields.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing " + key);
        }
        return v;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

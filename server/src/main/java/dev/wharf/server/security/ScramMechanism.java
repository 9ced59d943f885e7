package dev.wharf.server.security;

import java.util.Optional;

/**
 * The SCRAM mechanisms Kafka speaks (RFC 5802, RFC 7677), with the type ids that
 * AlterUserScramCredentials and DescribeUserScramCredentials use and Kafka's iteration bounds.
 */
public enum ScramMechanism {
    SCRAM_SHA_256("SCRAM-SHA-256", (byte) 1, "SHA-256", "HmacSHA256"),
    SCRAM_SHA_512("SCRAM-SHA-512", (byte) 2, "SHA-512", "HmacSHA512");

    /** Kafka refuses fewer iterations than this, and more than {@link #MAX_ITERATIONS}. */
    public static final int MIN_ITERATIONS = 4096;
    public static final int MAX_ITERATIONS = 16384;

    /** The SASL mechanism name, also the key of the credential in a user's config entity. */
    public final String mechanismName;
    /** The id on the wire (ScramMechanism in the admin APIs' specs). */
    public final byte typeId;
    /** The hash function (JCA name). */
    public final String hashAlgorithm;
    /** The HMAC (JCA name). */
    public final String macAlgorithm;

    ScramMechanism(String mechanismName, byte typeId, String hashAlgorithm, String macAlgorithm) {
        this.mechanismName = mechanismName;
        this.typeId = typeId;
        this.hashAlgorithm = hashAlgorithm;
        this.macAlgorithm = macAlgorithm;
    }

    public static Optional<ScramMechanism> byName(String name) {
        for (ScramMechanism m : values()) {
            if (m.mechanismName.equals(name)) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

    public static Optional<ScramMechanism> byTypeId(byte id) {
        for (ScramMechanism m : values()) {
            if (m.typeId == id) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }
}

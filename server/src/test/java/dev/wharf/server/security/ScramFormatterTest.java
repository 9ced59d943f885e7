package dev.wharf.server.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.security.scram.internals.ScramCredentialUtils;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SCRAM key derivation and the ZooKeeper text form, checked against kafka-clients' own ScramFormatter. */
class ScramFormatterTest {
    private static final byte[] SALT = "a-salt-of-some-length".getBytes(StandardCharsets.UTF_8);

    // The credential derived from a password is the one Kafka derives, so users created by Kafka's tools log in.
    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void credentialMatchesKafkas(ScramMechanism m) throws Exception {
        var kafka = new org.apache.kafka.common.security.scram.internals.ScramFormatter(
                org.apache.kafka.common.security.scram.internals.ScramMechanism.forMechanismName(m.mechanismName));
        byte[] salted = ScramFormatter.saltedPassword(m, "pässword", SALT, 4096);
        assertArrayEquals(kafka.saltedPassword("pässword", SALT, 4096), salted);

        ScramCredential ours = ScramFormatter.credential(m, salted, SALT, 4096);
        var theirs = kafka.generateCredential(SALT, salted, 4096);
        assertArrayEquals(theirs.storedKey(), ours.storedKey());
        assertArrayEquals(theirs.serverKey(), ours.serverKey());
        assertArrayEquals(SALT, ours.salt());
        assertEquals(4096, ours.iterations());
    }

    // The text form is Kafka's, both ways, so credentials written by either are read by the other.
    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void textFormIsKafkas(ScramMechanism m) {
        ScramCredential ours = ScramFormatter.credential(m, "secret", SALT, 8192);
        var theirs = new org.apache.kafka.common.security.scram.ScramCredential(ours.salt(), ours.storedKey(),
                ours.serverKey(), ours.iterations());
        assertEquals(ScramCredentialUtils.credentialToString(theirs), ScramFormatter.format(ours));

        ScramCredential parsed = ScramFormatter.parse(ScramCredentialUtils.credentialToString(theirs));
        assertArrayEquals(ours.salt(), parsed.salt());
        assertArrayEquals(ours.storedKey(), parsed.storedKey());
        assertArrayEquals(ours.serverKey(), parsed.serverKey());
        assertEquals(8192, parsed.iterations());
    }

    // A damaged stored credential is reported with what is wrong, not as a random runtime error.
    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void malformedTextIsReported(ScramMechanism m) {
        String text = ScramFormatter.format(ScramFormatter.credential(m, "secret", SALT, 4096));
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ScramFormatter.parse(text.replaceFirst(",iterations=4096", "")));
        assertTrue(missing.getMessage().contains("iterations"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ScramFormatter.parse(text.replace("4096", "many")));
        assertThrows(IllegalArgumentException.class, () -> ScramFormatter.parse("nonsense"));
    }
}

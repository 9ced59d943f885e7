package dev.wharf.server.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** SCRAM credentials derived as RFC 5802 says, and written as Kafka writes them. */
class ScramFormatterTest {
    private static final byte[] SALT = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
    private static final String AUTH_MESSAGE = "n=user,r=rOprNGfwEbeRWgbNEkqO,"
            + "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,"
            + "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";

    // RFC 7677's SCRAM-SHA-256 exchange checks out against the derived keys: the server signature it
    // shows is HMAC(ServerKey, AuthMessage), and its client proof recovers a key hashing to StoredKey.
    @Test
    void derivesTheKeysOfRfc7677sExample() throws Exception {
        byte[] salted = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256")
                .generateSecret(new PBEKeySpec("pencil".toCharArray(), SALT, 4096, 256)).getEncoded();
        ScramCredential c = ScramFormatter.credential(ScramMechanism.SCRAM_SHA_256, salted, SALT, 4096);

        assertEquals("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=",
                Base64.getEncoder().encodeToString(hmac(c.serverKey(), AUTH_MESSAGE)));
        byte[] proof = Base64.getDecoder().decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        byte[] signature = hmac(c.storedKey(), AUTH_MESSAGE);
        byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++) {
            clientKey[i] = (byte) (proof[i] ^ signature[i]);
        }
        assertArrayEquals(c.storedKey(), java.security.MessageDigest.getInstance("SHA-256").digest(clientKey));
    }

    // The text form is Kafka's, and reads back to the same credential.
    @Test
    void textFormIsKafkasAndRoundTrips() {
        ScramCredential c = new ScramCredential(new byte[] {1, 2}, new byte[] {3}, new byte[] {4, 5, 6}, 8192);
        String text = ScramFormatter.toText(c);
        assertEquals("salt=AQI=,stored_key=Aw==,server_key=BAUG,iterations=8192", text);
        ScramCredential back = ScramFormatter.parse(text);
        assertArrayEquals(c.salt(), back.salt());
        assertArrayEquals(c.storedKey(), back.storedKey());
        assertArrayEquals(c.serverKey(), back.serverKey());
        assertEquals(8192, back.iterations());
        assertThrows(IllegalArgumentException.class, () -> ScramFormatter.parse("salt=AQI=,iterations=1"));
    }

    private static byte[] hmac(byte[] key, String data) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    }
}

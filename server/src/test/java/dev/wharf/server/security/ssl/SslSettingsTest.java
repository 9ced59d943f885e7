package dev.wharf.server.security.ssl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.config.ListenerSettings;
import dev.wharf.testing.TestCertificates;
import dev.wharf.testing.TestCertificates.StoreType;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SslSettingsTest {
    @TempDir
    static Path dir;

    private static TestCertificates certs;

    @BeforeAll
    static void makeCertificates() {
        certs = TestCertificates.create(dir);
    }

    // Every store type Kafka accepts gives a listener context and a client factory.
    @ParameterizedTest
    @EnumSource(StoreType.class)
    void eachStoreTypeBuildsServerAndClientSides(StoreType type) {
        SslSettings settings = SslSettings.of(certs.brokerSsl(type));
        SslContext server = settings.serverContext();
        assertTrue(server.isServer());
        assertNotNull(settings.clientSocketFactory());
        assertTrue(settings.hasKeyStore());
    }

    // Kafka's defaults: no client certificate asked for, host names checked, DN as principal.
    @Test
    void kafkaDefaults() {
        SslSettings settings = SslSettings.of(certs.brokerSsl(StoreType.PKCS12));
        assertEquals(ClientAuth.NONE, settings.clientAuth());
        assertTrue(settings.verifyHostname());
        assertEquals("CN=a,O=b", settings.principalMapper().nameOf("CN=a,O=b"));
        assertTrue(SslSettings.keys().contains("ssl.keystore.certificate.chain"));
        assertTrue(SslSettings.keys().contains("ssl.principal.mapping.rules"));
    }

    // ssl.client.auth takes Kafka's three values, in any case.
    @Test
    void clientAuthValues() {
        assertEquals(ClientAuth.NONE, with("ssl.client.auth", "none").clientAuth());
        assertEquals(ClientAuth.OPTIONAL, with("ssl.client.auth", "requested").clientAuth());
        assertEquals(ClientAuth.REQUIRE, with("ssl.client.auth", "REQUIRED").clientAuth());
    }

    // An empty ssl.endpoint.identification.algorithm turns the host name check off, as in Kafka.
    @Test
    void emptyEndpointIdentificationTurnsTheCheckOff() {
        assertFalse(with("ssl.endpoint.identification.algorithm", "").verifyHostname());
    }

    // PEM inline (ssl.keystore.key, ssl.keystore.certificate.chain, ssl.truststore.certificates) works like files.
    @Test
    void inlinePem() {
        SslSettings settings = SslSettings.of(certs.brokerSslInline());
        assertTrue(settings.serverContext().isServer());
    }

    // An encrypted PKCS#8 key is opened with ssl.key.password; a wrong or missing one is named.
    @Test
    void encryptedPemKey() {
        Map<String, String> ssl = new HashMap<>(certs.brokerSslInline());
        ssl.put("ssl.keystore.key", certs.server().encryptedKeyPem("pem-secret"));
        ssl.put("ssl.key.password", "pem-secret");
        assertTrue(SslSettings.of(ssl).serverContext().isServer());

        ssl.put("ssl.key.password", "wrong");
        assertFailsNaming("ssl.key.password", ssl);
        ssl.remove("ssl.key.password");
        assertFailsNaming("ssl.key.password", ssl);
    }

    // A listener's own listener.name.<l>.ssl.* keys win over the broker-wide ones (the lead's call path).
    @Test
    void listenerOverridesThroughListenerSettings() {
        Map<String, String> broker = new HashMap<>(certs.brokerSsl(StoreType.JKS));
        broker.put("ssl.client.auth", "none");
        broker.putAll(TestCertificates.forListener("EXTERNAL", Map.of("ssl.client.auth", "required")));
        SslSettings external = SslSettings.of(new ListenerSettings("EXTERNAL", broker).withPrefix("ssl."));
        SslSettings internal = SslSettings.of(new ListenerSettings("INTERNAL", broker).withPrefix("ssl."));
        assertEquals(ClientAuth.REQUIRE, external.clientAuth());
        assertEquals(ClientAuth.NONE, internal.clientAuth());
    }

    // A PKCS#1 key (BEGIN RSA PRIVATE KEY), which Kafka does not take either, is refused by name.
    @Test
    void pkcs1KeyIsRefused() {
        Map<String, String> ssl = new HashMap<>(certs.brokerSslInline());
        ssl.put("ssl.keystore.key", "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
        assertFailsNaming("ssl.keystore.key", ssl);
    }

    // A missing store file names the location key.
    @Test
    void missingStoreFile() {
        assertFailsNaming("ssl.keystore.location",
                override(StoreType.JKS, "ssl.keystore.location", dir.resolve("nope.jks").toString()));
        assertFailsNaming("ssl.truststore.location",
                override(StoreType.PEM, "ssl.truststore.location", dir.resolve("nope.pem").toString()));
    }

    // A wrong store password names the password key, for both binary store types.
    @ParameterizedTest
    @EnumSource(value = StoreType.class, names = {"JKS", "PKCS12"})
    void wrongStorePassword(StoreType type) {
        assertFailsNaming("ssl.keystore.password", override(type, "ssl.keystore.password", "wrong"));
        assertFailsNaming("ssl.truststore.password", override(type, "ssl.truststore.password", "wrong"));
    }

    // A JKS key password that does not unlock the key names ssl.key.password.
    @Test
    void wrongKeyPassword() {
        assertFailsNaming("ssl.key.password", override(StoreType.JKS, "ssl.key.password", "wrong"));
    }

    // Store types other than JKS, PKCS12, PEM (and what the JDK knows) are refused by name.
    @Test
    void unknownStoreType() {
        assertFailsNaming("ssl.keystore.type", override(StoreType.JKS, "ssl.keystore.type", "XYZ"));
        assertFailsNaming("ssl.truststore.type", override(StoreType.JKS, "ssl.truststore.type", "XYZ"));
    }

    // Kafka's rules on which PEM keys go together.
    @Test
    void pemCombinationRules() {
        Map<String, String> jksTypeInlineKey = new HashMap<>(certs.brokerSslInline());
        jksTypeInlineKey.put("ssl.keystore.type", "JKS");
        assertFailsNaming("ssl.keystore.type", jksTypeInlineKey);

        Map<String, String> keyWithoutChain = new HashMap<>(certs.brokerSslInline());
        keyWithoutChain.remove("ssl.keystore.certificate.chain");
        assertFailsNaming("ssl.keystore.certificate.chain", keyWithoutChain);

        assertFailsNaming("ssl.keystore.password", override(StoreType.PEM, "ssl.keystore.password", "x"));
        assertFailsNaming("ssl.keystore.password", override(StoreType.JKS, "ssl.keystore.password", ""));
    }

    // A listener needs an identity: without a key store the server context is refused by name.
    @Test
    void serverNeedsAKeyStore() {
        Map<String, String> trustOnly = Map.of("ssl.truststore.type", "PEM",
                "ssl.truststore.certificates", certs.caPem());
        SslSettings settings = SslSettings.of(trustOnly);
        assertFalse(settings.hasKeyStore());
        assertNotNull(settings.clientSocketFactory());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, settings::serverContext);
        assertTrue(e.getMessage().startsWith("ssl.keystore.location:"), e.getMessage());
    }

    // Bad values of the other keys fail at parse time naming the key.
    @Test
    void badValuesNameTheirKey() {
        Map<String, String> bad = Map.of(
                "ssl.client.auth", "sometimes",
                "ssl.enabled.protocols", "TLSv1.2,TLSv9",
                "ssl.cipher.suites", "TLS_NO_SUCH_SUITE",
                "ssl.protocol", "TLSv9",
                "ssl.endpoint.identification.algorithm", "ftp",
                "ssl.keymanager.algorithm", "NoSuchKeyManager",
                "ssl.trustmanager.algorithm", "NoSuchTrustManager",
                "ssl.secure.random.implementation", "NoSuchRandom",
                "ssl.provider", "NoSuchProvider",
                "ssl.principal.mapping.rules", "RULE:broken");
        bad.forEach((key, value) -> assertFailsNaming(key, override(StoreType.PKCS12, key, value)));
    }

    private static SslSettings with(String key, String value) {
        return SslSettings.of(override(StoreType.PKCS12, key, value));
    }

    private static Map<String, String> override(StoreType type, String key, String value) {
        Map<String, String> ssl = new HashMap<>(certs.brokerSsl(type));
        ssl.put(key, value);
        return ssl;
    }

    private static void assertFailsNaming(String key, Map<String, String> ssl) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SslSettings.of(ssl).serverContext(), () -> "expected a failure naming " + key);
        assertTrue(e.getMessage().startsWith(key + ":"), () -> "expected " + key + " in: " + e.getMessage());
    }
}

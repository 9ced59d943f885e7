package dev.wharf.server.security.ssl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.TestCertificates;
import dev.wharf.testing.TestCertificates.Identity;
import dev.wharf.testing.TestCertificates.StoreType;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLSocketFactory;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.network.ConnectionMode;
import org.apache.kafka.common.security.ssl.SslFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Real TLS handshakes over loopback: a Netty server on {@link SslSettings#serverContext()} and real clients. */
class SslHandshakeTest {
    private static final String ALICE = "CN=alice,OU=eng,O=Wharf";
    private static final String CN_RULE = "RULE:^CN=([^,]*),.*$/$1/,DEFAULT";

    @TempDir
    static Path dir;

    private static TestCertificates certs;
    private static Identity alice;

    @BeforeAll
    static void makeCertificates() {
        certs = TestCertificates.create(dir);
        alice = certs.client(ALICE);
    }

    // With each store type, a client trusting the CA completes the handshake and is ANONYMOUS without a certificate.
    @ParameterizedTest
    @EnumSource(StoreType.class)
    void handshakeWithEachStoreType(StoreType type) throws Exception {
        SslSettings server = SslSettings.of(certs.brokerSsl(type));
        SslSettings client = SslSettings.of(trustOnly(type));
        try (TlsEchoServer echo = new TlsEchoServer(server.serverContext(), server.principalMapper())) {
            assertEquals("User:ANONYMOUS", echo.principalVia(client.clientSocketFactory(), "localhost"));
        }
    }

    // ssl.client.auth=required refuses a client that sends no certificate.
    @Test
    void requiredRefusesAClientWithoutCertificate() {
        SslSettings server = serverWith(Map.of("ssl.client.auth", "required"));
        SSLSocketFactory noCertificate = SslSettings.of(trustOnly(StoreType.PKCS12)).clientSocketFactory();
        try (TlsEchoServer echo = new TlsEchoServer(server.serverContext(), server.principalMapper())) {
            assertThrows(IOException.class, () -> echo.principalVia(noCertificate, "localhost"));
        }
    }

    // ssl.client.auth=requested lets a client without a certificate in, as ANONYMOUS.
    @Test
    void requestedAcceptsAClientWithoutCertificateAsAnonymous() throws Exception {
        SslSettings server = serverWith(Map.of("ssl.client.auth", "requested"));
        SSLSocketFactory noCertificate = SslSettings.of(trustOnly(StoreType.PKCS12)).clientSocketFactory();
        try (TlsEchoServer echo = new TlsEchoServer(server.serverContext(), server.principalMapper())) {
            assertEquals("User:ANONYMOUS", echo.principalVia(noCertificate, "localhost"));
        }
    }

    // A client certificate becomes the principal, through the mapping rules (or whole, by DEFAULT).
    @ParameterizedTest
    @EnumSource(StoreType.class)
    void clientCertificateMapsToItsPrincipal(StoreType type) throws Exception {
        SSLSocketFactory withAlice = SslSettings.of(certs.storeSettings(alice, type)).clientSocketFactory();
        SslSettings mapped = serverWith(Map.of("ssl.client.auth", "required", "ssl.principal.mapping.rules", CN_RULE));
        try (TlsEchoServer echo = new TlsEchoServer(mapped.serverContext(), mapped.principalMapper())) {
            assertEquals("User:alice", echo.principalVia(withAlice, "localhost"));
        }
        SslSettings unmapped = serverWith(Map.of("ssl.client.auth", "requested"));
        try (TlsEchoServer echo = new TlsEchoServer(unmapped.serverContext(), unmapped.principalMapper())) {
            assertEquals("User:" + ALICE, echo.principalVia(withAlice, "localhost"));
        }
    }

    // A certificate from another CA is refused even when client auth is only requested.
    @Test
    void clientCertificateFromAnotherCaIsRefused(@TempDir Path otherDir) {
        TestCertificates other = TestCertificates.create(otherDir);
        Map<String, String> strangerStores = new HashMap<>(other.storeSettings(other.client("CN=mallory"), StoreType.JKS));
        strangerStores.putAll(Map.of("ssl.truststore.type", "PEM", "ssl.truststore.certificates", certs.caPem()));
        strangerStores.remove("ssl.truststore.location");
        strangerStores.remove("ssl.truststore.password");
        SSLSocketFactory stranger = SslSettings.of(strangerStores).clientSocketFactory();
        SslSettings server = serverWith(Map.of("ssl.client.auth", "requested"));
        try (TlsEchoServer echo = new TlsEchoServer(server.serverContext(), server.principalMapper())) {
            assertThrows(IOException.class, () -> echo.principalVia(stranger, "localhost"));
        }
    }

    // With host name checking on (Kafka's default), a server certificate without the host's SAN is refused,
    // however the caller makes its socket (direct, unconnected then connected, layered over a plain one).
    @Test
    void hostNameVerification() throws Exception {
        Identity noSan = certs.issue("CN=somewhere-else,O=Wharf");
        SslSettings server = SslSettings.of(certs.storeSettings(noSan, StoreType.PKCS12));
        SslSettings verifying = SslSettings.of(trustOnly(StoreType.PKCS12));
        Map<String, String> lax = trustOnly(StoreType.PKCS12);
        lax.put("ssl.endpoint.identification.algorithm", "");
        SslSettings notVerifying = SslSettings.of(lax);
        try (TlsEchoServer echo = new TlsEchoServer(server.serverContext(), server.principalMapper())) {
            assertThrows(SSLHandshakeException.class, () -> echo.principalVia(verifying.clientSocketFactory(), "localhost"));
            assertThrows(SSLHandshakeException.class,
                    () -> echo.principalViaConnect(verifying.clientSocketFactory(), "localhost"));
            assertThrows(SSLHandshakeException.class,
                    () -> echo.principalViaLayered(verifying.clientSocketFactory(), "localhost"));
            assertEquals("User:ANONYMOUS", echo.principalVia(notVerifying.clientSocketFactory(), "localhost"));
        }
        // The broker's own certificate names both localhost and 127.0.0.1.
        SslSettings broker = SslSettings.of(certs.brokerSsl(StoreType.PKCS12));
        try (TlsEchoServer echo = new TlsEchoServer(broker.serverContext(), broker.principalMapper())) {
            assertEquals("User:ANONYMOUS", echo.principalVia(verifying.clientSocketFactory(), "localhost"));
            assertEquals("User:ANONYMOUS", echo.principalVia(verifying.clientSocketFactory(), "127.0.0.1"));
            assertEquals("User:ANONYMOUS", echo.principalViaConnect(verifying.clientSocketFactory(), "localhost"));
            assertEquals("User:ANONYMOUS", echo.principalViaLayered(verifying.clientSocketFactory(), "localhost"));
        }
    }

    // kafka-clients' own SSL engine, configured from a client's properties, handshakes with the listener (mutual TLS).
    @ParameterizedTest
    @EnumSource(StoreType.class)
    void kafkaClientEngine(StoreType type) throws Exception {
        SslSettings server = serverWith(Map.of("ssl.client.auth", "required", "ssl.principal.mapping.rules", CN_RULE));
        try (TlsEchoServer echo = new TlsEchoServer(server.serverContext(), server.principalMapper());
                SslFactory kafka = kafkaClientSsl(certs.clientProperties(type, alice))) {
            assertEquals("User:alice", echo.principalVia(kafkaEngine(kafka, echo)));
        }
    }

    // kafka-clients without a key store is refused by a listener requiring client certificates.
    @Test
    void kafkaClientWithoutCertificateIsRefusedWhenRequired() {
        SslSettings server = serverWith(Map.of("ssl.client.auth", "required"));
        try (TlsEchoServer echo = new TlsEchoServer(server.serverContext(), server.principalMapper());
                SslFactory kafka = kafkaClientSsl(certs.clientProperties(StoreType.PEM))) {
            assertThrows(ExecutionException.class, () -> echo.principalVia(kafkaEngine(kafka, echo)));
        }
    }

    // A listener limited to TLSv1.2 still serves Kafka's default client (TLSv1.2 and TLSv1.3 enabled).
    @Test
    void tls12OnlyListener() throws Exception {
        SslSettings server = serverWith(Map.of("ssl.enabled.protocols", "TLSv1.2"));
        try (TlsEchoServer echo = new TlsEchoServer(server.serverContext(), server.principalMapper());
                SslFactory kafka = kafkaClientSsl(certs.clientProperties(StoreType.JKS))) {
            assertEquals("User:ANONYMOUS", echo.principalVia(kafkaEngine(kafka, echo)));
        }
    }

    // OpenSSL serves when it loads; ssl.provider selects the JDK's provider, which serves too.
    @Test
    void providerChoice() throws Exception {
        SslContext preferred = SslSettings.of(certs.brokerSsl(StoreType.PKCS12)).serverContext();
        if (OpenSsl.isAvailable()) {
            assertTrue(preferred.getClass().getSimpleName().contains("OpenSsl"), preferred.getClass().getName());
        } else {
            assertTrue(preferred instanceof JdkSslContext, preferred.getClass().getName());
        }
        SslSettings jdk = serverWith(Map.of("ssl.provider", "SunJSSE", "ssl.client.auth", "required",
                "ssl.principal.mapping.rules", CN_RULE));
        SslContext context = jdk.serverContext();
        assertTrue(context instanceof JdkSslContext, context.getClass().getName());
        SSLSocketFactory withAlice = SslSettings.of(certs.storeSettings(alice, StoreType.PKCS12)).clientSocketFactory();
        try (TlsEchoServer echo = new TlsEchoServer(context, jdk.principalMapper())) {
            assertEquals("User:alice", echo.principalVia(withAlice, "localhost"));
        }
    }

    private static SslSettings serverWith(Map<String, String> extra) {
        Map<String, String> ssl = new HashMap<>(certs.brokerSsl(StoreType.PKCS12));
        ssl.putAll(extra);
        return SslSettings.of(ssl);
    }

    /** A client's ssl.* settings holding only the CA as trust store. */
    private static Map<String, String> trustOnly(StoreType type) {
        Map<String, String> ssl = new HashMap<>();
        certs.clientProperties(type).forEach((k, v) -> {
            if (k.startsWith("ssl.")) {
                ssl.put(k, (String) v);
            }
        });
        return ssl;
    }

    private static SslFactory kafkaClientSsl(Map<String, Object> props) {
        SslFactory factory = new SslFactory(ConnectionMode.CLIENT);
        factory.configure(new ConfigDef().withClientSslSupport().parse(props));
        return factory;
    }

    private static SSLEngine kafkaEngine(SslFactory factory, TlsEchoServer echo) {
        return factory.createSslEngine("localhost", echo.port());
    }
}

package dev.wharf.server.security.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.wharf.server.config.ListenerSettings;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OAUTHBEARER with Kafka's JWKS validator settings: tokens signed in the test with keys generated
 * in the test, the public keys in a JWKS file written at test time, presented by Kafka's client.
 */
class OAuthBearerJwksTest {
    private static final String MODULE = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule";
    private static final String HANDLER = "org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler";
    private static final long NOW_S = 1_800_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW_S), ZoneOffset.UTC);
    private static final String ISSUER = "https://idp.example";

    private static RSAKey rsa;
    private static RSAKey otherRsaSameKid;
    private static ECKey ec;

    @TempDir
    Path dir;

    @BeforeAll
    static void keys() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("k1").generate();
        otherRsaSameKid = new RSAKeyGenerator(2048).keyID("k1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("e1").generate();
    }

    private Path jwks(String name, JWK... keys) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, new JWKSet(List.of(keys)).toString(true));
        return file;
    }

    private static ListenerSettings settings(Path jwks, String handler, String... more) {
        return settings(jwks.toUri().toString(), handler, more);
    }

    private static ListenerSettings settings(String jwksUrl, String handler, String... more) {
        String[] base = {"sasl.enabled.mechanisms", "OAUTHBEARER", Users.jaasKey("OAUTHBEARER"), MODULE + " required;",
            "listener.name.sasl_plaintext.oauthbearer.sasl.server.callback.handler.class", handler,
            "sasl.oauthbearer.jwks.endpoint.url", jwksUrl,
            "sasl.oauthbearer.expected.audience", "wharf,other", "sasl.oauthbearer.expected.issuer", ISSUER};
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return Users.listener(all);
    }

    private static JWTClaimsSet.Builder claims() {
        return new JWTClaimsSet.Builder().subject("alice").issuer(ISSUER).audience("wharf")
                .issueTime(new Date((NOW_S - 10) * 1000)).expirationTime(new Date((NOW_S + 600) * 1000));
    }

    private static String signed(RSAKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static SaslServerMechanism server(ListenerSettings settings, Clock clock) {
        return SaslServerMechanisms.forListener(settings, new Users(), clock).create("OAUTHBEARER");
    }

    private static void login(SaslServerMechanism server, String token) throws Exception {
        KafkaSasl.run(KafkaOAuthClient.withToken(token, Map.of()), server);
    }

    // A token signed by a key of the JWKS, for our audience and issuer, logs in as its subject until its exp.
    @Test
    void signedTokenAuthenticates() throws Exception {
        SaslServerMechanism server = server(settings(jwks("keys.json", rsa, ec), HANDLER), CLOCK);
        login(server, signed(rsa, claims().build()));
        assertEquals("alice", server.authorizedId());
        assertEquals((NOW_S + 600) * 1000, server.credentialExpiryMs());
    }

    // An EC-signed token (ES256) is checked with the EC key its kid names.
    @Test
    void ecSignedTokenAuthenticates() throws Exception {
        SaslServerMechanism server = server(settings(jwks("keys.json", rsa, ec), HANDLER), CLOCK);
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("e1").build(), claims().build());
        jwt.sign(new ECDSASigner(ec));
        login(server, jwt.serialize());
        assertEquals("alice", server.authorizedId());
    }

    // The expected audience and issuer are enforced: a token for someone else is refused.
    @Test
    void audienceAndIssuerAreEnforced() throws Exception {
        ListenerSettings settings = settings(jwks("keys.json", rsa), HANDLER);
        String wrongAudience = signed(rsa, claims().audience("billing").build());
        String wrongIssuer = signed(rsa, claims().issuer("https://evil.example").build());
        for (String token : List.of(wrongAudience, wrongIssuer)) {
            SaslAuthenticationException e = assertThrows(SaslAuthenticationException.class,
                    () -> login(server(settings, CLOCK), token));
            assertEquals("{\"status\":\"invalid_token\"}", e.getMessage());
        }
        SaslServerMechanism server = server(settings, CLOCK);
        login(server, signed(rsa, claims().audience(List.of("x", "other")).build()));
        assertEquals("alice", server.authorizedId());
    }

    // A token signed by a key not in the JWKS (same kid, other key) or not signed at all is refused.
    @Test
    void forgedOrUnsignedTokensAreRefused() throws Exception {
        ListenerSettings settings = settings(jwks("keys.json", rsa), HANDLER);
        assertThrows(SaslAuthenticationException.class,
                () -> login(server(settings, CLOCK), signed(otherRsaSameKid, claims().build())));
        String unsigned = KafkaOAuthClient.unsecuredJwt(Map.of("sub", "alice", "iss", ISSUER, "aud", "wharf",
                "iat", NOW_S, "exp", NOW_S + 600));
        assertThrows(SaslAuthenticationException.class, () -> login(server(settings, CLOCK), unsigned));
    }

    // Expired tokens and tokens without iat are refused; the clock skew setting is honoured.
    @Test
    void timesAreChecked() throws Exception {
        ListenerSettings settings = settings(jwks("keys.json", rsa), HANDLER);
        String expired = signed(rsa, claims().expirationTime(new Date((NOW_S - 31) * 1000)).build());
        assertThrows(SaslAuthenticationException.class, () -> login(server(settings, CLOCK), expired));
        String noIat = signed(rsa, claims().issueTime(null).build());
        assertThrows(SaslAuthenticationException.class, () -> login(server(settings, CLOCK), noIat));
        String justExpired = signed(rsa, claims().issueTime(new Date((NOW_S - 100) * 1000))
                .expirationTime(new Date((NOW_S - 29) * 1000)).build());
        SaslServerMechanism server = server(settings, CLOCK);
        login(server, justExpired); // within the default 30 s skew
        assertEquals("alice", server.authorizedId());
    }

    // The subject claim name is configurable, as in Kafka.
    @Test
    void subClaimNameIsConfigurable() throws Exception {
        ListenerSettings settings = settings(jwks("keys.json", rsa), HANDLER,
                "sasl.oauthbearer.sub.claim.name", "client_id");
        SaslServerMechanism server = server(settings, CLOCK);
        login(server, signed(rsa, claims().claim("client_id", "svc-1").build()));
        assertEquals("svc-1", server.authorizedId());
    }

    // After the provider rotates its keys, a token with the new kid is accepted once the JWKS file is re-read.
    @Test
    void rotatedKeysAreLoaded() throws Exception {
        Path file = jwks("keys.json", rsa);
        ListenerSettings settings = settings(file, HANDLER, "sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms", "0");
        SaslServerMechanisms listener = SaslServerMechanisms.forListener(settings, new Users(), CLOCK);
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("k2").generate();
        Files.writeString(file, new JWKSet(List.of(rsa, rotated)).toString(true));
        SaslServerMechanism server = listener.create("OAUTHBEARER");
        login(server, signed(rotated, claims().build()));
        assertEquals("alice", server.authorizedId());
    }

    // An http(s) JWKS endpoint is fetched at start-up, and again in the background when a token names a new key.
    @Test
    void keysFromAnHttpEndpoint() throws Exception {
        AtomicReference<String> served = new AtomicReference<>(new JWKSet(List.of(rsa)).toString(true));
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        http.createContext("/jwks", exchange -> {
            byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
        try {
            ListenerSettings settings = settings("http://127.0.0.1:" + http.getAddress().getPort() + "/jwks",
                    HANDLER, "sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms", "0");
            SaslServerMechanisms listener = SaslServerMechanisms.forListener(settings, new Users(), CLOCK);
            SaslServerMechanism server = listener.create("OAUTHBEARER");
            login(server, signed(rsa, claims().build()));
            assertEquals("alice", server.authorizedId());

            RSAKey rotated = new RSAKeyGenerator(2048).keyID("k2").generate();
            served.set(new JWKSet(List.of(rsa, rotated)).toString(true));
            String token = signed(rotated, claims().build());
            Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> {
                        SaslServerMechanism s = listener.create("OAUTHBEARER");
                        login(s, token);
                        return s.isComplete();
                    });
        } finally {
            http.stop(0);
        }
    }

    // Kafka 3.x's class name of the validator is accepted too.
    @Test
    void olderHandlerClassNameIsAccepted() throws Exception {
        SaslServerMechanism server = server(settings(jwks("keys.json", rsa),
                "org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerValidatorCallbackHandler"), CLOCK);
        login(server, signed(rsa, claims().build()));
        assertEquals("alice", server.authorizedId());
    }

    // Kafka's URL allow-list system property, when set, restricts the JWKS URL as in Kafka.
    @Test
    void allowListRestrictsTheUrl() throws Exception {
        Path file = jwks("keys.json", rsa);
        ListenerSettings settings = settings(file, HANDLER);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> JwksTokenValidator.fromSettings(settings, CLOCK, "https://idp.example/jwks"));
        assertTrue(e.getMessage().contains(JwksTokenValidator.ALLOWED_URLS_PROPERTY), e.getMessage());
        TokenValidator allowed = JwksTokenValidator.fromSettings(settings, CLOCK,
                "https://idp.example/jwks, " + file.toUri());
        assertTrue(allowed.validate(signed(rsa, claims().build())) instanceof TokenValidator.Valid);
    }

    // Settings that cannot work are refused at start-up, naming the key.
    @Test
    void badSettingsAreRefused() throws Exception {
        IllegalArgumentException noUrl = assertThrows(IllegalArgumentException.class, () -> server(Users.listener(
                "sasl.enabled.mechanisms", "OAUTHBEARER", Users.jaasKey("OAUTHBEARER"), MODULE + " required;",
                "listener.name.sasl_plaintext.oauthbearer.sasl.server.callback.handler.class", HANDLER), CLOCK));
        assertTrue(noUrl.getMessage().contains("sasl.oauthbearer.jwks.endpoint.url"), noUrl.getMessage());
        IllegalArgumentException missingFile = assertThrows(IllegalArgumentException.class,
                () -> server(settings(dir.resolve("absent.json"), HANDLER), CLOCK));
        assertTrue(missingFile.getMessage().contains("absent.json"), missingFile.getMessage());
        IllegalArgumentException otherHandler = assertThrows(IllegalArgumentException.class,
                () -> server(settings(jwks("keys.json", rsa), "com.example.Validator"), CLOCK));
        assertTrue(otherHandler.getMessage().contains("com.example.Validator"), otherHandler.getMessage());
        IllegalArgumentException badSkew = assertThrows(IllegalArgumentException.class, () -> server(
                settings(jwks("keys.json", rsa), HANDLER, "sasl.oauthbearer.clock.skew.seconds", "soon"), CLOCK));
        assertTrue(badSkew.getMessage().contains("clock.skew.seconds"), badSkew.getMessage());
    }
}

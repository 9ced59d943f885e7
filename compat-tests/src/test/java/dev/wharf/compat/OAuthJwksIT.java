package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * OAUTHBEARER for real use: the broker checks signed JWTs against a JWKS (Kafka's
 * OAuthBearerValidatorCallbackHandler settings), the Java client sends a token it reads from a file
 * (KIP-768's file token endpoint), as a client behind an identity provider would.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.JOIN_GROUP, ApiKeys.HEARTBEAT,
        ApiKeys.LEAVE_GROUP, ApiKeys.SYNC_GROUP, ApiKeys.SASL_HANDSHAKE, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.SASL_AUTHENTICATE})
class OAuthJwksIT {
    private static final String ALLOWED_URLS = "org.apache.kafka.sasl.oauthbearer.allowed.urls";
    private static final String ISSUER = "https://issuer.example";

    @TempDir
    Path dir;

    @AfterEach
    void clearAllowedUrls() {
        System.clearProperty(ALLOWED_URLS);
    }

    // a token signed by a key of the JWKS, for the expected audience, is accepted; one signed by another key is not
    @Test
    @Timeout(90)
    void signedTokensAreCheckedAgainstTheJwks() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("wharf-1").generate();
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("wharf-1").generate();
        Path jwks = Files.writeString(dir.resolve("jwks.json"), new JWKSet(List.of(key.toPublicJWK())).toString());
        Path good = Files.writeString(dir.resolve("good.jwt"), token(key, "alice"));
        Path forged = Files.writeString(dir.resolve("forged.jwt"), token(stranger, "mallory"));
        // Kafka 4's clients read token files only from allowed URLs; the broker honours the same property
        System.setProperty(ALLOWED_URLS, String.join(",", jwks.toUri().toString(), good.toUri().toString(),
                forged.toUri().toString()));

        Map<String, String> config = new HashMap<>();
        config.put("listeners", "PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.put("sasl.enabled.mechanisms", "OAUTHBEARER");
        config.put("listener.name.sasl_plaintext.oauthbearer.sasl.jaas.config",
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;");
        config.put("listener.name.sasl_plaintext.oauthbearer.sasl.server.callback.handler.class",
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler");
        config.put("sasl.oauthbearer.jwks.endpoint.url", jwks.toUri().toString());
        config.put("sasl.oauthbearer.expected.audience", "wharf");
        config.put("sasl.oauthbearer.expected.issuer", ISSUER);
        try (RunningBroker broker = new RunningBroker(dir, config)) {
            Map<String, Object> alice = RoundTrip.client(broker.bootstrap("SASL_PLAINTEXT"), client(good));
            RoundTrip.produce(alice, "oauth", 20);
            RoundTrip.assertConsumed(alice, "oauth", 20);

            Map<String, Object> mallory = RoundTrip.client(broker.bootstrap("SASL_PLAINTEXT"), client(forged));
            mallory.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(mallory, new StringSerializer(),
                    new StringSerializer())) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> producer.send(new ProducerRecord<>("oauth", "k", "v")).get(30, TimeUnit.SECONDS));
                assertInstanceOf(SaslAuthenticationException.class, e.getCause());
            } catch (SaslAuthenticationException e) {
                // from send() itself: the same refusal
            }
        }
    }

    private static String token(RSAKey key, String subject) throws Exception {
        long now = System.currentTimeMillis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().subject(subject).issuer(ISSUER).audience("wharf")
                .claim("scope", "kafka").issueTime(new Date(now - 10_000)).expirationTime(new Date(now + 600_000)).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    private static Map<String, Object> client(Path tokenFile) {
        return new HashMap<>(Map.of(
                "security.protocol", "SASL_PLAINTEXT",
                "sasl.mechanism", "OAUTHBEARER",
                "sasl.jaas.config", "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;",
                "sasl.login.callback.handler.class",
                "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler",
                "sasl.oauthbearer.token.endpoint.url", tokenFile.toUri().toString()));
    }
}

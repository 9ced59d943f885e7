package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.testing.TestCertificates;
import dev.wharf.testing.TestCertificates.StoreType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.MetadataRequest;
import dev.wharf.wire.message.MetadataResponse;
import dev.wharf.wire.message.SaslAuthenticateRequest;
import dev.wharf.wire.message.SaslAuthenticateResponse;
import dev.wharf.wire.message.SaslHandshakeRequest;
import dev.wharf.wire.message.SaslHandshakeResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * TLS and SASL listeners as Kafka users configure them, driven by kafka-clients 4.4.0 and kcat
 * (librdkafka): one broker with a listener per security protocol, certificates made for the run.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.METADATA, ApiKeys.SASL_HANDSHAKE,
        ApiKeys.INIT_PRODUCER_ID, ApiKeys.SASL_AUTHENTICATE, ApiKeys.ALTER_USER_SCRAM_CREDENTIALS})
class SecureListenersIT {
    private static final String PLAIN_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "user_alice=\"alice-secret\" user_admin=\"admin-secret\";";
    private static final String SCRAM_PASSWORD = "scram-secret";

    @TempDir
    static Path dir;
    static TestCertificates certs;
    static RunningBroker broker;

    @BeforeAll
    static void start() throws Exception {
        certs = TestCertificates.create(dir);
        Map<String, String> config = new HashMap<>();
        config.put("listeners", "PLAINTEXT://127.0.0.1:0,SSL://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0,"
                + "SASL_SSL://127.0.0.1:0,MTLS://127.0.0.1:0,REAUTH://127.0.0.1:0");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,"
                + "SASL_SSL:SASL_SSL,MTLS:SSL,REAUTH:SASL_PLAINTEXT");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.putAll(certs.brokerSsl(StoreType.PKCS12));
        config.put("listener.name.mtls.ssl.client.auth", "required");
        config.put("listener.name.mtls.ssl.principal.mapping.rules", "RULE:^CN=(.*?),OU=.*$/$1/,DEFAULT");
        config.put("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER");
        for (String listener : List.of("sasl_plaintext", "sasl_ssl", "reauth")) {
            config.put("listener.name." + listener + ".plain.sasl.jaas.config", PLAIN_JAAS);
            config.put("listener.name." + listener + ".scram-sha-256.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            config.put("listener.name." + listener + ".scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            config.put("listener.name." + listener + ".oauthbearer.sasl.jaas.config",
                    "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;");
        }
        config.put("listener.name.reauth.sasl.enabled.mechanisms", "PLAIN");
        config.put("listener.name.reauth.connections.max.reauth.ms", "2000");
        broker = new RunningBroker(dir, config);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap("PLAINTEXT")))) {
            // one request per mechanism: Kafka alters a user once per request
            admin.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion("alice", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096),
                            SCRAM_PASSWORD))).all().get(30, TimeUnit.SECONDS);
            admin.alterUserScramCredentials(List.of(
                    new UserScramCredentialUpsertion("alice", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192),
                            SCRAM_PASSWORD))).all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    // a TLS listener serves the Java client whichever trust-store format it uses: every record back intact
    @ParameterizedTest
    @EnumSource(StoreType.class)
    @Timeout(90)
    void tlsClientsProduceAndConsume(StoreType trustStore) throws Exception {
        Map<String, Object> client = RoundTrip.client(broker.bootstrap("SSL"), certs.clientProperties(trustStore));
        String topic = "tls-" + trustStore.name().toLowerCase();
        RoundTrip.produce(client, topic, 50);
        RoundTrip.assertConsumed(client, topic, 50);
    }

    // every SASL mechanism, in the clear and inside TLS, authenticates the Java client and carries its records
    @ParameterizedTest
    @CsvSource({"SASL_PLAINTEXT,PLAIN", "SASL_PLAINTEXT,SCRAM-SHA-256", "SASL_PLAINTEXT,SCRAM-SHA-512",
            "SASL_PLAINTEXT,OAUTHBEARER", "SASL_SSL,PLAIN", "SASL_SSL,SCRAM-SHA-256", "SASL_SSL,SCRAM-SHA-512",
            "SASL_SSL,OAUTHBEARER"})
    @Timeout(90)
    void saslClientsProduceAndConsume(String listener, String mechanism) throws Exception {
        Map<String, Object> client = RoundTrip.client(broker.bootstrap(listener), sasl(listener, mechanism, "alice",
                mechanism.equals("PLAIN") ? "alice-secret" : SCRAM_PASSWORD));
        String topic = ("sasl-" + listener + "-" + mechanism).toLowerCase();
        RoundTrip.produce(client, topic, 50);
        RoundTrip.assertConsumed(client, topic, 50);
    }

    // a wrong password or an unknown user is refused with SASL_AUTHENTICATION_FAILED within seconds, never a hang
    @ParameterizedTest
    @CsvSource({"PLAIN,alice,wrong", "PLAIN,mallory,alice-secret", "SCRAM-SHA-256,alice,wrong",
            "SCRAM-SHA-512,mallory," + SCRAM_PASSWORD})
    @Timeout(60)
    void wrongCredentialsFailFast(String mechanism, String user, String password) throws Exception {
        Map<String, Object> props = RoundTrip.client(broker.bootstrap("SASL_PLAINTEXT"),
                sasl("SASL_PLAINTEXT", mechanism, user, password));
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "20000");
        long start = System.nanoTime();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>("denied", "k", "v")).get(30, TimeUnit.SECONDS));
            assertInstanceOf(SaslAuthenticationException.class, e.getCause());
        } catch (SaslAuthenticationException e) {
            // thrown by send() itself when metadata fails to authenticate: the same outcome
        }
        assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 15, "authentication failure took too long");
    }

    // ssl.client.auth=required: a client without a certificate is refused; one with a certificate is served
    @Test
    @Timeout(60)
    void mutualTlsRequiresAClientCertificate() throws Exception {
        Map<String, Object> anonymous = RoundTrip.client(broker.bootstrap("MTLS"), certs.clientProperties(StoreType.PEM));
        anonymous.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(anonymous, new StringSerializer(), new StringSerializer())) {
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> producer.send(new ProducerRecord<>("mtls", "k", "v")).get(30, TimeUnit.SECONDS));
            assertInstanceOf(SslAuthenticationException.class, e.getCause());
        } catch (SslAuthenticationException e) {
            // from send() itself: the same outcome
        }
        Map<String, Object> alice = RoundTrip.client(broker.bootstrap("MTLS"),
                certs.clientProperties(StoreType.JKS, certs.client("CN=alice,OU=eng,O=Wharf")));
        RoundTrip.produce(alice, "mtls", 10);
        RoundTrip.assertConsumed(alice, "mtls", 10);
    }

    // before SASL completes, any request but ApiVersions and the SASL ones closes the connection
    @Test
    @Timeout(60)
    void requestsBeforeAuthenticationCloseTheConnection() throws Exception {
        try (KafkaWireClient client = new KafkaWireClient(broker.bootstrap("SASL_PLAINTEXT"))) {
            client.send(ApiKey.METADATA, (short) 12, new MetadataRequest().setTopics(List.of()));
            assertTrue(client.closedByBroker());
        }
    }

    // SASL on a listener without it is answered ILLEGAL_SASL_STATE, as Kafka answers it; the connection stays usable
    @Test
    @Timeout(60)
    void saslHandshakeOnAPlaintextListenerIsAnIllegalState() throws Exception {
        try (KafkaWireClient client = new KafkaWireClient(broker.bootstrap("PLAINTEXT"))) {
            for (short version = 0; version <= 1; version++) {
                SaslHandshakeResponse r = client.call(ApiKey.SASL_HANDSHAKE, version,
                        new SaslHandshakeRequest().setMechanism("PLAIN"));
                assertEquals(org.apache.kafka.common.protocol.Errors.ILLEGAL_SASL_STATE.code(), r.errorCode());
            }
            MetadataResponse metadata = client.call(ApiKey.METADATA, (short) 12, new MetadataRequest().setTopics(List.of()));
            assertEquals(1, metadata.brokers().size());
        }
    }

    // a v0 SaslHandshake is followed by bare tokens, as clients before Kafka 1.0 send them
    @Test
    @Timeout(60)
    void bareTokensAfterAVersion0Handshake() throws Exception {
        try (KafkaWireClient client = new KafkaWireClient(broker.bootstrap("SASL_PLAINTEXT"))) {
            SaslHandshakeResponse handshake = client.call(ApiKey.SASL_HANDSHAKE, (short) 0,
                    new SaslHandshakeRequest().setMechanism("PLAIN"));
            assertEquals(0, handshake.errorCode());
            byte[] token = "\0alice\0alice-secret".getBytes(StandardCharsets.UTF_8);
            client.sendRaw(java.nio.ByteBuffer.allocate(4 + token.length).putInt(token.length).put(token).array());
            assertEquals(0, client.receiveFrame().remaining(), "PLAIN answers with an empty challenge");
            MetadataResponse metadata = client.call(ApiKey.METADATA, (short) 12,
                    new MetadataRequest().setTopics(List.of()));
            assertEquals(1, metadata.brokers().size());
        }
    }

    // KIP-368: the session lasts connections.max.reauth.ms; after it only re-authentication is served
    @Test
    @Timeout(60)
    void expiredSessionIsClosedUnlessReauthenticated() throws Exception {
        try (KafkaWireClient client = new KafkaWireClient(broker.bootstrap("REAUTH"))) {
            long lifetime = authenticatePlain(client, "alice", "alice-secret");
            assertTrue(lifetime > 0 && lifetime <= 2000, "session lifetime " + lifetime);
            client.call(ApiKey.METADATA, (short) 12, new MetadataRequest().setTopics(List.of()));
            long expires = System.currentTimeMillis() + lifetime;
            await().atMost(Duration.ofSeconds(10)).until(() -> System.currentTimeMillis() > expires + 100);
            client.send(ApiKey.METADATA, (short) 12, new MetadataRequest().setTopics(List.of()));
            assertTrue(client.closedByBroker(), "a request after the session expired must close the connection");
        }
    }

    // a Java producer re-authenticates on its connection before each session ends and never sees an error
    @Test
    @Timeout(60)
    void producerReauthenticatesAcrossSessions() throws Exception {
        Map<String, Object> props = RoundTrip.client(broker.bootstrap("REAUTH"),
                sasl("SASL_PLAINTEXT", "PLAIN", "alice", "alice-secret"));
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        int sent = 0;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(6); // three sessions of 2 s
            while (System.nanoTime() < end && sent < 10_000) {
                producer.send(new ProducerRecord<>("reauth", 0, "k-" + sent, "v-" + sent)).get(10, TimeUnit.SECONDS);
                sent++;
            }
        }
        assertTrue(sent > 10, "only " + sent + " records acknowledged");
    }

    // librdkafka (kcat) over TLS, SASL/SCRAM and SASL_SSL/PLAIN and OAUTHBEARER (unsecured JWT) produces and consumes
    @ParameterizedTest
    @CsvSource({"SSL,", "SASL_PLAINTEXT,PLAIN", "SASL_PLAINTEXT,SCRAM-SHA-256", "SASL_PLAINTEXT,SCRAM-SHA-512",
            "SASL_PLAINTEXT,OAUTHBEARER", "SASL_SSL,PLAIN", "SASL_SSL,SCRAM-SHA-256", "SASL_SSL,SCRAM-SHA-512",
            "SASL_SSL,OAUTHBEARER"})
    @Timeout(90)
    void kcatOverSecuredListeners(String listener, String mechanism) throws Exception {
        Path ca = Files.writeString(dir.resolve("kcat-ca.pem"), certs.caPem());
        List<String> security = new java.util.ArrayList<>(List.of("-b", broker.bootstrap(listener),
                "-X", "security.protocol=" + listener.toLowerCase()));
        if (listener.endsWith("SSL")) {
            security.addAll(List.of("-X", "ssl.ca.location=" + ca));
        }
        if (mechanism != null) {
            security.addAll(List.of("-X", "sasl.mechanisms=" + mechanism));
            if (mechanism.equals("OAUTHBEARER")) {
                security.addAll(List.of("-X", "enable.sasl.oauthbearer.unsecure.jwt=true",
                        "-X", "sasl.oauthbearer.config=principal=alice"));
            } else {
                security.addAll(List.of("-X", "sasl.username=alice",
                        "-X", "sasl.password=" + (mechanism.equals("PLAIN") ? "alice-secret" : SCRAM_PASSWORD)));
            }
        }
        String topic = ("kcat-" + listener + "-" + mechanism).toLowerCase();
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            input.append("key-").append(i).append(":value-").append(i).append('\n');
        }
        List<String> produce = new java.util.ArrayList<>(security);
        produce.addAll(List.of("-t", topic, "-P", "-K:", "-X", "acks=all"));
        KcatIT.kcat(input.toString(), produce.toArray(String[]::new));
        List<String> consume = new java.util.ArrayList<>(security);
        consume.addAll(List.of("-t", topic, "-C", "-o", "beginning", "-e", "-q", "-f", "%o|%k|%s\\n"));
        List<String> lines = KcatIT.kcat(null, consume.toArray(String[]::new)).lines().toList();
        assertEquals(100, lines.size());
        for (int i = 0; i < 100; i++) {
            assertEquals(i + "|key-" + i + "|value-" + i, lines.get(i));
        }
    }

    /** SaslHandshake and one SaslAuthenticate with PLAIN's token; returns the session lifetime. */
    static long authenticatePlain(KafkaWireClient client, String user, String password) throws IOException {
        SaslHandshakeResponse handshake = client.call(ApiKey.SASL_HANDSHAKE, (short) 1,
                new SaslHandshakeRequest().setMechanism("PLAIN"));
        assertEquals(0, handshake.errorCode());
        SaslAuthenticateResponse r = client.call(ApiKey.SASL_AUTHENTICATE, (short) 2, new SaslAuthenticateRequest()
                .setAuthBytes(("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8)));
        assertEquals(0, r.errorCode(), r.errorMessage());
        return r.sessionLifetimeMs();
    }

    /** A Java client's SASL settings for {@code listener} ({@code SASL_PLAINTEXT} or {@code SASL_SSL}). */
    static Map<String, Object> sasl(String listener, String mechanism, String user, String password) {
        Map<String, Object> props = new HashMap<>();
        if (listener.equals("SASL_SSL")) {
            props.putAll(certs.clientProperties(StoreType.PEM));
        }
        props.put("security.protocol", listener);
        props.put("sasl.mechanism", mechanism);
        String module = switch (mechanism) {
            case "PLAIN" -> "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                    + "\" password=\"" + password + "\";";
            case "OAUTHBEARER" -> "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
                    + "unsecuredLoginStringClaim_sub=\"" + user + "\";";
            default -> "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                    + "\" password=\"" + password + "\";";
        };
        props.put("sasl.jaas.config", module);
        return props;
    }
}

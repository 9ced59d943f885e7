package dev.wharf.compat;

import static dev.wharf.compat.RegistryScripts.run;
import static dev.wharf.compat.RegistryScripts.value;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.testing.TestCertificates;
import dev.wharf.testing.TestCertificates.StoreType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry with {@code schema.registry.authentication.method=BASIC} on a broker with an
 * authorizer: callers are the broker's SCRAM users (made with the Admin client), and what each may
 * do to a subject follows the Kafka ACLs of the topic it stands for, made with the Admin client too.
 * Debian's Python client authenticates with {@code basic.auth.user.info}. On an https listener with
 * {@code ssl.client.auth=required}, a client certificate names the caller instead.
 */
@Exercises({ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, ApiKeys.CREATE_ACLS})
class SchemaRegistrySecurityIT {
    private static final String ORDERS = "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";

    @TempDir
    Path dir;

    @Test
    void basicAuthWithTheBrokersUsersAndTopicAcls() throws Exception {
        ExternalBroker.assumeOwnBroker("starts the broker's schema registry listener with authentication");
        String base = "http://127.0.0.1:" + RegistryClient.freePort();
        try (RunningBroker broker = new RunningBroker(dir, Map.of("schema.registry.listeners", base,
                "schema.registry.topic.replication.factor", "1", "schema.registry.authentication.method", "BASIC",
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users", "User:ANONYMOUS;User:admin"));
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            for (String user : List.of("admin", "alice", "bob", "carol")) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(user,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), user + "-secret"))).all().get();
            }
            admin.createAcls(List.of(allow("User:alice", "orders", AclOperation.WRITE),
                    allow("User:bob", "orders", AclOperation.READ),
                    allow("User:alice", "payments", AclOperation.ALTER_CONFIGS))).all().get();
            RegistryClient anonymous = new RegistryClient(base);
            RegistryClient alice = anonymous.as("alice", "alice-secret");
            RegistryClient bob = anonymous.as("bob", "bob-secret");
            RegistryClient carol = anonymous.as("carol", "carol-secret");
            RegistryClient admin_ = anonymous.as("admin", "admin-secret");

            assertEquals(401, anonymous.get("/subjects").errorCode(), "no credentials");
            assertEquals(401, anonymous.as("alice", "wrong").get("/subjects").errorCode(), "a wrong password");
            assertEquals(401, anonymous.as("mallory", "x").get("/subjects").errorCode(), "a user the broker does not have");

            // alice writes topic orders, so she registers its value schema once the ACLs have reached the authorizer
            await().atMost(Duration.ofSeconds(10)).until(() -> alice.post("/subjects/orders-value/versions",
                    RegistryClient.avro(ORDERS)).status() == 200);
            int id = alice.get("/subjects/orders-value/versions/latest").json().get("id").asInt();
            RegistryClient.Answer refused = bob.post("/subjects/orders-value/versions", RegistryClient.avro(ORDERS.replace("Order", "O2")));
            assertEquals(403, refused.status());
            assertEquals(40301, refused.errorCode(), refused.body());
            assertEquals(id, bob.get("/subjects/orders-value/versions/latest").json().get("id").asInt(), "READ implies reading schemas");
            assertEquals(id, bob.get("/schemas/ids/" + id).status() == 200 ? id : -1);
            assertEquals(40301, carol.get("/subjects/orders-value/versions").errorCode());
            assertEquals(40301, carol.get("/schemas/ids/" + id).errorCode());
            assertEquals(0, carol.get("/subjects").json().size(), "subjects carol may not read are not listed");
            assertEquals(List.of("orders-value"), List.of(bob.get("/subjects").json().get(0).asText()));
            assertEquals(40301, bob.delete("/subjects/orders-value").errorCode(), "deleting needs DELETE");
            assertEquals(40301, alice.put("/config/orders-value", RegistryClient.JSON.readTree("{\"compatibility\":\"FULL\"}"))
                    .errorCode(), "a subject's level needs ALTER_CONFIGS on its topic");
            assertEquals(200, alice.put("/config/payments-key", RegistryClient.JSON.readTree("{\"compatibility\":\"FULL\"}")).status());
            assertEquals(40301, alice.put("/config", RegistryClient.JSON.readTree("{\"compatibility\":\"NONE\"}")).errorCode(),
                    "the registry's level needs ALTER_CONFIGS on the cluster");
            assertEquals(200, admin_.put("/config", RegistryClient.JSON.readTree("{\"compatibility\":\"NONE\"}")).status(),
                    "a super user may do everything");

            // a client no one here wrote, with its own basic auth setting
            List<String> out = run(dir, "/usr/bin/python3", "python-secured.py", base, "{\"basic.auth.user.info\": \"bob:bob-secret\"}",
                    "orders-value");
            JsonNode fetched = RegistryClient.JSON.readTree(value(out, "latest"));
            assertEquals(id, fetched.get("id").asInt(), out.toString());
            assertEquals("40301", value(out, "forbidden"), "bob may not register: " + out);
        }
    }

    // https with client certificates: the certificate names the caller, as on a Kafka TLS listener
    @Test
    void httpsWithClientCertificatesAndTheirPrincipals() throws Exception {
        ExternalBroker.assumeOwnBroker("starts the broker's schema registry listener with TLS");
        TestCertificates certs = TestCertificates.create(dir);
        String base = "https://localhost:" + RegistryClient.freePort();
        Map<String, String> config = new HashMap<>(certs.brokerSsl(StoreType.PKCS12));
        config.putAll(Map.of("schema.registry.listeners", base, "schema.registry.topic.replication.factor", "1",
                "listener.name.schema_registry.ssl.client.auth", "required",
                "listener.name.schema_registry.ssl.principal.mapping.rules", "RULE:^CN=(.*?),.*$/$1/,DEFAULT",
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users", "User:ANONYMOUS;User:admin"));
        try (RunningBroker broker = new RunningBroker(dir, config);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            admin.createAcls(List.of(allow("User:reader", "orders", AclOperation.READ))).all().get();
            RegistryClient asAdmin = new RegistryClient(base, tls(certs, "CN=admin,OU=clients,O=Wharf"));
            RegistryClient asReader = new RegistryClient(base, tls(certs, "CN=reader,OU=clients,O=Wharf"));
            int id = asAdmin.register("orders-value", ORDERS);
            await().atMost(Duration.ofSeconds(10)).until(() -> asReader.get("/subjects/orders-value/versions/latest").status() == 200);
            assertEquals(40301, asReader.post("/subjects/orders-value/versions", RegistryClient.avro(ORDERS.replace("Order", "O2")))
                    .errorCode(), "User:reader may read, not register");
            RegistryClient noCertificate = new RegistryClient(base, tls(certs, null));
            assertThrows(java.io.IOException.class, () -> noCertificate.get("/subjects"), "ssl.client.auth=required");

            TestCertificates.Identity reader = certs.client("CN=reader,OU=clients,O=Wharf");
            Path cert = Files.writeString(dir.resolve("reader.pem"), reader.chainPem());
            Path key = Files.writeString(dir.resolve("reader.key"), reader.keyPem());
            Path ca = Files.writeString(dir.resolve("ca.pem"), certs.caPem());
            List<String> out = run(dir, "/usr/bin/python3", "python-secured.py", base, RegistryClient.JSON.writeValueAsString(Map.of(
                    "ssl.ca.location", ca.toString(), "ssl.certificate.location", cert.toString(), "ssl.key.location", key.toString())),
                    "orders-value");
            assertEquals(id, RegistryClient.JSON.readTree(value(out, "latest")).get("id").asInt(), out.toString());
            assertEquals("40301", value(out, "forbidden"), out.toString());
        }
    }

    /** A TLS client context trusting the test CA, with a certificate for {@code distinguishedName} (none when null). */
    private static SSLContext tls(TestCertificates certs, String distinguishedName) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(certs.trustStore(StoreType.PKCS12))) {
            trust.load(in, TestCertificates.PASSWORD.toCharArray());
        }
        TrustManagerFactory trustManagers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trustManagers.init(trust);
        KeyManagerFactory keyManagers = null;
        if (distinguishedName != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (var in = Files.newInputStream(certs.keyStore(certs.client(distinguishedName), StoreType.PKCS12))) {
                keys.load(in, TestCertificates.PASSWORD.toCharArray());
            }
            keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keyManagers.init(keys, TestCertificates.PASSWORD.toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), null);
        return context;
    }

    private static AclBinding allow(String principal, String topic, AclOperation operation) {
        return new AclBinding(new ResourcePattern(ResourceType.TOPIC, topic, PatternType.LITERAL),
                new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW));
    }
}

package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.wharf.testing.TestCertificates;
import dev.wharf.testing.TestCertificates.StoreType;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutual TLS principals under ACLs: a client certificate's subject, mapped by
 * {@code ssl.principal.mapping.rules}, is the principal the authorizer decides for.
 */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.INIT_PRODUCER_ID, ApiKeys.CREATE_ACLS})
class TlsPrincipalAclIT {
    @TempDir
    Path dir;

    // CN=alice maps to User:alice, whose ACL lets her write; CN=bob, without one, gets TOPIC_AUTHORIZATION_FAILED
    @Test
    @Timeout(90)
    void certificateSubjectIsThePrincipalAclsDecideFor() throws Exception {
        TestCertificates certs = TestCertificates.create(dir);
        Map<String, String> config = new HashMap<>();
        config.put("listeners", "PLAINTEXT://127.0.0.1:0,MTLS://127.0.0.1:0");
        config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,MTLS:SSL");
        config.put("inter.broker.listener.name", "PLAINTEXT");
        config.putAll(TestCertificates.forListener("MTLS", certs.brokerSsl(StoreType.PKCS12)));
        config.put("listener.name.mtls.ssl.client.auth", "required");
        config.put("listener.name.mtls.ssl.principal.mapping.rules", "RULE:^CN=(.*?),OU=.*$/$1/L,DEFAULT");
        config.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        config.put("super.users", "User:ANONYMOUS"); // the operator, on the local PLAINTEXT listener
        try (RunningBroker broker = new RunningBroker(dir, config)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap("PLAINTEXT")))) {
                ResourcePattern topic = new ResourcePattern(ResourceType.TOPIC, "certs", PatternType.LITERAL);
                admin.createAcls(List.of(
                        new AclBinding(topic, new AccessControlEntry("User:alice", "*", AclOperation.WRITE, AclPermissionType.ALLOW)),
                        new AclBinding(topic, new AccessControlEntry("User:alice", "*", AclOperation.CREATE, AclPermissionType.ALLOW)),
                        new AclBinding(new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL),
                                new AccessControlEntry("User:alice", "*", AclOperation.IDEMPOTENT_WRITE, AclPermissionType.ALLOW))))
                        .all().get(30, TimeUnit.SECONDS);
            }
            Map<String, Object> alice = RoundTrip.client(broker.bootstrap("MTLS"),
                    certs.clientProperties(StoreType.PKCS12, certs.client("CN=Alice,OU=eng,O=Wharf")));
            RoundTrip.produce(alice, "certs", 20);

            Map<String, Object> bob = RoundTrip.client(broker.bootstrap("MTLS"),
                    certs.clientProperties(StoreType.PKCS12, certs.client("CN=bob,OU=eng,O=Wharf")));
            bob.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(bob, new StringSerializer(), new StringSerializer())) {
                ExecutionException e = assertThrows(ExecutionException.class,
                        () -> producer.send(new ProducerRecord<>("certs", "k", "v")).get(30, TimeUnit.SECONDS));
                assertInstanceOf(TopicAuthorizationException.class, e.getCause());
            }
            // the operator reads what alice wrote, every record intact
            RoundTrip.assertConsumed(new HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrap("PLAINTEXT"))), "certs", 20);
        }
    }
}

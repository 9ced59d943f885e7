package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.AlterUserScramCredentialsRequest;
import dev.wharf.wire.message.AlterUserScramCredentialsResponse;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DescribeUserScramCredentialsRequest;
import dev.wharf.wire.message.DescribeUserScramCredentialsResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.admin.UserScramCredentialsDescription;
import org.apache.kafka.common.errors.DuplicateResourceException;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.UnacceptableCredentialException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCRAM credentials (KIP-554) kept through Kafka's Admin client and {@code kafka-configs}: each
 * describes (mechanism and iterations, never the keys) what the other stored, both delete them,
 * and the refusals are Kafka's errors.
 */
@Exercises({ApiKeys.SASL_HANDSHAKE, ApiKeys.DESCRIBE_CONFIGS, ApiKeys.SASL_AUTHENTICATE,
        ApiKeys.INCREMENTAL_ALTER_CONFIGS, ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS,
        ApiKeys.ALTER_USER_SCRAM_CREDENTIALS})
class ScramCredentialsIT {
    @TempDir
    Path dir;

    private RunningBroker broker;
    private Admin admin;

    @BeforeEach
    void start() throws Exception {
        broker = new RunningBroker(dir, Map.of());
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()));
    }

    @AfterEach
    void stop() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    private KafkaTool.Result configs(String... args) throws Exception {
        return KafkaTool.configsOk(broker.bootstrap(), args);
    }

    private Map<ScramMechanism, Integer> described(String user) throws Exception {
        UserScramCredentialsDescription d = admin.describeUserScramCredentials(List.of(user)).description(user).get();
        Map<ScramMechanism, Integer> out = new java.util.HashMap<>();
        d.credentialInfos().forEach(i -> out.put(i.mechanism(), i.iterations()));
        return out;
    }

    private static void assertCause(Class<? extends Throwable> expected, Executable call) {
        ExecutionException e = assertThrows(ExecutionException.class, call);
        assertInstanceOf(expected, e.getCause(), e.getCause().toString());
    }

    // Credentials stored with the Admin client are described by it and by kafka-configs (mechanism and
    // iterations only); kafka-configs stores and deletes one the Admin client then sees come and go.
    @Test
    void adminAndKafkaConfigsKeepEachOthersCredentials() throws Exception {
        // one request per mechanism: Kafka alters a user once per request
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("alice",
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), "alice-secret"))).all().get();
        admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("alice",
                new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), "alice-secret"))).all().get();
        assertEquals(Map.of(ScramMechanism.SCRAM_SHA_256, 8192, ScramMechanism.SCRAM_SHA_512, 4096), described("alice"));
        String alice = configs("--describe", "--entity-type", "users", "--entity-name", "alice").output();
        System.out.println(alice);
        // Kafka lists the mechanisms in no fixed order
        assertTrue(alice.contains("SCRAM credential configs for user-principal 'alice' are SCRAM-SHA-256=iterations=8192, "
                + "SCRAM-SHA-512=iterations=4096") || alice.contains("SCRAM credential configs for user-principal 'alice' are "
                + "SCRAM-SHA-512=iterations=4096, SCRAM-SHA-256=iterations=8192"), alice);
        assertFalse(alice.contains("stored_key") || alice.contains("salt"), alice);

        configs("--alter", "--entity-type", "users", "--entity-name", "bob", "--add-config",
                "SCRAM-SHA-256=[iterations=4096,password=bob-secret]");
        assertEquals(Map.of(ScramMechanism.SCRAM_SHA_256, 4096), described("bob"));
        assertEquals(java.util.Set.of("alice", "bob"), new java.util.HashSet<>(admin.describeUserScramCredentials().users().get()));
        configs("--alter", "--entity-type", "users", "--entity-name", "bob", "--delete-config", "SCRAM-SHA-256");
        assertCause(ResourceNotFoundException.class, () -> described("bob"));

        admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion("alice", ScramMechanism.SCRAM_SHA_512)))
                .all().get();
        assertEquals(Map.of(ScramMechanism.SCRAM_SHA_256, 8192), described("alice"));
    }

    // Kafka's refusals: too few or too many iterations, a user altered twice in a request (with
    // another mechanism too), deleting or describing what does not exist, an unknown mechanism, an
    // empty user name. Deletions are looked at before upsertions, and a user's first refusal stands.
    @Test
    void refusalsAreKafkasErrors() throws Exception {
        ScramCredentialInfo few = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4095);
        ScramCredentialInfo many = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 16385);
        ScramCredentialInfo fine = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096);
        ScramCredentialInfo fine512 = new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096);
        assertCause(UnacceptableCredentialException.class, () -> admin.alterUserScramCredentials(
                List.of(new UserScramCredentialUpsertion("carol", few, "pw"))).all().get());
        assertCause(UnacceptableCredentialException.class, () -> admin.alterUserScramCredentials(
                List.of(new UserScramCredentialUpsertion("carol", many, "pw"))).all().get());
        assertCause(DuplicateResourceException.class, () -> admin.alterUserScramCredentials(List.of(
                new UserScramCredentialUpsertion("carol", fine, "pw"),
                new UserScramCredentialUpsertion("carol", fine512, "pw"))).all().get());
        assertCause(ResourceNotFoundException.class, () -> admin.alterUserScramCredentials(
                List.of(new UserScramCredentialDeletion("carol", ScramMechanism.SCRAM_SHA_256))).all().get());
        assertCause(ResourceNotFoundException.class, () -> admin.alterUserScramCredentials(List.of(
                new UserScramCredentialUpsertion("carol", fine, "pw"),
                new UserScramCredentialDeletion("carol", ScramMechanism.SCRAM_SHA_256))).all().get());
        assertCause(ResourceNotFoundException.class, () -> described("carol"));
        assertEquals(List.of(), admin.describeUserScramCredentials().users().get());

        try (KafkaWireClient client = new KafkaWireClient(broker.bootstrap())) {
            AlterUserScramCredentialsResponse altered = client.call(ApiKey.ALTER_USER_SCRAM_CREDENTIALS, (short) 0,
                    new AlterUserScramCredentialsRequest().setUpsertions(List.of(upsertion("dave", (byte) 9),
                            upsertion("", (byte) 1), upsertion("erin", (byte) 1))));
            assertEquals(Map.of("dave", Errors.UNSUPPORTED_SASL_MECHANISM.code(), "", Errors.UNACCEPTABLE_CREDENTIAL.code(),
                    "erin", Errors.NONE.code()), errorsByUser(altered)); // Kafka answers users in no fixed order
            // erin's deletion and upsertion (another mechanism) in one request: neither is made
            AlterUserScramCredentialsResponse alteredTwice = client.call(ApiKey.ALTER_USER_SCRAM_CREDENTIALS, (short) 0,
                    new AlterUserScramCredentialsRequest().setUpsertions(List.of(upsertion("erin", (byte) 2)))
                            .setDeletions(List.of(new AlterUserScramCredentialsRequest.ScramCredentialDeletion()
                                    .setName("erin").setMechanism((byte) 1))));
            assertEquals(Map.of("erin", Errors.DUPLICATE_RESOURCE.code()), errorsByUser(alteredTwice));
            DescribeUserScramCredentialsResponse twice = client.call(ApiKey.DESCRIBE_USER_SCRAM_CREDENTIALS, (short) 0,
                    new DescribeUserScramCredentialsRequest().setUsers(List.of(
                            new DescribeUserScramCredentialsRequest.UserName().setName("erin"),
                            new DescribeUserScramCredentialsRequest.UserName().setName("erin"))));
            assertEquals(Errors.DUPLICATE_RESOURCE.code(), twice.results().get(0).errorCode());
        }
        assertEquals(Map.of(ScramMechanism.SCRAM_SHA_256, 4096), described("erin"));
    }

    private static Map<String, Short> errorsByUser(AlterUserScramCredentialsResponse response) {
        Map<String, Short> out = new java.util.HashMap<>();
        response.results().forEach(r -> out.put(r.user(), r.errorCode()));
        return out;
    }

    private static AlterUserScramCredentialsRequest.ScramCredentialUpsertion upsertion(String user, byte mechanism) {
        return new AlterUserScramCredentialsRequest.ScramCredentialUpsertion().setName(user).setMechanism(mechanism)
                .setIterations(4096).setSalt(new byte[] {1, 2, 3}).setSaltedPassword(new byte[32]);
    }
}

package dev.wharf.compat;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.AlterClientQuotasRequest;
import dev.wharf.wire.message.AlterClientQuotasResponse;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DescribeClientQuotasRequest;
import dev.wharf.wire.message.DescribeClientQuotasResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.apache.kafka.common.quota.ClientQuotaFilterComponent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Client quotas stored and described through Kafka's Admin client and its {@code kafka-configs}
 * tool (ConfigCommand), each reading back what the other wrote; the errors of invalid alterations
 * and filters are Kafka's.
 */
@Exercises({ApiKeys.DESCRIBE_CONFIGS, ApiKeys.INCREMENTAL_ALTER_CONFIGS, ApiKeys.DESCRIBE_CLIENT_QUOTAS,
        ApiKeys.ALTER_CLIENT_QUOTAS})
class ClientQuotasIT {
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

    private static ClientQuotaEntity entity(String... typeThenName) {
        Map<String, String> parts = new HashMap<>();
        for (int i = 0; i < typeThenName.length; i += 2) {
            parts.put(typeThenName[i], typeThenName[i + 1]);
        }
        return new ClientQuotaEntity(parts);
    }

    private void alter(ClientQuotaEntity entity, String key, Double value) throws Exception {
        admin.alterClientQuotas(List.of(new ClientQuotaAlteration(entity, List.of(new ClientQuotaAlteration.Op(key, value)))))
                .all().get();
    }

    private Map<ClientQuotaEntity, Map<String, Double>> describe(ClientQuotaFilter filter) throws Exception {
        return admin.describeClientQuotas(filter).entities().get();
    }

    // Quotas set with the Admin client (names, defaults, a user's client id) are shown by kafka-configs,
    // which deletes one of them again.
    @Test
    void kafkaConfigsShowsAndDeletesQuotasSetWithAdmin() throws Exception {
        alter(entity(ClientQuotaEntity.USER, "alice"), "producer_byte_rate", 1024.0);
        alter(entity(ClientQuotaEntity.USER, null), "consumer_byte_rate", 2048.0);
        alter(entity(ClientQuotaEntity.USER, "bob", ClientQuotaEntity.CLIENT_ID, "bob-app"), "request_percentage", 50.5);
        alter(entity(ClientQuotaEntity.CLIENT_ID, "app"), "controller_mutation_rate", 10.0);
        String users = configs("--describe", "--entity-type", "users").output();
        System.out.println(users);
        assertTrue(users.contains("Quota configs for user-principal 'alice' are producer_byte_rate=1024.0"), users);
        assertTrue(users.contains("Quota configs for the default user-principal are consumer_byte_rate=2048.0"), users);
        String bobApp = configs("--describe", "--entity-type", "users", "--entity-name", "bob", "--entity-type", "clients",
                "--entity-name", "bob-app").output();
        System.out.println(bobApp);
        assertTrue(bobApp.contains("Quota configs for user-principal 'bob', client-id 'bob-app' are request_percentage=50.5"),
                bobApp);

        configs("--alter", "--entity-type", "users", "--entity-name", "alice", "--delete-config", "producer_byte_rate");
        describesSoon(Map.of(entity(ClientQuotaEntity.USER, null), Map.of("consumer_byte_rate", 2048.0),
                entity(ClientQuotaEntity.USER, "bob", ClientQuotaEntity.CLIENT_ID, "bob-app"), Map.of("request_percentage", 50.5),
                entity(ClientQuotaEntity.CLIENT_ID, "app"), Map.of("controller_mutation_rate", 10.0)));
    }

    // Quotas set with kafka-configs (a default, a user's client id) are described by the Admin client,
    // whose filters pick entities as Kafka's do; removing a key with the Admin client drops the entity.
    @Test
    void adminDescribesQuotasSetWithKafkaConfigs() throws Exception {
        configs("--alter", "--entity-type", "clients", "--entity-default", "--add-config", "consumer_byte_rate=2048");
        configs("--alter", "--entity-type", "users", "--entity-name", "bob", "--entity-type", "clients", "--entity-name",
                "bob-app", "--add-config", "producer_byte_rate=4096,consumer_byte_rate=8192");
        alter(entity(ClientQuotaEntity.USER, "bob"), "request_percentage", 25.0);
        ClientQuotaEntity bobApp = entity(ClientQuotaEntity.USER, "bob", ClientQuotaEntity.CLIENT_ID, "bob-app");
        Map<String, Double> bobAppQuotas = Map.of("producer_byte_rate", 4096.0, "consumer_byte_rate", 8192.0);
        describesSoon(Map.of(entity(ClientQuotaEntity.CLIENT_ID, null), Map.of("consumer_byte_rate", 2048.0),
                bobApp, bobAppQuotas, entity(ClientQuotaEntity.USER, "bob"), Map.of("request_percentage", 25.0)));
        // not strict: every entity naming bob; strict: bob's own entity only
        assertEquals(Map.of(bobApp, bobAppQuotas, entity(ClientQuotaEntity.USER, "bob"), Map.of("request_percentage", 25.0)),
                describe(ClientQuotaFilter.contains(List.of(ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.USER, "bob")))));
        assertEquals(Map.of(entity(ClientQuotaEntity.USER, "bob"), Map.of("request_percentage", 25.0)), describe(
                ClientQuotaFilter.containsOnly(List.of(ClientQuotaFilterComponent.ofEntity(ClientQuotaEntity.USER, "bob")))));
        assertEquals(Map.of(entity(ClientQuotaEntity.CLIENT_ID, null), Map.of("consumer_byte_rate", 2048.0)), describe(
                ClientQuotaFilter.containsOnly(List.of(ClientQuotaFilterComponent.ofDefaultEntity(ClientQuotaEntity.CLIENT_ID)))));
        assertEquals(Map.of(bobApp, bobAppQuotas), describe(ClientQuotaFilter.contains(
                List.of(ClientQuotaFilterComponent.ofEntityType(ClientQuotaEntity.CLIENT_ID),
                        ClientQuotaFilterComponent.ofEntityType(ClientQuotaEntity.USER)))));

        alter(entity(ClientQuotaEntity.USER, "bob"), "request_percentage", null);
        describesSoon(Map.of(entity(ClientQuotaEntity.CLIENT_ID, null), Map.of("consumer_byte_rate", 2048.0),
                bobApp, bobAppQuotas));
    }

    /**
     * Waits (bounded) until all quotas are described as {@code expected}: Kafka's broker describes its
     * metadata image, which learns of an alteration from the controller a moment after AlterClientQuotas
     * answers (under load, after the next describe).
     */
    private void describesSoon(Map<ClientQuotaEntity, Map<String, Double>> expected) {
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(expected, describe(ClientQuotaFilter.all())));
    }

    // An unknown key, a value that is not positive, a fractional byte rate and an unknown entity type
    // are refused with INVALID_REQUEST, leaving the stored quotas alone; validate_only stores nothing.
    @Test
    void invalidAlterationsAreRefusedAsKafkaRefusesThem() throws Exception {
        ClientQuotaEntity app = entity(ClientQuotaEntity.CLIENT_ID, "app");
        for (ClientQuotaAlteration.Op bad : List.of(new ClientQuotaAlteration.Op("no_such_rate", 10.0),
                new ClientQuotaAlteration.Op("producer_byte_rate", -1.0),
                new ClientQuotaAlteration.Op("producer_byte_rate", 1.5))) {
            ExecutionException e = assertThrows(ExecutionException.class, () -> admin.alterClientQuotas(
                    List.of(new ClientQuotaAlteration(app, List.of(bad)))).all().get());
            assertInstanceOf(InvalidRequestException.class, e.getCause(), bad.toString());
        }
        admin.alterClientQuotas(List.of(new ClientQuotaAlteration(app, List.of(new ClientQuotaAlteration.Op(
                "producer_byte_rate", 100.0)))), new org.apache.kafka.clients.admin.AlterClientQuotasOptions().validateOnly(true))
                .all().get();
        assertEquals(Map.of(), describe(ClientQuotaFilter.all()));

        try (KafkaWireClient client = new KafkaWireClient(broker.bootstrap())) {
            for (short v = 0; v <= 1; v++) {
                AlterClientQuotasResponse altered = client.call(ApiKey.ALTER_CLIENT_QUOTAS, v, new AlterClientQuotasRequest()
                        .setEntries(List.of(entry("group", "g"), entry(ClientQuotaEntity.USER, "carol"))));
                assertEquals(Errors.INVALID_REQUEST.code(), altered.entries().get(0).errorCode());
                assertEquals(Errors.NONE.code(), altered.entries().get(1).errorCode());
                DescribeClientQuotasResponse described = client.call(ApiKey.DESCRIBE_CLIENT_QUOTAS, v,
                        new DescribeClientQuotasRequest().setComponents(List.of(
                                new DescribeClientQuotasRequest.ComponentData().setEntityType("user").setMatchType((byte) 0),
                                new DescribeClientQuotasRequest.ComponentData().setEntityType("user").setMatchType((byte) 2))));
                assertEquals(Errors.INVALID_REQUEST.code(), described.errorCode());
                DescribeClientQuotasResponse carol = client.call(ApiKey.DESCRIBE_CLIENT_QUOTAS, v,
                        new DescribeClientQuotasRequest().setStrict(true).setComponents(List.of(
                                new DescribeClientQuotasRequest.ComponentData().setEntityType("user").setMatchType((byte) 0)
                                        .setMatch("carol"))));
                assertEquals(1, carol.entries().size());
                assertEquals(1000.0, carol.entries().get(0).values().get(0).value());
            }
        }
    }

    private static AlterClientQuotasRequest.EntryData entry(String type, String name) {
        return new AlterClientQuotasRequest.EntryData()
                .setEntity(List.of(new AlterClientQuotasRequest.EntityData().setEntityType(type).setEntityName(name)))
                .setOps(List.of(new AlterClientQuotasRequest.OpData().setKey("consumer_byte_rate").setValue(1000.0)));
    }
}

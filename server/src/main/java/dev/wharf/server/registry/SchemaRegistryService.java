package dev.wharf.server.registry;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.registry.CompatibilityLevel;
import dev.wharf.registry.RegistryException;
import dev.wharf.registry.RegistryState;
import dev.wharf.registry.SchemaRegistry;
import dev.wharf.registry.SchemaResolver;
import dev.wharf.registry.avro.AvroFormat;
import dev.wharf.registry.http.RegistryHttpServer;
import dev.wharf.registry.json.JsonSchemaFormat;
import dev.wharf.registry.protobuf.ProtobufFormat;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.config.ConfigException;
import dev.wharf.server.coordinator.InternalTopic;
import dev.wharf.server.replica.ReplicaManager;
import dev.wharf.server.security.ScramCredentials;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.ssl.SslSettings;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in schema registry of a broker ({@code schema.registry.listeners}): its state, its
 * log ({@code _schemas}) and its HTTP listener, started after the broker serves Kafka clients and
 * closed before it stops.
 */
public final class SchemaRegistryService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SchemaRegistryService.class);
    /** The largest request body taken: a schema with its references, far above any real one. */
    private static final int MAX_REQUEST_BYTES = 16 << 20;
    /** The listener name whose {@code listener.name.<name>.ssl.*} settings an https registry listener takes. */
    private static final String TLS_SETTINGS_NAME = "SCHEMA_REGISTRY";

    private final RegistryHttpServer http;
    private final SchemasLog schemasLog;

    private SchemaRegistryService(RegistryHttpServer http, SchemasLog schemasLog) {
        this.http = http;
        this.schemasLog = schemasLog;
    }

    /** Starts the registry if {@code schema.registry.listeners} names one; null otherwise. */
    public static SchemaRegistryService startIfConfigured(BrokerConfig config, ZkMetadataStore metadata, TopicAdmin admin,
            ReplicaManager replicas, Executor io, Authorization authz, ScramCredentials credentials) throws InterruptedException {
        List<String> listeners = config.get(BrokerKeys.SCHEMA_REGISTRY_LISTENERS);
        if (listeners.isEmpty()) {
            return null;
        }
        if (listeners.size() > 1) {
            throw new ConfigException(BrokerKeys.SCHEMA_REGISTRY_LISTENERS.name() + " takes one listener, not " + listeners);
        }
        URI uri = URI.create(listeners.get(0).trim());
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        if (!(https || "http".equalsIgnoreCase(uri.getScheme())) || uri.getHost() == null || uri.getPort() < 0) {
            throw new ConfigException(BrokerKeys.SCHEMA_REGISTRY_LISTENERS.name() + " must be http://host:port or https://host:port, not "
                    + uri);
        }
        SslSettings ssl = https ? tlsSettings(config) : null;
        CompatibilityLevel level;
        try {
            level = CompatibilityLevel.parse(config.get(BrokerKeys.SCHEMA_REGISTRY_COMPATIBILITY_LEVEL));
        } catch (RegistryException e) {
            throw new ConfigException(BrokerKeys.SCHEMA_REGISTRY_COMPATIBILITY_LEVEL.name() + ": " + e.getMessage());
        }
        String topicName = config.get(BrokerKeys.SCHEMA_REGISTRY_TOPIC);
        InternalTopic topic = new InternalTopic(new InternalTopic.Spec(topicName, 1,
                config.get(BrokerKeys.SCHEMA_REGISTRY_TOPIC_REPLICATION_FACTOR),
                BrokerKeys.SCHEMA_REGISTRY_TOPIC_REPLICATION_FACTOR.name(),
                Map.of("cleanup.policy", "compact", "unclean.leader.election.enable", "false")),
                config.brokerId(), metadata, admin, replicas);
        RegistryState state = new RegistryState();
        SchemasLog schemasLog = new SchemasLog(topic, config.brokerId(), replicas, state, io, config.get(BrokerKeys.OFFSETS_COMMIT_TIMEOUT_MS));
        replicas.onLeadershipChange((partition, leading) -> {
            if (partition.topicPartition().topic().equals(topicName)) {
                io.execute(leading ? schemasLog::load : schemasLog::unload);
            }
        });
        if (topic.partition(0).isPresent()) {
            schemasLog.load(); // before the listener opens: a restarted registry answers from its log at once
        } else {
            io.execute(() -> {
                try {
                    topic.coordinatorFor(topicName); // creates the topic; its leader loads it when told it leads
                } catch (Exception e) {
                    log.warn("schema registry: cannot create {} yet ({}); the first change tries again", topicName, e.toString());
                }
            });
        }
        SchemaRegistry registry = new SchemaRegistry(state, new SchemaResolver(state, List.of(new AvroFormat(),
                new JsonSchemaFormat(), new ProtobufFormat())), schemasLog, level);
        RegistryUsers users = new RegistryUsers("BASIC".equals(config.get(BrokerKeys.SCHEMA_REGISTRY_AUTHENTICATION_METHOD)),
                credentials, authz.authorizer(), ssl == null ? null : ssl.principalMapper());
        RegistryHttpServer http;
        try {
            RegistryHttpServer.Tls tls = ssl == null ? null : new RegistryHttpServer.Tls(ssl.serverContext(), ssl.clientContext());
            http = RegistryHttpServer.start(registry, users, tls, metadata::clusterId, uri.getHost(), uri.getPort(), MAX_REQUEST_BYTES);
        } catch (RuntimeException | InterruptedException e) {
            schemasLog.close();
            throw e;
        }
        String url = (https ? "https://" : "http://") + uri.getHost() + ":" + http.port();
        schemasLog.announceAs(url);
        log.info("schema registry listening on {} (log {})", url, topicName);
        return new SchemaRegistryService(http, schemasLog);
    }

    /**
     * An https listener's TLS: the broker's {@code ssl.*} settings, overridden by
     * {@code listener.name.schema_registry.ssl.*}, as for a Kafka listener of that name.
     */
    private static SslSettings tlsSettings(BrokerConfig config) {
        try {
            SslSettings ssl = SslSettings.of(config.listenerSettings(TLS_SETTINGS_NAME).withPrefix("ssl."));
            if (!ssl.hasKeyStore()) {
                throw new IllegalArgumentException("an https listener needs a key store (ssl.keystore.location, or ssl.keystore.key "
                        + "with ssl.keystore.certificate.chain)");
            }
            return ssl;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(BrokerKeys.SCHEMA_REGISTRY_LISTENERS.name() + " (https): " + e.getMessage());
        }
    }

    /** The HTTP port (the configured one, or the one picked for port 0). */
    public int port() {
        return http.port();
    }

    @Override
    public void close() {
        http.close();
        schemasLog.close();
    }
}

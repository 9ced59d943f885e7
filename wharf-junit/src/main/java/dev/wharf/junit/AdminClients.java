package dev.wharf.junit;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The only class of this library that uses kafka-clients: loaded only when a test asks for an
 * {@code Admin}, which means kafka-clients is on its class path. Stateless.
 */
final class AdminClients {
    /** The parameter types served, by name, so that checking them loads nothing of Kafka's. */
    static final java.util.Set<String> TYPE_NAMES = java.util.Set.of("org.apache.kafka.clients.admin.Admin",
            "org.apache.kafka.clients.admin.AdminClient");

    private AdminClients() {
    }

    /** An Admin client on {@code bootstrap}, closed (within 5 s) when the store that holds it is. */
    static Object create(String bootstrap, ExtensionContext.Store store) {
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
        StoredCloser.register(store, () -> admin.close(Duration.ofSeconds(5)));
        return admin;
    }
}

package dev.wharf.server;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.config.ConfigException;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Dynamic broker config administration as the config APIs ask for it: a change to one broker's
 * configs or to the cluster-wide default is validated as Kafka validates it ({@link
 * DynamicBrokerConfig#validate}) and written to ZooKeeper, from which every broker applies it
 * (this one included, before the write returns). Any broker accepts any entity: each can write
 * ZooKeeper, so the admin client's routing (a broker's own configs to that broker, the default to
 * any) needs no forwarding. Thread-safe; called from the I/O pool.
 */
public final class BrokerConfigAdmin {
    private final ZkMetadataStore metadata;

    public BrokerConfigAdmin(ZkMetadataStore metadata) {
        this.metadata = metadata;
    }

    /**
     * The entity a BROKER resource name stands for: a broker id, or the empty string for the
     * cluster default; anything else is refused with Kafka's message.
     */
    public static String entity(String resourceName) {
        if (resourceName == null || resourceName.isEmpty()) {
            return "";
        }
        try {
            if (Integer.parseInt(resourceName) >= 0) {
                return resourceName;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new ConfigException("Broker id must be an integer, but it is: " + resourceName);
    }

    /**
     * Replaces an entity's dynamic configs with what {@code change} makes of the stored ones,
     * after validating the result; with {@code validateOnly}, validates and writes nothing.
     * A refusal is a {@link ConfigException} whose message names the keys.
     */
    public Map<String, String> alter(String entity, UnaryOperator<Map<String, String>> change, boolean validateOnly)
            throws Exception {
        UnaryOperator<Map<String, String>> checked = stored -> {
            Map<String, String> next = change.apply(new HashMap<>(stored));
            DynamicBrokerConfig.validate(next);
            return next;
        };
        if (validateOnly) {
            return checked.apply(metadata.brokerConfigs(entity));
        }
        return metadata.updateBrokerConfigs(entity, checked);
    }
}

package dev.wharf.server.api;

import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.config.ConfigKey;
import dev.wharf.server.config.ConfigType;
import dev.wharf.wire.message.IncrementalAlterConfigsRequest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * IncrementalAlterConfigs' operations on a resource's configs, in request order: SET (0), DELETE
 * (1), APPEND (2) and SUBTRACT (3), the last two on comma-separated lists. A list a key does not
 * set yet starts empty for a topic, and from the key's default for a broker, where only LIST keys
 * may be appended to (Kafka's rule). A refused operation is a {@link BadOperation}. Stateless.
 */
final class ConfigOperations {
    /** An operation the request may not ask for: INVALID_REQUEST. */
    static final class BadOperation extends IllegalArgumentException {
        BadOperation(String message) {
            super(message);
        }
    }

    private ConfigOperations() {}

    /** A topic's overrides, {@code configs}, changed by {@code ops}. */
    static Map<String, String> onTopic(List<IncrementalAlterConfigsRequest.AlterableConfig> ops,
            Map<String, String> configs) {
        return apply(ops, configs, name -> "");
    }

    /** A broker's (or the cluster default's) dynamic configs, {@code configs}, changed by {@code ops}. */
    static Map<String, String> onBroker(List<IncrementalAlterConfigsRequest.AlterableConfig> ops,
            Map<String, String> configs) {
        return apply(ops, configs, name -> {
            ConfigKey<?> key = BrokerKeys.byName(name);
            if (key != null && key.type() != ConfigType.LIST) {
                throw new BadOperation("Config value append is not allowed for config key: " + name);
            }
            return key == null || key.defaultValue() == null ? "" : key.defaultValue();
        });
    }

    /**
     * Applies SET (0), DELETE (1), APPEND (2) and SUBTRACT (3) to {@code configs}, in order;
     * {@code listBase} gives the list an APPEND or SUBTRACT starts from when the key is not set
     * (and may refuse the key).
     */
    private static Map<String, String> apply(List<IncrementalAlterConfigsRequest.AlterableConfig> ops,
            Map<String, String> configs, UnaryOperator<String> listBase) {
        for (IncrementalAlterConfigsRequest.AlterableConfig c : ops) {
            switch (c.configOperation()) {
                case 0 -> {
                    if (c.value() == null) {
                        throw new BadOperation("Null value not supported for: " + c.name());
                    }
                    configs.put(c.name(), c.value());
                }
                case 1 -> configs.remove(c.name());
                case 2, 3 -> {
                    String base = configs.containsKey(c.name()) ? configs.get(c.name()) : listBase.apply(c.name());
                    List<String> items = new ArrayList<>(base.isEmpty() ? List.of() : Arrays.asList(base.split(",")));
                    List<String> changes = c.value() == null ? List.of() : Arrays.asList(c.value().split(","));
                    if (c.configOperation() == 2) {
                        changes.stream().filter(x -> !items.contains(x)).forEach(items::add);
                    } else {
                        items.removeAll(changes);
                    }
                    configs.put(c.name(), String.join(",", items));
                }
                default -> throw new BadOperation("unknown config operation " + c.configOperation());
            }
        }
        return configs;
    }
}

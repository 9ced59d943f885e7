package dev.wharf.server;

import dev.wharf.server.config.ConfigKey;
import java.util.function.Function;

/**
 * A topic config: its definition, and the value a topic has when it does not override it, which
 * comes from the broker (usually the broker key Kafka names as its synonym).
 *
 * @param def name, type, validator and doc; topic keys have no default of their own
 * @param brokerKey the broker key Kafka names as the topic key's synonym (its default), or null
 *     when there is none (the default is Wharf's own)
 * @param brokerDefault the default as text, from the broker's configuration; null for an internal key
 * @param internal a key Kafka defines as internal (for tests): no default, so a topic that does not
 *     set it has no value, and DescribeConfigs shows it only where a topic sets it
 * @param <T> the parsed value's type
 */
public record TopicKey<T>(ConfigKey<T> def, ConfigKey<?> brokerKey, Function<BrokerConfig, String> brokerDefault,
        boolean internal) {
    public String name() {
        return def.name();
    }

    /** The default this broker gives the key, as text; null for an internal key. */
    public String defaultValue(BrokerConfig broker) {
        return internal ? null : brokerDefault.apply(broker);
    }
}

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
 * @param brokerDefault the default as text, from the broker's configuration
 * @param <T> the parsed value's type
 */
public record TopicKey<T>(ConfigKey<T> def, ConfigKey<?> brokerKey, Function<BrokerConfig, String> brokerDefault) {
    public String name() {
        return def.name();
    }

    /** The default this broker gives the key, as text. */
    public String defaultValue(BrokerConfig broker) {
        return brokerDefault.apply(broker);
    }
}

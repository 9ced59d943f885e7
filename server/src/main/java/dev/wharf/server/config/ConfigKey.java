package dev.wharf.server.config;

import java.util.Objects;

/**
 * One config key, defined once: its Kafka name, type, default, accepted values, whether it can
 * change at runtime, and what it means. Parsing goes through here, so a bad value is always an
 * error naming the key. Immutable.
 *
 * @param name the key as Kafka spells it
 * @param type how the value is written
 * @param defaultValue the value when none is given, as text; null when unset means "not set" (a
 *     fallback key decides, e.g. log.retention.ms falls back to log.retention.hours)
 * @param validator which parsed values are accepted
 * @param dynamic whether the value may change while the broker runs: topic keys through
 *     (Incremental)AlterConfigs; broker keys as Kafka 4.4 allows, per broker or cluster-wide
 *     ({@code dev.wharf.server.DynamicBrokerConfig})
 * @param doc one line for DescribeConfigs documentation and for readers
 * @param <T> the parsed value's type
 */
public record ConfigKey<T>(String name, ConfigType<T> type, String defaultValue, Validator<? super T> validator,
        boolean dynamic, String doc) {
    public static final boolean DYNAMIC = true;
    public static final boolean STATIC = false;

    public ConfigKey {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        Objects.requireNonNull(validator);
        Objects.requireNonNull(doc);
    }

    /** The value {@code text} stands for; a {@link ConfigException} naming this key when it is not accepted. */
    public T parse(String text) {
        T value;
        try {
            value = type.parse(text);
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(name, text, "Expected a value of type " + type);
        }
        String problem = validator.problem(value);
        if (problem != null) {
            throw ConfigException.invalid(name, text, problem);
        }
        return value;
    }

    /** The parsed default, or null for a key without one. */
    public T parsedDefault() {
        return defaultValue == null ? null : parse(defaultValue);
    }
}

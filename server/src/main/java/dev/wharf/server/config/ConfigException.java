package dev.wharf.server.config;

/** A config name or value that is not accepted; the message names the key (INVALID_CONFIG on the wire). */
public final class ConfigException extends IllegalArgumentException {
    public ConfigException(String message) {
        super(message);
    }

    /** Kafka's wording, so tools show what they would show against Kafka. */
    static ConfigException invalid(String key, String value, String why) {
        return new ConfigException("Invalid value " + value + " for configuration " + key + ": " + why);
    }
}

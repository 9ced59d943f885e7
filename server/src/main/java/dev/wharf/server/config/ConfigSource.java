package dev.wharf.server.config;

/**
 * Where a described config value comes from, with the ids DescribeConfigs (v1+) sends for them
 * (Kafka's {@code DescribeConfigsResponse.ConfigSource}). Listed from the strongest to the weakest
 * for a broker key: a per-broker dynamic value beats the cluster-wide dynamic default, which beats
 * server.properties, which beats the key's own default.
 */
public enum ConfigSource {
    DYNAMIC_TOPIC_CONFIG(1),
    DYNAMIC_BROKER_CONFIG(2),
    DYNAMIC_DEFAULT_BROKER_CONFIG(3),
    STATIC_BROKER_CONFIG(4),
    DEFAULT_CONFIG(5),
    /** A group config set with IncrementalAlterConfigs on a GROUP resource. */
    DYNAMIC_GROUP_CONFIG(8);

    public final byte id;

    ConfigSource(int id) {
        this.id = (byte) id;
    }
}

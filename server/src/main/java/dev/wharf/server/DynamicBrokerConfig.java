package dev.wharf.server;

import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.config.ConfigException;
import dev.wharf.server.config.ConfigKey;
import dev.wharf.server.config.ConfigSource;
import dev.wharf.server.config.IgnoredKeys;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's configuration as it is now: the static one (server.properties and command-line
 * overrides) under the dynamic broker configs kept in ZooKeeper, the cluster-wide default (entity
 * {@code ""}) and this broker's own (entity {@code "<broker.id>"}). For each key a per-broker
 * value beats the cluster default, which beats the static value, which beats the key's default;
 * keys that stand for one setting in several units (log.retention.ms over .minutes over .hours)
 * are then resolved as at start-up, over the merged values, as Kafka does.
 *
 * <p>Only the keys Kafka 4.4 lets change without a restart are dynamic ({@link #isDynamic}); what
 * "live" means for each is in its {@link BrokerKeys} doc. Code that must follow changes reads
 * {@link #current()} (or {@link #get}) each time, or registers a {@link Listener}.
 *
 * <p>Threads: changes arrive on {@code wharf-zk-events}, one at a time, and the listeners run
 * there; reads come from any thread and see one immutable snapshot.
 */
public final class DynamicBrokerConfig {
    private static final Logger log = LoggerFactory.getLogger(DynamicBrokerConfig.class);

    /**
     * Kafka keys Wharf accepts without reading them ({@link IgnoredKeys}) that Kafka changes live:
     * they are stored and described, so tools that set them keep working. Other ignored keys are
     * static in Kafka and refused, as Kafka refuses them.
     */
    private static final Set<String> DYNAMIC_IGNORED_KEYS = Set.of("background.threads", "num.recovery.threads.per.data.dir", "metric.reporters",
            "max.connections", "max.connections.per.ip", "max.connections.per.ip.overrides", "max.connection.creation.rate",
            "compression.gzip.level", "compression.lz4.level", "compression.zstd.level", "log.local.retention.ms",
            "log.local.retention.bytes");

    /** Told, on {@code wharf-zk-events}, that the configuration changed; must not block. */
    @FunctionalInterface
    public interface Listener {
        void reconfigured(BrokerConfig before, BrokerConfig now);
    }

    /** One link of a described value's chain: where a value of this or an equivalent key is set. */
    public record Synonym(String name, String value, ConfigSource source) {}

    private record State(Map<String, String> clusterDefault, Map<String, String> perBroker, BrokerConfig current) {}

    private final BrokerConfig staticConfig;
    private final String entity;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile State state;

    public DynamicBrokerConfig(BrokerConfig staticConfig) {
        this.staticConfig = staticConfig;
        this.entity = Integer.toString(staticConfig.brokerId());
        this.state = new State(Map.of(), Map.of(), staticConfig);
    }

    /** The configuration in force now. */
    public BrokerConfig current() {
        return state.current();
    }

    /** The configuration the broker started with. */
    public BrokerConfig staticConfig() {
        return staticConfig;
    }

    /** The key's value in force now. */
    public <T> T get(ConfigKey<T> key) {
        return current().get(key);
    }

    /** Bytes per second this broker may send to followers of throttled replicas (leader.replication.throttled.rate). */
    public long leaderThrottleRate() {
        return get(BrokerKeys.LEADER_REPLICATION_THROTTLED_RATE);
    }

    /** Bytes per second this broker may fetch for throttled replicas (follower.replication.throttled.rate). */
    public long followerThrottleRate() {
        return get(BrokerKeys.FOLLOWER_REPLICATION_THROTTLED_RATE);
    }

    /** This broker's entity name in the config APIs and in ZooKeeper: its id. */
    public String entity() {
        return entity;
    }

    /** The dynamic values in force for the cluster default ({@code ""}) or this broker; empty for other entities. */
    public Map<String, String> configs(String entityName) {
        State s = state;
        return entityName.isEmpty() ? s.clusterDefault() : entityName.equals(entity) ? s.perBroker() : Map.of();
    }

    /** Runs {@code listener} after every later change. */
    public void onChange(Listener listener) {
        listeners.add(listener);
    }

    /**
     * An entity's dynamic configs as now stored. Other brokers' entities are not ours; values that
     * could not be set through the admin APIs (written to ZooKeeper some other way) are skipped
     * with a warning rather than stopping the broker.
     */
    public void entityChanged(String entityName, Map<String, String> configs) {
        boolean isDefault = entityName.isEmpty();
        if (!isDefault && !entityName.equals(entity)) {
            return;
        }
        Map<String, String> accepted = new LinkedHashMap<>();
        configs.forEach((name, value) -> {
            try {
                validate(Map.of(name, value));
                accepted.put(name, value);
            } catch (ConfigException e) {
                log.warn("ignoring dynamic broker config of entity={}: {}", isDefault ? "<default>" : entityName, e.getMessage());
            }
        });
        State before = state;
        Map<String, String> clusterDefault = isDefault ? Map.copyOf(accepted) : before.clusterDefault();
        Map<String, String> perBroker = isDefault ? before.perBroker() : Map.copyOf(accepted);
        if (clusterDefault.equals(before.clusterDefault()) && perBroker.equals(before.perBroker())) {
            return;
        }
        State now = new State(clusterDefault, perBroker, staticConfig.overriddenBy(clusterDefault).overriddenBy(perBroker));
        state = now;
        log.info("dynamic broker configs now cluster-default={} broker={}", clusterDefault, perBroker);
        for (Listener l : listeners) {
            try {
                l.reconfigured(before.current(), now.current());
            } catch (RuntimeException e) {
                log.error("a listener failed to apply the dynamic broker configs", e);
            }
        }
    }

    /**
     * Where the value of {@code name} comes from, strongest first, as DescribeConfigs lists
     * synonyms: per-broker (when {@code perBroker}), cluster default, static, key default; each
     * for the key and the keys equivalent to it, from {@code name} on (log.retention.hours does not
     * list log.retention.ms, but log.retention.ms lists the hours). Empty: set nowhere, no default.
     */
    public List<Synonym> synonyms(String name, boolean perBroker) {
        State s = state;
        List<String> names = equivalents(name);
        List<Synonym> out = new ArrayList<>();
        if (perBroker) {
            names.forEach(n -> addIfSet(out, n, s.perBroker().get(n), ConfigSource.DYNAMIC_BROKER_CONFIG));
        }
        names.forEach(n -> addIfSet(out, n, s.clusterDefault().get(n), ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG));
        names.forEach(n -> {
            ConfigKey<?> key = BrokerKeys.byName(n);
            addIfSet(out, n, key == null ? null : staticConfig.givenValue(key), ConfigSource.STATIC_BROKER_CONFIG);
        });
        names.forEach(n -> {
            ConfigKey<?> key = BrokerKeys.byName(n);
            addIfSet(out, n, key == null ? null : key.defaultValue(), ConfigSource.DEFAULT_CONFIG);
        });
        while (!out.isEmpty() && !out.get(0).name().equals(name)) {
            out.remove(0);
        }
        return out;
    }

    private static void addIfSet(List<Synonym> out, String name, String value, ConfigSource source) {
        if (value != null) {
            out.add(new Synonym(name, value, source));
        }
    }

    /** The keys that set the same thing as {@code name}, strongest first (Kafka's broker synonyms). */
    private static List<String> equivalents(String name) {
        List<String> retention = List.of(BrokerKeys.LOG_RETENTION_MS.name(), BrokerKeys.LOG_RETENTION_MINUTES.name(),
                BrokerKeys.LOG_RETENTION_HOURS.name());
        List<String> roll = List.of(BrokerKeys.LOG_ROLL_MS.name(), BrokerKeys.LOG_ROLL_HOURS.name());
        return retention.contains(name) ? retention : roll.contains(name) ? roll : List.of(name);
    }

    /**
     * Whether Kafka lets {@code name} change without a restart: a dynamic {@link BrokerKeys} key,
     * or one of the Kafka keys Wharf ignores that Kafka changes live. Names Kafka does not know
     * are not dynamic either, but may still be stored (Kafka accepts them for plug-ins).
     */
    public static boolean isDynamic(String name) {
        ConfigKey<?> key = BrokerKeys.byName(name);
        return key != null ? key.dynamic() : DYNAMIC_IGNORED_KEYS.contains(name);
    }

    /**
     * Checks an entity's dynamic configs as Kafka does: every name either dynamic or unknown to
     * Kafka, then every value accepted by its key. The message is Kafka's, naming the keys.
     */
    public static void validate(Map<String, String> configs) {
        configs.forEach((name, value) -> {
            if (value == null) {
                throw new ConfigException("Null value not supported for: " + name);
            }
        });
        Set<String> refused = new TreeSet<>();
        configs.keySet().forEach(name -> {
            boolean known = BrokerKeys.byName(name) != null || IgnoredKeys.reason(name) != null;
            if (known && !isDynamic(name)) {
                refused.add(name);
            }
        });
        if (!refused.isEmpty()) {
            throw new ConfigException("Cannot update these configs dynamically: Set(" + String.join(", ", refused) + ")");
        }
        configs.forEach((name, value) -> {
            ConfigKey<?> key = BrokerKeys.byName(name);
            if (key != null) {
                key.parse(value);
            }
        });
    }
}

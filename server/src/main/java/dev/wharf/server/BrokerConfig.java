package dev.wharf.server;

import dev.wharf.logstore.CleanerConfig;
import dev.wharf.logstore.LogConfig;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.config.ConfigKey;
import dev.wharf.server.config.IgnoredKeys;
import dev.wharf.server.config.ListenerSettings;
import dev.wharf.server.network.InterBrokerListener;
import dev.wharf.server.security.ListenerSecurities;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The broker's configuration, read from a Kafka-style {@code server.properties} plus overrides,
 * under Kafka's key names, and parsed once: every key of {@link BrokerKeys} has a typed value
 * (given or default) from start-up on. A bad value is an error that names the key; a key Wharf
 * does not read is ignored, with a warning unless {@link IgnoredKeys} says ignoring it is
 * harmless (a Kafka config should mostly just work). Immutable.
 *
 * <p>Read a value with its key: {@code config.get(BrokerKeys.NUM_PARTITIONS)}.
 */
public final class BrokerConfig {
    private final Map<ConfigKey<?>, String> given;
    private final Map<ConfigKey<?>, Object> values;
    private final List<String> warnings;
    private final List<Listener> listeners;
    private final List<Listener> advertisedListeners;
    /** Every key as given, read or not: per-listener and per-mechanism settings have no fixed names. */
    private final Map<String, String> raw;
    /** Built on first use: loading key stores is not free, and every inter-broker client shares it. */
    private volatile InterBrokerListener interBrokerListener;

    private BrokerConfig(Map<ConfigKey<?>, String> given, Map<ConfigKey<?>, Object> values, List<String> warnings,
            Map<String, String> raw) {
        this.raw = raw;
        this.given = given;
        this.values = values;
        this.warnings = warnings;
        this.listeners = parseListeners(get(BrokerKeys.LISTENERS));
        this.advertisedListeners = get(BrokerKeys.ADVERTISED_LISTENERS).stream().map(Listener::parse).toList();
    }

    /** Reads a properties file, then applies overrides ({@code key=value}) in order. */
    public static BrokerConfig load(Path file, List<String> overrides) throws IOException {
        Properties props = new Properties();
        if (file != null) {
            try (Reader r = Files.newBufferedReader(file)) {
                props.load(r);
            }
        }
        Map<String, String> raw = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(k -> raw.put(k, props.getProperty(k)));
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("override '" + o + "' is not key=value");
            }
            raw.put(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
        }
        return of(raw);
    }

    /** Parses every value with its key; keys Wharf does not read become warnings (or nothing). */
    public static BrokerConfig of(Map<String, String> raw) {
        Map<ConfigKey<?>, String> given = new LinkedHashMap<>();
        Map<ConfigKey<?>, Object> values = new HashMap<>();
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            ConfigKey<?> key = BrokerKeys.byName(e.getKey());
            if (key == null) {
                String warning = IgnoredKeys.warning(e.getKey(), e.getValue());
                if (warning != null) {
                    warnings.add(warning);
                }
                continue;
            }
            String v = e.getValue().trim();
            values.put(key, key.parse(v));
            given.put(key, v);
        }
        for (ConfigKey<?> key : BrokerKeys.all()) {
            if (!values.containsKey(key) && key.defaultValue() != null) {
                values.put(key, key.parsedDefault());
            }
        }
        return new BrokerConfig(given, values, warnings, Map.copyOf(raw));
    }

    /**
     * This configuration with {@code overrides} over what was given (dynamic broker configs: see
     * {@link DynamicBrokerConfig}); names Wharf does not read are skipped, and a value its key does
     * not accept is a {@link dev.wharf.server.config.ConfigException} naming the key.
     */
    public BrokerConfig overriddenBy(Map<String, String> overrides) {
        Map<ConfigKey<?>, String> newGiven = new LinkedHashMap<>(given);
        Map<ConfigKey<?>, Object> newValues = new HashMap<>(values);
        overrides.forEach((name, text) -> {
            ConfigKey<?> key = BrokerKeys.byName(name);
            if (key != null) {
                String v = text.trim();
                newValues.put(key, key.parse(v));
                newGiven.put(key, v);
            }
        });
        Map<String, String> newRaw = new HashMap<>(raw);
        newRaw.putAll(overrides);
        return new BrokerConfig(newGiven, newValues, warnings, Map.copyOf(newRaw));
    }

    /** The value given for the key, as text, or null when it was not given (its default applies). */
    public String givenValue(ConfigKey<?> key) {
        return given.get(key);
    }

    /** What operators should hear about at start-up: keys given but not honoured, unknown keys. */
    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** The keys given that Wharf accepts and ignores ({@link IgnoredKeys#isIgnored}), sorted: named once at INFO. */
    public List<String> ignoredKeys() {
        return raw.entrySet().stream().filter(e -> BrokerKeys.byName(e.getKey()) == null)
                .filter(e -> IgnoredKeys.isIgnored(e.getKey(), e.getValue())).map(Map.Entry::getKey).sorted().toList();
    }

    /** The key's value: as given, else its default; null for a key without a default that was not given. */
    @SuppressWarnings("unchecked")
    public <T> T get(ConfigKey<T> key) {
        return (T) values.get(key);
    }

    /** The key's value as text (as given, else its default), as DescribeConfigs shows it. */
    public String rawValue(ConfigKey<?> key) {
        String v = given.get(key);
        return v != null ? v : key.defaultValue();
    }

    /** Whether the key was given a non-empty value. */
    public boolean isSet(ConfigKey<?> key) {
        String v = given.get(key);
        return v != null && !v.isEmpty();
    }

    /**
     * The settings of one listener: {@code listener.name.<name>.*} (and, per SASL mechanism,
     * {@code listener.name.<name>.<mechanism>.*}) over the broker-wide keys, as Kafka resolves them.
     */
    public ListenerSettings listenerSettings(String listenerName) {
        return new ListenerSettings(listenerName, raw);
    }

    public int brokerId() {
        return get(BrokerKeys.BROKER_ID);
    }

    /** The first listener as host and port. */
    public Listener listener() {
        return listeners.get(0);
    }

    /** Every listener, in the order configured; names and ports are unique (port 0 aside). */
    public List<Listener> listeners() {
        return listeners;
    }

    private static List<Listener> parseListeners(List<String> texts) {
        List<Listener> out = new ArrayList<>();
        for (String text : texts) {
            Listener l = Listener.parse(text);
            for (Listener other : out) {
                if (other.name().equals(l.name())) {
                    throw new IllegalArgumentException("listener name " + l.name() + " appears twice in listeners");
                }
                if (l.port() != 0 && other.port() == l.port()) {
                    throw new IllegalArgumentException("listeners " + other.name() + " and " + l.name() + " share port " + l.port());
                }
            }
            out.add(l);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("listeners is empty");
        }
        return List.copyOf(out);
    }

    /** What clients are told to connect to for the first listener. */
    public Listener advertisedListener() {
        return advertisedListener(listener());
    }

    /** What clients are told to connect to for {@code listener}: its advertised.listeners entry, or itself. */
    public Listener advertisedListener(Listener listener) {
        for (Listener adv : advertisedListeners) {
            if (adv.name().equals(listener.name())) {
                return adv;
            }
        }
        return listener;
    }

    /**
     * The listener other brokers reach this one on (followers fetch through it):
     * {@code inter.broker.listener.name}, else the listener named PLAINTEXT, else the first.
     */
    public String interBrokerListenerName() {
        String named = get(BrokerKeys.INTER_BROKER_LISTENER_NAME);
        if (!named.isEmpty()) {
            if (listeners.stream().noneMatch(l -> l.name().equals(named))) {
                throw new IllegalArgumentException("inter.broker.listener.name " + named + " is not one of the listeners "
                        + listeners.stream().map(Listener::name).toList());
            }
            return named;
        }
        return listeners.stream().map(Listener::name).filter("PLAINTEXT"::equals).findFirst().orElse(listeners.get(0).name());
    }

    /** How this broker connects to others: the inter-broker listener's name and client-side security. */
    public InterBrokerListener interBrokerListener() {
        InterBrokerListener l = interBrokerListener;
        if (l == null) {
            l = ListenerSecurities.interBroker(this);
            interBrokerListener = l;
        }
        return l;
    }

    /** The security protocol of a listener name, from listener.security.protocol.map. */
    public String securityProtocol(String listenerName) {
        for (String entry : get(BrokerKeys.LISTENER_SECURITY_PROTOCOL_MAP)) {
            int colon = entry.indexOf(':');
            if (colon > 0 && entry.substring(0, colon).trim().equals(listenerName)) {
                return entry.substring(colon + 1).trim();
            }
        }
        throw new IllegalArgumentException("listener " + listenerName + " has no entry in listener.security.protocol.map");
    }

    public List<Path> logDirs() {
        List<String> dirs = isSet(BrokerKeys.LOG_DIRS) || !isSet(BrokerKeys.LOG_DIR) ? get(BrokerKeys.LOG_DIRS)
                : List.of(get(BrokerKeys.LOG_DIR));
        return dirs.stream().map(Path::of).toList();
    }

    /** log.retention.ms, else log.retention.minutes, else log.retention.hours (topics' retention.ms). */
    public long retentionMs() {
        if (isSet(BrokerKeys.LOG_RETENTION_MS)) {
            return get(BrokerKeys.LOG_RETENTION_MS);
        }
        if (isSet(BrokerKeys.LOG_RETENTION_MINUTES)) {
            return TimeUnit.MINUTES.toMillis(get(BrokerKeys.LOG_RETENTION_MINUTES));
        }
        return TimeUnit.HOURS.toMillis(get(BrokerKeys.LOG_RETENTION_HOURS));
    }

    /** log.roll.ms, else log.roll.hours (topics' segment.ms). */
    public long segmentMs() {
        return isSet(BrokerKeys.LOG_ROLL_MS) ? get(BrokerKeys.LOG_ROLL_MS)
                : TimeUnit.HOURS.toMillis(get(BrokerKeys.LOG_ROLL_HOURS));
    }

    /** Defaults for every partition log: a topic's log settings when it overrides nothing. */
    public LogConfig logConfig() {
        return TopicSettings.of(this, Map.of()).logConfig();
    }

    /** The log cleaner's settings ({@code log.cleaner.*}). */
    public CleanerConfig cleanerConfig() {
        return new CleanerConfig(get(BrokerKeys.LOG_CLEANER_ENABLE), get(BrokerKeys.LOG_CLEANER_THREADS),
                get(BrokerKeys.LOG_CLEANER_DEDUPE_BUFFER_SIZE), get(BrokerKeys.LOG_CLEANER_IO_BUFFER_SIZE),
                get(BrokerKeys.LOG_CLEANER_IO_BUFFER_LOAD_FACTOR), get(BrokerKeys.LOG_CLEANER_IO_MAX_BYTES_PER_SECOND),
                get(BrokerKeys.LOG_CLEANER_BACKOFF_MS));
    }

    /** A listener: {@code PLAINTEXT://host:port}; an empty host means every interface. */
    public record Listener(String name, String host, int port) {
        static Listener parse(String text) {
            int scheme = text.indexOf("://");
            int colon = text.lastIndexOf(':');
            if (scheme <= 0 || colon <= scheme + 2) {
                throw new IllegalArgumentException("invalid listener '" + text + "' (expected NAME://host:port)");
            }
            try {
                int port = Integer.parseInt(text.substring(colon + 1));
                if (port < 0 || port > 65535) {
                    throw new NumberFormatException();
                }
                return new Listener(text.substring(0, scheme), text.substring(scheme + 3, colon), port);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("invalid port in listener '" + text + "'");
            }
        }
    }
}

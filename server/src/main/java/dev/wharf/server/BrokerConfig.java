package dev.wharf.server;

import dev.wharf.logstore.LogConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The broker's configuration, read from a Kafka-style {@code server.properties} plus overrides,
 * under Kafka's key names. Every known key has a type and a default; a bad value is an error that
 * names the key, an unknown key is kept as a warning (a Kafka config should mostly just work).
 */
public final class BrokerConfig {
    /** The type of a config value; parsing is where bad values are caught. */
    private enum Type {
        INT,
        LONG,
        BOOLEAN,
        STRING,
        LIST
    }

    private record Key(String name, Type type, String defaultValue, String doc) {}

    private static final Map<String, Key> KEYS = new LinkedHashMap<>();

    private static void define(String name, Type type, String defaultValue, String doc) {
        KEYS.put(name, new Key(name, type, defaultValue, doc));
    }

    static {
        define("broker.id", Type.INT, "0", "This broker's id.");
        define("listeners", Type.LIST, "PLAINTEXT://localhost:9092", "Where the broker listens.");
        define("advertised.listeners", Type.LIST, "", "What clients are told to connect to, per listener name (default: listeners).");
        define("listener.security.protocol.map", Type.LIST,
                "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL",
                "The security protocol of each listener name.");
        define("log.dirs", Type.LIST, "wharf-data/logs", "Directories holding the partition logs.");
        define("log.dir", Type.STRING, "", "A single log directory (log.dirs wins).");
        define("num.partitions", Type.INT, "1", "Partitions of auto-created topics.");
        define("default.replication.factor", Type.INT, "1", "Replication factor of auto-created topics.");
        define("auto.create.topics.enable", Type.BOOLEAN, "true", "Create topics on first use.");
        define("log.retention.hours", Type.LONG, "168", "Retention by time.");
        define("log.retention.minutes", Type.LONG, "", "Retention by time (wins over hours).");
        define("log.retention.ms", Type.LONG, "", "Retention by time (wins over minutes).");
        define("log.retention.bytes", Type.LONG, "-1", "Retention by size per partition.");
        define("log.segment.bytes", Type.INT, "1073741824", "Segment size.");
        define("log.roll.hours", Type.LONG, "168", "Segment age at which it rolls.");
        define("log.index.size.max.bytes", Type.INT, "10485760", "Offset index size per segment.");
        define("log.index.interval.bytes", Type.INT, "4096", "Bytes between offset index entries.");
        define("log.flush.interval.messages", Type.LONG, Long.toString(Long.MAX_VALUE), "Fsync after this many messages.");
        define("log.flush.interval.ms", Type.LONG, "", "Fsync at least this often.");
        define("log.retention.check.interval.ms", Type.LONG, "300000", "How often retention runs.");
        define("log.segment.delete.delay.ms", Type.LONG, "60000", "Delay before deleted segments' and topics' files go.");
        define("message.max.bytes", Type.INT, "1048588", "Largest record batch accepted.");
        define("log.message.timestamp.type", Type.STRING, "CreateTime", "CreateTime or LogAppendTime.");
        define("socket.request.max.bytes", Type.INT, "104857600", "Largest request frame accepted.");
        define("connections.max.idle.ms", Type.LONG, "600000", "Idle connections are closed after this.");
        define("num.network.threads", Type.INT, "3", "Netty event loop threads.");
        define("num.io.threads", Type.INT, "8", "Threads for blocking work (disk).");
        define("zookeeper.connect", Type.STRING, "", "External ZooKeeper ensemble; empty starts an embedded one.");
        define("zookeeper.embedded.port", Type.INT, "2181", "Port of the embedded ZooKeeper (0: any free port).");
        define("zookeeper.session.timeout.ms", Type.INT, "18000", "ZooKeeper session timeout.");
        define("offsets.topic.num.partitions", Type.INT, "50", "Partitions of __consumer_offsets.");
        define("offsets.topic.replication.factor", Type.INT, "3", "Replicas of __consumer_offsets (at most the live brokers).");
        define("offsets.topic.segment.bytes", Type.INT, "104857600", "Segment size of __consumer_offsets; also how much it may grow before it is compacted.");
        define("offsets.retention.minutes", Type.LONG, "10080", "Committed offsets of empty groups are kept this long.");
        define("offsets.retention.check.interval.ms", Type.LONG, "600000", "How often expired offsets are looked for.");
        define("offset.metadata.max.bytes", Type.INT, "4096", "Largest metadata string of a committed offset.");
        define("group.min.session.timeout.ms", Type.INT, "6000", "Smallest session timeout a member may ask for.");
        define("group.max.session.timeout.ms", Type.INT, "1800000", "Largest session timeout a member may ask for.");
        define("group.initial.rebalance.delay.ms", Type.INT, "3000", "How long the first rebalance of an empty group waits for more members.");
        define("group.max.size", Type.INT, "2147483647", "Most members a group may have.");
        define("producer.id.expiration.ms", Type.INT, "86400000", "Idle time after which a producer's state is forgotten.");
        define("producer.id.expiration.check.interval.ms", Type.INT, "600000", "How often idle producers are looked for.");
        define("replica.high.watermark.checkpoint.interval.ms", Type.LONG, "5000",
                "How often each log directory's replication-offset-checkpoint is written.");
        define("max.incremental.fetch.session.cache.slots", Type.INT, "1000", "Incremental fetch sessions kept.");
    }

    private final Map<String, String> values;
    private final List<String> warnings;

    private BrokerConfig(Map<String, String> values, List<String> warnings) {
        this.values = values;
        this.warnings = warnings;
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

    /** Validates every value against its key's type. */
    public static BrokerConfig of(Map<String, String> raw) {
        Map<String, String> values = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            Key key = KEYS.get(e.getKey());
            if (key == null) {
                warnings.add("unknown config '" + e.getKey() + "' is ignored");
                continue;
            }
            String v = e.getValue().trim();
            check(key, v);
            values.put(key.name(), v);
        }
        return new BrokerConfig(values, warnings);
    }

    private static void check(Key key, String v) {
        try {
            switch (key.type()) {
                case INT -> Integer.parseInt(v);
                case LONG -> Long.parseLong(v);
                case BOOLEAN -> {
                    if (!v.equalsIgnoreCase("true") && !v.equalsIgnoreCase("false")) {
                        throw new IllegalArgumentException();
                    }
                }
                default -> {}
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid value '" + v + "' for " + key.name() + " (" + key.type()
                    .name().toLowerCase(Locale.ROOT) + " expected)");
        }
    }

    public List<String> warnings() {
        return List.copyOf(warnings);
    }

    private String raw(String name) {
        String v = values.get(name);
        return v != null ? v : KEYS.get(name).defaultValue();
    }

    private boolean isSet(String name) {
        String v = values.get(name);
        return v != null && !v.isEmpty();
    }

    public int getInt(String name) {
        return Integer.parseInt(raw(name));
    }

    public long getLong(String name) {
        return Long.parseLong(raw(name));
    }

    public boolean getBoolean(String name) {
        return Boolean.parseBoolean(raw(name));
    }

    public String getString(String name) {
        return raw(name);
    }

    public List<String> getList(String name) {
        List<String> out = new ArrayList<>();
        for (String part : raw(name).split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return out;
    }

    public int brokerId() {
        return getInt("broker.id");
    }

    /** The first listener as host and port. */
    public Listener listener() {
        return listeners().get(0);
    }

    /** Every listener, in the order configured; names and ports are unique (port 0 aside). */
    public List<Listener> listeners() {
        List<Listener> out = new ArrayList<>();
        for (String text : getList("listeners")) {
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
        return out;
    }

    /** What clients are told to connect to for the first listener. */
    public Listener advertisedListener() {
        return advertisedListener(listener());
    }

    /** What clients are told to connect to for {@code listener}: its advertised.listeners entry, or itself. */
    public Listener advertisedListener(Listener listener) {
        for (String text : getList("advertised.listeners")) {
            Listener adv = Listener.parse(text);
            if (adv.name().equals(listener.name())) {
                return adv;
            }
        }
        return listener;
    }

    /** The security protocol of a listener name, from listener.security.protocol.map. */
    public String securityProtocol(String listenerName) {
        for (String entry : getList("listener.security.protocol.map")) {
            int colon = entry.indexOf(':');
            if (colon > 0 && entry.substring(0, colon).trim().equals(listenerName)) {
                return entry.substring(colon + 1).trim();
            }
        }
        throw new IllegalArgumentException("listener " + listenerName + " has no entry in listener.security.protocol.map");
    }

    public List<Path> logDirs() {
        List<String> dirs = isSet("log.dirs") || !isSet("log.dir") ? getList("log.dirs") : List.of(getString("log.dir"));
        return dirs.stream().map(Path::of).toList();
    }

    public long retentionMs() {
        if (isSet("log.retention.ms")) {
            return getLong("log.retention.ms");
        }
        if (isSet("log.retention.minutes")) {
            return TimeUnit.MINUTES.toMillis(getLong("log.retention.minutes"));
        }
        return TimeUnit.HOURS.toMillis(getLong("log.retention.hours"));
    }

    /** Defaults for every partition log, from the broker's log.* keys. */
    public LogConfig logConfig() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("segment.bytes", raw("log.segment.bytes"));
        m.put("segment.ms", Long.toString(TimeUnit.HOURS.toMillis(getLong("log.roll.hours"))));
        m.put("segment.index.bytes", raw("log.index.size.max.bytes"));
        m.put("index.interval.bytes", raw("log.index.interval.bytes"));
        m.put("retention.ms", Long.toString(retentionMs()));
        m.put("retention.bytes", raw("log.retention.bytes"));
        m.put("flush.messages", raw("log.flush.interval.messages"));
        if (isSet("log.flush.interval.ms")) {
            m.put("flush.ms", raw("log.flush.interval.ms"));
        }
        m.put("file.delete.delay.ms", raw("log.segment.delete.delay.ms"));
        return LogConfig.DEFAULTS.with(m);
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

package dev.wharf.server;

import static dev.wharf.server.config.ConfigType.BOOLEAN;
import static dev.wharf.server.config.ConfigType.DOUBLE;
import static dev.wharf.server.config.ConfigType.INT;
import static dev.wharf.server.config.ConfigType.LIST;
import static dev.wharf.server.config.ConfigType.LONG;
import static dev.wharf.server.config.ConfigType.STRING;
import static dev.wharf.server.config.Validator.atLeast;
import static dev.wharf.server.config.Validator.eachOneOf;
import static dev.wharf.server.config.Validator.fraction;
import static dev.wharf.server.config.Validator.oneOf;

import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.config.ConfigException;
import dev.wharf.server.config.ConfigKey;
import dev.wharf.server.config.ConfigType;
import dev.wharf.server.config.Validator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Every topic config Kafka accepts, defined once. The log store applies the segment, retention,
 * flush and delete-delay keys; the produce path reads max.message.bytes and the timestamp keys;
 * the others are stored and described (so tools that set them keep working) without effect yet.
 * All are dynamic: (Incremental)AlterConfigs changes them on live topics.
 */
public final class TopicConfigs {
    private static final Map<String, TopicKey<?>> BY_NAME = new TreeMap<>();

    public static final TopicKey<Long> RETENTION_MS = define("retention.ms", LONG, atLeast(-1),
            BrokerKeys.LOG_RETENTION_MS, b -> Long.toString(b.retentionMs()), "Delete segments older than this; -1 keeps all.");
    public static final TopicKey<Long> RETENTION_BYTES = define("retention.bytes", LONG, atLeast(-1),
            BrokerKeys.LOG_RETENTION_BYTES, "Delete old segments beyond this size per partition; -1 no limit.");
    /** Kafka's smallest segment.bytes (and log.segment.bytes) since 4.0: 1 MiB. */
    public static final int MIN_SEGMENT_BYTES = 1024 * 1024;
    public static final TopicKey<Integer> SEGMENT_BYTES = define("segment.bytes", INT, atLeast(MIN_SEGMENT_BYTES),
            BrokerKeys.LOG_SEGMENT_BYTES, "Roll the active segment past this size.");
    /**
     * Kafka 4's internal, testing-only segment size: when a topic sets it, it replaces segment.bytes
     * and is not held to its 1 MiB floor, so tests can roll small segments. Kafka takes any int;
     * Wharf asks for the log store's smallest segment, 1 KiB.
     */
    public static final TopicKey<Integer> INTERNAL_SEGMENT_BYTES = defineInternal("internal.segment.bytes", INT,
            atLeast(1024), "The maximum size of a single log file. This should be used for testing only.");
    public static final TopicKey<Long> SEGMENT_MS = define("segment.ms", LONG, atLeast(1),
            BrokerKeys.LOG_ROLL_MS, b -> Long.toString(b.segmentMs()), "Roll the active segment after this age.");
    public static final TopicKey<Integer> SEGMENT_INDEX_BYTES = define("segment.index.bytes", INT, atLeast(64),
            BrokerKeys.LOG_INDEX_SIZE_MAX_BYTES, "Offset index size; the segment rolls when it is full.");
    public static final TopicKey<Integer> INDEX_INTERVAL_BYTES = define("index.interval.bytes", INT, atLeast(0),
            BrokerKeys.LOG_INDEX_INTERVAL_BYTES, "Bytes between offset index entries.");
    public static final TopicKey<Long> FLUSH_MESSAGES = define("flush.messages", LONG, atLeast(1),
            BrokerKeys.LOG_FLUSH_INTERVAL_MESSAGES, "Fsync after this many messages.");
    public static final TopicKey<Long> FLUSH_MS = define("flush.ms", LONG, atLeast(1), BrokerKeys.LOG_FLUSH_INTERVAL_MS,
            b -> Long.toString(b.isSet(BrokerKeys.LOG_FLUSH_INTERVAL_MS) ? b.get(BrokerKeys.LOG_FLUSH_INTERVAL_MS)
                    : Long.MAX_VALUE), "Fsync at least this often.");
    public static final TopicKey<Long> FILE_DELETE_DELAY_MS = define("file.delete.delay.ms", LONG, atLeast(0),
            BrokerKeys.LOG_SEGMENT_DELETE_DELAY_MS, "Keep deleted segments' files this long so reads in flight finish.");
    public static final TopicKey<Integer> MAX_MESSAGE_BYTES = define("max.message.bytes", INT, atLeast(0),
            BrokerKeys.MESSAGE_MAX_BYTES, "Largest record batch accepted.");
    public static final TopicKey<String> MESSAGE_TIMESTAMP_TYPE = define("message.timestamp.type", STRING,
            oneOf("CreateTime", "LogAppendTime"), BrokerKeys.LOG_MESSAGE_TIMESTAMP_TYPE,
            "CreateTime keeps the producer's timestamps; LogAppendTime stamps batches on append.");
    public static final TopicKey<Long> MESSAGE_TIMESTAMP_BEFORE_MAX_MS = define("message.timestamp.before.max.ms", LONG,
            atLeast(0), BrokerKeys.LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS,
            "How far in the past a CreateTime timestamp may be.");
    public static final TopicKey<Long> MESSAGE_TIMESTAMP_AFTER_MAX_MS = define("message.timestamp.after.max.ms", LONG,
            atLeast(0), BrokerKeys.LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS,
            "How far in the future a CreateTime timestamp may be.");
    public static final TopicKey<List<String>> CLEANUP_POLICY = define("cleanup.policy", LIST,
            eachOneOf("delete", "compact"), BrokerKeys.LOG_CLEANUP_POLICY,
            "delete and/or compact: compact keeps the latest record per key; without delete, time and size retention are off.");
    public static final TopicKey<Double> MIN_CLEANABLE_DIRTY_RATIO = define("min.cleanable.dirty.ratio", DOUBLE,
            fraction(0, 1), BrokerKeys.LOG_CLEANER_MIN_CLEANABLE_RATIO,
            "Clean a compacted log once its uncleaned part is this share of it.");
    public static final TopicKey<Long> DELETE_RETENTION_MS = define("delete.retention.ms", LONG, atLeast(0),
            BrokerKeys.LOG_CLEANER_DELETE_RETENTION_MS,
            "How long tombstones and transaction markers stay after the cleaner first passed them.");
    public static final TopicKey<Long> MIN_COMPACTION_LAG_MS = define("min.compaction.lag.ms", LONG, atLeast(0),
            BrokerKeys.LOG_CLEANER_MIN_COMPACTION_LAG_MS, "Records younger than this are not compacted.");
    public static final TopicKey<Long> MAX_COMPACTION_LAG_MS = define("max.compaction.lag.ms", LONG, atLeast(1),
            BrokerKeys.LOG_CLEANER_MAX_COMPACTION_LAG_MS, "Records older than this are compacted whatever the ratio.");

    public static final TopicKey<Integer> MIN_INSYNC_REPLICAS = define("min.insync.replicas", INT, atLeast(1),
            BrokerKeys.MIN_INSYNC_REPLICAS, "In-sync replicas an acks=all produce needs.");
    public static final TopicKey<Boolean> UNCLEAN_LEADER_ELECTION_ENABLE = define("unclean.leader.election.enable",
            BOOLEAN, Validator.any(), BrokerKeys.UNCLEAN_LEADER_ELECTION_ENABLE,
            "Elect a leader outside the ISR when none in it is alive, losing what only they had.");

    // stored and described, no effect yet
    static {
        define("compression.type", STRING, oneOf(BrokerKeys.COMPRESSION_TYPES), BrokerKeys.COMPRESSION_TYPE,
                "Batches are kept as produced.");
        define("preallocate", BOOLEAN, Validator.any(), BrokerKeys.LOG_PREALLOCATE, "Segments are not preallocated.");
        define("message.timestamp.difference.max.ms", LONG, atLeast(0), b -> Long.toString(Long.MAX_VALUE),
                "Deprecated in Kafka for the before/after keys; stored only.");
        define("message.downconversion.enable", BOOLEAN, Validator.any(), b -> "true", "Old formats are not served.");
        define("segment.jitter.ms", LONG, atLeast(0), b -> "0", "Segments roll without jitter.");
        define("follower.replication.throttled.replicas", LIST, Validator.any(), b -> "", "No throttling.");
        define("leader.replication.throttled.replicas", LIST, Validator.any(), b -> "", "No throttling.");
        define("local.retention.ms", LONG, atLeast(-2), b -> "-2", "Tiered storage is not supported.");
        define("local.retention.bytes", LONG, atLeast(-2), b -> "-2", "Tiered storage is not supported.");
        define("remote.storage.enable", BOOLEAN, Validator.any(), b -> "false", "Tiered storage is not supported.");
    }

    private TopicConfigs() {}

    /** Every topic key, by name. */
    public static List<TopicKey<?>> all() {
        return List.copyOf(BY_NAME.values());
    }

    /** The key of that name, or null when Kafka has no such topic config. */
    public static TopicKey<?> byName(String name) {
        return BY_NAME.get(name);
    }

    /** Every topic config but the internal ones with the value it has when a topic does not override it, by name. */
    public static Map<String, String> defaults(BrokerConfig broker) {
        Map<String, String> d = new TreeMap<>();
        BY_NAME.forEach((name, key) -> {
            if (!key.internal()) {
                d.put(name, key.defaultValue(broker));
            }
        });
        return d;
    }

    /**
     * The one entry that sets a topic's segment size to {@code bytes}: segment.bytes, or, below its
     * 1 MiB floor (an internal topic's {@code offsets.topic.segment.bytes} may be as small as 1),
     * internal.segment.bytes.
     */
    public static Map.Entry<String, String> segmentSize(int bytes) {
        TopicKey<Integer> key = bytes >= MIN_SEGMENT_BYTES ? SEGMENT_BYTES : INTERNAL_SEGMENT_BYTES;
        return Map.entry(key.name(), Integer.toString(bytes));
    }

    /** Checks a topic's overrides: known names, values their keys accept; the message names the bad entry. */
    public static void validate(Map<String, String> configs) {
        configs.forEach((name, value) -> {
            TopicKey<?> key = BY_NAME.get(name);
            if (key == null) {
                throw new ConfigException("Unknown topic config name: " + name);
            }
            key.def().parse(value);
        });
        long minLag = Long.parseLong(configs.getOrDefault(MIN_COMPACTION_LAG_MS.name(), "0").trim());
        long maxLag = Long.parseLong(configs.getOrDefault(MAX_COMPACTION_LAG_MS.name(), Long.toString(Long.MAX_VALUE)).trim());
        if (minLag > maxLag) {
            throw new ConfigException("conflict topic config setting min.compaction.lag.ms (" + minLag
                    + ") > max.compaction.lag.ms (" + maxLag + ")");
        }
    }

    /** A key whose default is the broker key's value as text. */
    private static <T> TopicKey<T> define(String name, ConfigType<T> type, Validator<? super T> validator,
            ConfigKey<?> brokerKey, String doc) {
        return define(name, type, validator, brokerKey, b -> b.rawValue(brokerKey), doc);
    }

    /** A key with no broker key behind it: its default is Wharf's, whatever the broker says. */
    private static <T> TopicKey<T> define(String name, ConfigType<T> type, Validator<? super T> validator,
            Function<BrokerConfig, String> brokerDefault, String doc) {
        return define(name, type, validator, null, brokerDefault, doc);
    }

    private static <T> TopicKey<T> define(String name, ConfigType<T> type, Validator<? super T> validator,
            ConfigKey<?> brokerKey, Function<BrokerConfig, String> brokerDefault, String doc) {
        return register(new TopicKey<>(new ConfigKey<>(name, type, null, validator, ConfigKey.DYNAMIC, doc),
                brokerKey, brokerDefault, false));
    }

    /** A key Kafka defines as internal: no default, described only where a topic sets it. */
    private static <T> TopicKey<T> defineInternal(String name, ConfigType<T> type, Validator<? super T> validator,
            String doc) {
        return register(new TopicKey<>(new ConfigKey<>(name, type, null, validator, ConfigKey.DYNAMIC, doc),
                null, b -> null, true));
    }

    private static <T> TopicKey<T> register(TopicKey<T> key) {
        if (BY_NAME.put(key.name(), key) != null) {
            throw new IllegalStateException("topic key " + key.name() + " defined twice");
        }
        return key;
    }
}

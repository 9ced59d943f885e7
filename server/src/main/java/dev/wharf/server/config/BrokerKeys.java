package dev.wharf.server.config;

import static dev.wharf.server.config.ConfigKey.DYNAMIC;
import static dev.wharf.server.config.ConfigKey.STATIC;
import static dev.wharf.server.config.ConfigType.BOOLEAN;
import static dev.wharf.server.config.ConfigType.DOUBLE;
import static dev.wharf.server.config.ConfigType.INT;
import static dev.wharf.server.config.ConfigType.LIST;
import static dev.wharf.server.config.ConfigType.LONG;
import static dev.wharf.server.config.ConfigType.STRING;
import static dev.wharf.server.config.Validator.atLeast;
import static dev.wharf.server.config.Validator.between;
import static dev.wharf.server.config.Validator.eachOneOf;
import static dev.wharf.server.config.Validator.fraction;
import static dev.wharf.server.config.Validator.oneOf;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every broker key Wharf reads, under Kafka's names, with Kafka's defaults unless the doc says
 * otherwise. "Dynamic" marks the keys Kafka 4.4 lets change without a restart (kafka-configs
 * --entity-type brokers), through {@link dev.wharf.server.DynamicBrokerConfig}: the topic
 * defaults apply at once to every partition whose topic does not override them; the doc of each
 * other dynamic key says what a live change does. Keys Kafka has and Wharf does not read are in
 * {@link IgnoredKeys}.
 */
public final class BrokerKeys {
    /** Kafka's class name for reading from the replica in the consumer's rack (KIP-392). */
    public static final String RACK_AWARE_REPLICA_SELECTOR = "org.apache.kafka.common.replica.RackAwareReplicaSelector";

    private static final Map<String, ConfigKey<?>> BY_NAME = new LinkedHashMap<>();
    /** What compression.type accepts, for the broker and for topics. */
    public static final String[] COMPRESSION_TYPES = {"producer", "uncompressed", "gzip", "snappy", "lz4", "zstd"};

    public static final ConfigKey<Integer> BROKER_ID = define("broker.id", INT, "0", atLeast(0), STATIC,
            "This broker's id.");
    public static final ConfigKey<String> BROKER_RACK = define("broker.rack", STRING, null, STATIC,
            "This broker's rack (or zone); when every live broker has one, each partition's replicas go to as many "
            + "racks as it has replicas. Unset: none.");
    public static final ConfigKey<List<String>> LISTENERS = define("listeners", LIST, "PLAINTEXT://localhost:9092",
            STATIC, "Where the broker listens: NAME://host:port, comma-separated.");
    public static final ConfigKey<List<String>> ADVERTISED_LISTENERS = define("advertised.listeners", LIST, "", STATIC,
            "What clients are told to connect to, per listener name (default: listeners).");
    public static final ConfigKey<List<String>> LISTENER_SECURITY_PROTOCOL_MAP = define("listener.security.protocol.map",
            LIST, "PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL", STATIC,
            "The security protocol of each listener name.");
    public static final ConfigKey<List<String>> LOG_DIRS = define("log.dirs", LIST, "wharf-data/logs", STATIC,
            "Directories holding the partition logs (Wharf's default; Kafka's is under /tmp).");
    public static final ConfigKey<String> LOG_DIR = define("log.dir", STRING, "", STATIC,
            "A single log directory (log.dirs wins).");
    public static final ConfigKey<Integer> NUM_PARTITIONS = define("num.partitions", INT, "1", atLeast(1), STATIC,
            "Partitions of topics created without a count.");
    public static final ConfigKey<Integer> DEFAULT_REPLICATION_FACTOR = define("default.replication.factor", INT, "1",
            atLeast(1), STATIC, "Replication factor of topics created without one.");
    public static final ConfigKey<Boolean> AUTO_CREATE_TOPICS_ENABLE = define("auto.create.topics.enable", BOOLEAN,
            "true", STATIC, "Create topics on first use (Metadata requests that allow it).");

    // topic defaults: each is the default of the topic key named in its doc
    public static final ConfigKey<Long> LOG_RETENTION_HOURS = define("log.retention.hours", LONG, "168", STATIC,
            "Retention by time, in hours (retention.ms); static in Kafka: change log.retention.ms live instead.");
    public static final ConfigKey<Long> LOG_RETENTION_MINUTES = define("log.retention.minutes", LONG, null, STATIC,
            "Retention by time, in minutes; wins over hours (retention.ms); static in Kafka.");
    public static final ConfigKey<Long> LOG_RETENTION_MS = define("log.retention.ms", LONG, null, atLeast(-1), DYNAMIC,
            "Retention by time; wins over minutes; -1 keeps everything (retention.ms).");
    public static final ConfigKey<Long> LOG_RETENTION_BYTES = define("log.retention.bytes", LONG, "-1", atLeast(-1),
            DYNAMIC, "Retention by size per partition; -1 no limit (retention.bytes).");
    public static final ConfigKey<Integer> LOG_SEGMENT_BYTES = define("log.segment.bytes", INT, "1073741824",
            atLeast(1024 * 1024), DYNAMIC, "Segment size (segment.bytes); at least 1 MiB, as in Kafka 4.");
    public static final ConfigKey<Long> LOG_ROLL_HOURS = define("log.roll.hours", LONG, "168", atLeast(1), STATIC,
            "Segment age at which it rolls, in hours (segment.ms); static in Kafka: change log.roll.ms live instead.");
    public static final ConfigKey<Long> LOG_ROLL_MS = define("log.roll.ms", LONG, null, atLeast(1), DYNAMIC,
            "Segment age at which it rolls; wins over hours (segment.ms).");
    public static final ConfigKey<Integer> LOG_INDEX_SIZE_MAX_BYTES = define("log.index.size.max.bytes", INT,
            "10485760", atLeast(64), DYNAMIC, "Offset index size per segment (segment.index.bytes).");
    public static final ConfigKey<Integer> LOG_INDEX_INTERVAL_BYTES = define("log.index.interval.bytes", INT, "4096",
            atLeast(0), DYNAMIC, "Bytes between offset index entries (index.interval.bytes).");
    public static final ConfigKey<Long> LOG_FLUSH_INTERVAL_MESSAGES = define("log.flush.interval.messages", LONG,
            Long.toString(Long.MAX_VALUE), atLeast(1), DYNAMIC, "Fsync after this many messages (flush.messages).");
    public static final ConfigKey<Long> LOG_FLUSH_INTERVAL_MS = define("log.flush.interval.ms", LONG, null, atLeast(1),
            DYNAMIC, "Fsync at least this often; unset: never, the page cache decides (flush.ms).");
    public static final ConfigKey<Long> LOG_SEGMENT_DELETE_DELAY_MS = define("log.segment.delete.delay.ms", LONG,
            "60000", atLeast(0), DYNAMIC, "Delay before deleted segments' and topics' files go (file.delete.delay.ms).");
    public static final ConfigKey<Integer> MESSAGE_MAX_BYTES = define("message.max.bytes", INT, "1048588", atLeast(0),
            DYNAMIC, "Largest record batch accepted (max.message.bytes).");
    public static final ConfigKey<String> LOG_MESSAGE_TIMESTAMP_TYPE = define("log.message.timestamp.type", STRING,
            "CreateTime", oneOf("CreateTime", "LogAppendTime"), DYNAMIC,
            "Whose timestamp a batch keeps, the producer's or the broker's (message.timestamp.type).");
    public static final ConfigKey<Long> LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS = define(
            "log.message.timestamp.before.max.ms", LONG, Long.toString(Long.MAX_VALUE), atLeast(0), DYNAMIC,
            "How far in the past a CreateTime timestamp may be (message.timestamp.before.max.ms).");
    public static final ConfigKey<Long> LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS = define(
            "log.message.timestamp.after.max.ms", LONG, "3600000", atLeast(0), DYNAMIC,
            "How far in the future a CreateTime timestamp may be (message.timestamp.after.max.ms).");
    public static final ConfigKey<List<String>> LOG_CLEANUP_POLICY = define("log.cleanup.policy", LIST, "delete",
            eachOneOf("delete", "compact"), DYNAMIC, "delete and/or compact (cleanup.policy).");
    public static final ConfigKey<String> COMPRESSION_TYPE = define("compression.type", STRING, "producer",
            oneOf(COMPRESSION_TYPES), DYNAMIC, "Stored and described; batches are kept as produced (compression.type).");
    public static final ConfigKey<Integer> MIN_INSYNC_REPLICAS = define("min.insync.replicas", INT, "1", atLeast(1),
            DYNAMIC, "In-sync replicas an acks=all produce needs (min.insync.replicas).");
    public static final ConfigKey<Boolean> UNCLEAN_LEADER_ELECTION_ENABLE = define("unclean.leader.election.enable",
            BOOLEAN, "false", DYNAMIC, "Elect a leader outside the ISR when none in it is alive, losing data (unclean.leader.election.enable).");
    public static final ConfigKey<Boolean> LOG_PREALLOCATE = define("log.preallocate", BOOLEAN, "false", DYNAMIC,
            "Stored and described; segments are not preallocated (preallocate).");
    public static final ConfigKey<Double> LOG_CLEANER_MIN_CLEANABLE_RATIO = define("log.cleaner.min.cleanable.ratio",
            DOUBLE, "0.5", fraction(0, 1), DYNAMIC, "Clean a compacted log once its uncleaned part is this share (min.cleanable.dirty.ratio).");
    public static final ConfigKey<Long> LOG_CLEANER_DELETE_RETENTION_MS = define("log.cleaner.delete.retention.ms",
            LONG, "86400000", atLeast(0), DYNAMIC, "How long tombstones and markers stay once cleaned past (delete.retention.ms).");
    public static final ConfigKey<Long> LOG_CLEANER_MIN_COMPACTION_LAG_MS = define("log.cleaner.min.compaction.lag.ms",
            LONG, "0", atLeast(0), DYNAMIC, "Records younger than this stay uncompacted (min.compaction.lag.ms).");
    public static final ConfigKey<Long> LOG_CLEANER_MAX_COMPACTION_LAG_MS = define("log.cleaner.max.compaction.lag.ms",
            LONG, Long.toString(Long.MAX_VALUE), atLeast(1), DYNAMIC,
            "Records older than this are compacted whatever the ratio (max.compaction.lag.ms).");

    public static final ConfigKey<Boolean> LOG_CLEANER_ENABLE = define("log.cleaner.enable", BOOLEAN, "true", STATIC,
            "Run the log cleaner, which compacts topics with cleanup.policy=compact.");
    public static final ConfigKey<Integer> LOG_CLEANER_THREADS = define("log.cleaner.threads", INT, "1", atLeast(1),
            DYNAMIC, "Threads cleaning logs.");
    public static final ConfigKey<Long> LOG_CLEANER_DEDUPE_BUFFER_SIZE = define("log.cleaner.dedupe.buffer.size", LONG,
            "134217728", atLeast(1024 * 1024), DYNAMIC,
            "Off-heap bytes for the cleaner threads' key maps together, allocated when a compacted log is first cleaned.");
    public static final ConfigKey<Integer> LOG_CLEANER_IO_BUFFER_SIZE = define("log.cleaner.io.buffer.size", INT,
            "524288", atLeast(1024 * 8), DYNAMIC, "Read and write buffer bytes of the cleaner threads together.");
    public static final ConfigKey<Double> LOG_CLEANER_IO_BUFFER_LOAD_FACTOR = define(
            "log.cleaner.io.buffer.load.factor", DOUBLE, "0.9", fraction(0.01, 0.99), DYNAMIC,
            "How full a cleaner thread's key map may get before a round ends early.");
    public static final ConfigKey<Double> LOG_CLEANER_IO_MAX_BYTES_PER_SECOND = define(
            "log.cleaner.io.max.bytes.per.second", DOUBLE, Double.toString(Double.MAX_VALUE), atLeast(1), DYNAMIC,
            "Disk reads and writes of the cleaner threads together, bytes per second.");
    public static final ConfigKey<Long> LOG_CLEANER_BACKOFF_MS = define("log.cleaner.backoff.ms", LONG, "15000",
            atLeast(0), DYNAMIC, "How long a cleaner thread sleeps when no log needs cleaning.");

    public static final ConfigKey<Long> LOG_RETENTION_CHECK_INTERVAL_MS = define("log.retention.check.interval.ms",
            LONG, "300000", atLeast(1), STATIC, "How often retention runs.");
    public static final ConfigKey<Integer> SOCKET_REQUEST_MAX_BYTES = define("socket.request.max.bytes", INT,
            "104857600", atLeast(1), STATIC, "Largest request frame accepted.");
    public static final ConfigKey<Long> CONNECTIONS_MAX_IDLE_MS = define("connections.max.idle.ms", LONG, "600000",
            STATIC, "Idle connections are closed after this.");
    public static final ConfigKey<Integer> MAX_CONNECTIONS = define("max.connections", INT,
            Integer.toString(Integer.MAX_VALUE), atLeast(0), DYNAMIC, "Connections open at once, all client listeners "
            + "together; at the limit new ones wait in the accept backlog (the inter-broker listener is not held back).");
    public static final ConfigKey<Integer> MAX_CONNECTIONS_PER_IP = define("max.connections.per.ip", INT,
            Integer.toString(Integer.MAX_VALUE), atLeast(0), DYNAMIC,
            "Connections open at once from one address; one more is closed at once.");
    public static final ConfigKey<List<String>> MAX_CONNECTIONS_PER_IP_OVERRIDES = define(
            "max.connections.per.ip.overrides", LIST, "", v -> v.stream().allMatch(e -> e.matches("[^:]+:\\d+")) ? null
                    : "Every entry must be host:count", DYNAMIC, "Per-address limits (ip-or-host:count,...) "
            + "replacing max.connections.per.ip for those addresses.");
    public static final ConfigKey<Integer> MAX_CONNECTION_CREATION_RATE = define("max.connection.creation.rate", INT,
            Integer.toString(Integer.MAX_VALUE), atLeast(0), DYNAMIC, "New connections accepted per second, all client "
            + "listeners together; faster ones wait in the accept backlog.");
    public static final ConfigKey<Long> CONNECTIONS_MAX_REAUTH_MS = define("connections.max.reauth.ms", LONG, "0",
            atLeast(0), STATIC, "How long a SASL session lasts before the client must re-authenticate on its "
            + "connection (KIP-368); 0: for ever. Bounded by an OAUTHBEARER token's expiry.");
    public static final ConfigKey<Integer> CONNECTION_FAILED_AUTHENTICATION_DELAY_MS = define(
            "connection.failed.authentication.delay.ms", INT, "100", atLeast(0), STATIC,
            "How long a failed authentication waits before its answer and the close of its connection.");
    public static final ConfigKey<Integer> NUM_NETWORK_THREADS = define("num.network.threads", INT, "3", atLeast(1),
            DYNAMIC, "Netty event loop threads. Dynamic as in Kafka, but a dynamic value is only stored and described: the "
            + "event loops keep the size server.properties gave them (a Netty group cannot be resized).");
    public static final ConfigKey<Integer> NUM_IO_THREADS = define("num.io.threads", INT, "8", atLeast(1), DYNAMIC,
            "Threads for blocking work (disk, ZooKeeper); a dynamic change resizes the pool at once (work in flight finishes).");
    public static final ConfigKey<String> ZOOKEEPER_CONNECT = define("zookeeper.connect", STRING, "", STATIC,
            "External ZooKeeper ensemble; empty starts an embedded one.");
    public static final ConfigKey<Integer> ZOOKEEPER_EMBEDDED_PORT = define("zookeeper.embedded.port", INT, "2181",
            between(0, 65535), STATIC, "Port of the embedded ZooKeeper (0: any free port); Wharf's own key.");
    public static final ConfigKey<Integer> METRICS_PROMETHEUS_PORT = define("metrics.prometheus.port", INT, "-1",
            between(-1, 65535), STATIC, "Port of the Prometheus /metrics endpoint (-1: off; 0: any free port); Wharf's own key.");
    public static final ConfigKey<String> METRICS_PROMETHEUS_HOST = define("metrics.prometheus.host", STRING, "127.0.0.1",
            STATIC, "Address the Prometheus endpoint listens on; Wharf's own key.");
    public static final ConfigKey<Integer> ZOOKEEPER_SESSION_TIMEOUT_MS = define("zookeeper.session.timeout.ms", INT,
            "18000", atLeast(1), STATIC, "ZooKeeper session timeout.");
    public static final ConfigKey<Boolean> CONTROLLED_SHUTDOWN_ENABLE = define("controlled.shutdown.enable", BOOLEAN,
            "true", STATIC, "On SIGTERM, first move this broker's leadership to other in-sync replicas and leave the ISRs.");
    public static final ConfigKey<Integer> CONTROLLED_SHUTDOWN_MAX_RETRIES = define("controlled.shutdown.max.retries",
            INT, "3", atLeast(0), STATIC, "With controlled.shutdown.retry.backoff.ms, bounds how long a controlled "
            + "shutdown waits for its leadership to move (retries x backoff) before stopping anyway.");
    public static final ConfigKey<Long> CONTROLLED_SHUTDOWN_RETRY_BACKOFF_MS = define(
            "controlled.shutdown.retry.backoff.ms", LONG, "5000", atLeast(0), STATIC, "See controlled.shutdown.max.retries.");
    public static final ConfigKey<Boolean> AUTO_LEADER_REBALANCE_ENABLE = define("auto.leader.rebalance.enable", BOOLEAN,
            "true", STATIC, "The controller moves leadership back to preferred replicas (the first assigned) when a "
            + "broker leads less than its share.");
    public static final ConfigKey<Integer> LEADER_IMBALANCE_PER_BROKER_PERCENTAGE = define(
            "leader.imbalance.per.broker.percentage", INT, "10", between(0, 100), STATIC,
            "The share of a broker's preferred partitions led elsewhere above which they are moved back.");
    public static final ConfigKey<Long> LEADER_IMBALANCE_CHECK_INTERVAL_SECONDS = define(
            "leader.imbalance.check.interval.seconds", LONG, "300", atLeast(1), STATIC,
            "How often the controller looks for leadership away from preferred replicas.");
    public static final ConfigKey<String> REPLICA_SELECTOR_CLASS = define("replica.selector.class", STRING, "",
            oneOf("", RACK_AWARE_REPLICA_SELECTOR, "org.apache.kafka.common.replica.LeaderSelector"), STATIC,
            "Where consumers read (KIP-392): empty or LeaderSelector, the leader; RackAwareReplicaSelector, an in-sync "
            + "replica in the consumer's client.rack when there is one.");
    /** The authorizer names that turn Wharf's ACL authorizer on: Kafka's two, and Wharf's own. */
    public static final List<String> ACL_AUTHORIZERS = List.of("org.apache.kafka.metadata.authorizer.StandardAuthorizer",
            "kafka.security.authorizer.AclAuthorizer", "dev.wharf.server.security.acl.AclAuthorizer");
    public static final ConfigKey<String> AUTHORIZER_CLASS_NAME = define("authorizer.class.name", STRING, "",
            oneOf("", ACL_AUTHORIZERS.get(0), ACL_AUTHORIZERS.get(1), ACL_AUTHORIZERS.get(2)), STATIC,
            "Empty: no authorization, every client may do everything and the ACL APIs answer SECURITY_DISABLED. "
            + "StandardAuthorizer, AclAuthorizer (Kafka's names) or Wharf's: ACLs, kept in ZooKeeper as Kafka's "
            + "ZooKeeper mode keeps them, are checked on every request.");
    public static final ConfigKey<String> SUPER_USERS = define("super.users", STRING, "", STATIC,
            "Principals that may do everything, whatever the ACLs say, separated by semicolons (User:admin;User:ops).");
    public static final ConfigKey<Boolean> ALLOW_EVERYONE_IF_NO_ACL_FOUND = define("allow.everyone.if.no.acl.found",
            BOOLEAN, "false", STATIC, "Whether a resource no ACL covers is open to everyone (else only to super users).");
    public static final ConfigKey<Integer> OFFSETS_COMMIT_TIMEOUT_MS = define("offsets.commit.timeout.ms", INT, "5000",
            atLeast(1), STATIC, "How long a group write waits for the ISR of its __consumer_offsets partition.");
    public static final ConfigKey<Integer> OFFSETS_TOPIC_NUM_PARTITIONS = define("offsets.topic.num.partitions", INT,
            "50", atLeast(1), STATIC, "Partitions of __consumer_offsets.");
    public static final ConfigKey<Integer> OFFSETS_TOPIC_REPLICATION_FACTOR = define("offsets.topic.replication.factor",
            INT, "3", atLeast(1), STATIC, "Replicas of __consumer_offsets. Until this many brokers are registered, "
            + "the topic is not created and FindCoordinator answers COORDINATOR_NOT_AVAILABLE (1 for a single broker).");
    public static final ConfigKey<Integer> OFFSETS_TOPIC_SEGMENT_BYTES = define("offsets.topic.segment.bytes", INT,
            "104857600", atLeast(1), STATIC,
            "Segment size of __consumer_offsets (compacted by the log cleaner).");
    public static final ConfigKey<Integer> TRANSACTION_STATE_LOG_NUM_PARTITIONS = define(
            "transaction.state.log.num.partitions", INT, "50", atLeast(1), STATIC, "Partitions of __transaction_state.");
    public static final ConfigKey<Integer> TRANSACTION_STATE_LOG_REPLICATION_FACTOR = define(
            "transaction.state.log.replication.factor", INT, "3", atLeast(1), STATIC,
            "Replicas of __transaction_state. Until this many brokers are registered, the topic is not created and "
            + "FindCoordinator for a transactional id answers COORDINATOR_NOT_AVAILABLE (1 for a single broker).");
    public static final ConfigKey<Integer> TRANSACTION_STATE_LOG_MIN_ISR = define("transaction.state.log.min.isr", INT,
            "2", atLeast(1), STATIC, "min.insync.replicas of __transaction_state.");
    public static final ConfigKey<Integer> TRANSACTION_STATE_LOG_SEGMENT_BYTES = define(
            "transaction.state.log.segment.bytes", INT, "104857600", atLeast(1), STATIC,
            "Segment size of __transaction_state (compacted by the log cleaner).");
    public static final ConfigKey<Integer> TRANSACTION_MAX_TIMEOUT_MS = define("transaction.max.timeout.ms", INT,
            "900000", atLeast(1), STATIC, "Largest transaction.timeout.ms a producer may ask for (else INVALID_TRANSACTION_TIMEOUT).");
    public static final ConfigKey<Integer> TRANSACTION_ABORT_TIMED_OUT_INTERVAL_MS = define(
            "transaction.abort.timed.out.transaction.cleanup.interval.ms", INT, "10000", atLeast(1), STATIC,
            "How often transactions older than their timeout are looked for and aborted.");
    public static final ConfigKey<Long> TRANSACTIONAL_ID_EXPIRATION_MS = define("transactional.id.expiration.ms", LONG,
            "604800000", atLeast(1), STATIC, "A transactional id idle (no transaction open) this long is forgotten.");
    public static final ConfigKey<Integer> TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS = define(
            "transaction.remove.expired.transaction.cleanup.interval.ms", INT, "3600000", atLeast(1), STATIC,
            "How often expired transactional ids are looked for.");
    public static final ConfigKey<Boolean> TRANSACTION_PARTITION_VERIFICATION_ENABLE = define(
            "transaction.partition.verification.enable", BOOLEAN, "true", STATIC,
            "A partition leader asks the coordinator before a transactional batch opens a transaction (KIP-890).");
    public static final ConfigKey<Integer> TRANSACTION_VERSION = define("transaction.version", INT, "2", between(0, 2),
            STATIC, "Wharf's own key: the finalized transaction.version feature clients see in ApiVersions (Kafka "
            + "finalizes it with kafka-features). 2: Java clients 4.0+ use transaction version 2 (KIP-890, an epoch "
            + "bump per transaction); 0 or 1: version 1.");
    public static final ConfigKey<Long> OFFSETS_RETENTION_MINUTES = define("offsets.retention.minutes", LONG, "10080",
            atLeast(1), STATIC, "Committed offsets of empty groups are kept this long.");
    public static final ConfigKey<Long> OFFSETS_RETENTION_CHECK_INTERVAL_MS = define(
            "offsets.retention.check.interval.ms", LONG, "600000", atLeast(1), STATIC,
            "How often expired offsets are looked for.");
    public static final ConfigKey<Integer> OFFSET_METADATA_MAX_BYTES = define("offset.metadata.max.bytes", INT, "4096",
            atLeast(0), STATIC, "Largest metadata string of a committed offset.");
    public static final ConfigKey<Integer> GROUP_MIN_SESSION_TIMEOUT_MS = define("group.min.session.timeout.ms", INT,
            "6000", atLeast(0), STATIC, "Smallest session timeout a member may ask for.");
    public static final ConfigKey<Integer> GROUP_MAX_SESSION_TIMEOUT_MS = define("group.max.session.timeout.ms", INT,
            "1800000", atLeast(0), STATIC, "Largest session timeout a member may ask for.");
    public static final ConfigKey<Integer> GROUP_INITIAL_REBALANCE_DELAY_MS = define(
            "group.initial.rebalance.delay.ms", INT, "3000", atLeast(0), STATIC,
            "How long the first rebalance of an empty group waits for more members.");
    public static final ConfigKey<Integer> GROUP_MAX_SIZE = define("group.max.size", INT, "2147483647", atLeast(1),
            STATIC, "Most members a group may have.");
    public static final ConfigKey<List<String>> GROUP_COORDINATOR_REBALANCE_PROTOCOLS = define(
            "group.coordinator.rebalance.protocols", LIST, "classic,consumer,streams",
            v -> !v.contains("classic") ? "Disabling the 'classic' protocol is not supported"
                    : eachOneOf("classic", "consumer", "share", "streams").problem(v),
            STATIC, "The group protocols served: consumer (KIP-848) and streams (KIP-1071) besides classic, each also "
                    + "needing its feature (group.version, streams.version) finalized; share groups follow share.version.");
    // ---- consumer groups (KIP-848) ----
    public static final ConfigKey<Integer> GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS = define(
            "group.consumer.heartbeat.interval.ms", INT, "5000", atLeast(1), STATIC,
            "How often members of consumer groups (group.protocol=consumer) heartbeat.");
    public static final ConfigKey<Integer> GROUP_CONSUMER_SESSION_TIMEOUT_MS = define(
            "group.consumer.session.timeout.ms", INT, "45000", atLeast(1), STATIC,
            "How long a consumer group member may go without a heartbeat before it is removed.");
    public static final ConfigKey<Integer> GROUP_CONSUMER_MAX_SIZE = define("group.consumer.max.size", INT,
            "2147483647", atLeast(1), STATIC, "Most members a consumer group may have.");
    public static final ConfigKey<List<String>> GROUP_CONSUMER_ASSIGNORS = define("group.consumer.assignors", LIST,
            "uniform,range", STATIC, "The server-side assignors, the first being the default (uniform, range, or "
                    + "Kafka's class names for them).");
    public static final ConfigKey<String> GROUP_CONSUMER_MIGRATION_POLICY = define("group.consumer.migration.policy",
            STRING, "bidirectional", oneOf("disabled", "upgrade", "downgrade", "bidirectional"), STATIC,
            "Whether an empty classic group may become a consumer group (upgrade) and back (downgrade).");

    public static final ConfigKey<Integer> PRODUCER_ID_EXPIRATION_MS = define("producer.id.expiration.ms", INT,
            "86400000", atLeast(1), DYNAMIC, "Idle time after which a producer's state is forgotten.");
    public static final ConfigKey<Integer> PRODUCER_ID_EXPIRATION_CHECK_INTERVAL_MS = define(
            "producer.id.expiration.check.interval.ms", INT, "600000", atLeast(1), STATIC,
            "How often idle producers are looked for.");
    public static final ConfigKey<Long> REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS = define(
            "replica.high.watermark.checkpoint.interval.ms", LONG, "5000", atLeast(1), STATIC,
            "How often each log directory's replication-offset-checkpoint is written.");
    public static final ConfigKey<String> INTER_BROKER_LISTENER_NAME = define("inter.broker.listener.name", STRING, "",
            STATIC, "The listener followers fetch from their leaders through (default: PLAINTEXT, else the first).");
    public static final ConfigKey<Long> REPLICA_LAG_TIME_MAX_MS = define("replica.lag.time.max.ms", LONG, "30000",
            atLeast(1), STATIC, "A follower not caught up for this long leaves the ISR.");
    public static final ConfigKey<Integer> REPLICA_FETCH_WAIT_MAX_MS = define("replica.fetch.wait.max.ms", INT, "500",
            atLeast(0), STATIC, "Longest a follower's fetch waits at the leader for new records.");
    public static final ConfigKey<Integer> REPLICA_FETCH_MIN_BYTES = define("replica.fetch.min.bytes", INT, "1",
            atLeast(1), STATIC, "Bytes a follower's fetch waits for.");
    public static final ConfigKey<Integer> REPLICA_FETCH_MAX_BYTES = define("replica.fetch.max.bytes", INT, "1048576",
            atLeast(0), STATIC, "Bytes a follower fetches per partition (a larger first batch still comes whole).");
    public static final ConfigKey<Integer> REPLICA_FETCH_RESPONSE_MAX_BYTES = define("replica.fetch.response.max.bytes",
            INT, "10485760", atLeast(0), STATIC, "Bytes a follower's fetch response holds at most.");
    public static final ConfigKey<Integer> REPLICA_FETCH_BACKOFF_MS = define("replica.fetch.backoff.ms", INT, "1000",
            atLeast(0), STATIC, "Pause after a follower's fetch failed.");
    public static final ConfigKey<Integer> REPLICA_SOCKET_TIMEOUT_MS = define("replica.socket.timeout.ms", INT, "30000",
            atLeast(1), STATIC, "How long a follower waits for the leader's answer.");
    public static final ConfigKey<Integer> NUM_REPLICA_FETCHERS = define("num.replica.fetchers", INT, "1", atLeast(1),
            DYNAMIC, "Stored and described: each source broker has one fetcher.");
    public static final ConfigKey<Integer> MAX_INCREMENTAL_FETCH_SESSION_CACHE_SLOTS = define(
            "max.incremental.fetch.session.cache.slots", INT, "1000", atLeast(0), STATIC,
            "Incremental fetch sessions kept.");

    // share groups (KIP-932): Kafka's names and defaults
    public static final ConfigKey<Integer> GROUP_SHARE_RECORD_LOCK_DURATION_MS = define(
            "group.share.record.lock.duration.ms", INT, "30000", atLeast(1000), STATIC,
            "How long a share consumer holds records it acquired before they go to another.");
    public static final ConfigKey<Integer> GROUP_SHARE_MIN_RECORD_LOCK_DURATION_MS = define(
            "group.share.min.record.lock.duration.ms", INT, "15000", atLeast(1000), STATIC,
            "Smallest share.record.lock.duration.ms a share group may set.");
    public static final ConfigKey<Integer> GROUP_SHARE_MAX_RECORD_LOCK_DURATION_MS = define(
            "group.share.max.record.lock.duration.ms", INT, "60000", atLeast(1000), STATIC,
            "Largest share.record.lock.duration.ms a share group may set.");
    public static final ConfigKey<Integer> GROUP_SHARE_DELIVERY_COUNT_LIMIT = define(
            "group.share.delivery.count.limit", INT, "5", atLeast(2), STATIC,
            "Deliveries of a record to a share group before it is archived instead of delivered again.");
    public static final ConfigKey<Integer> GROUP_SHARE_PARTITION_MAX_RECORD_LOCKS = define(
            "group.share.partition.max.record.locks", INT, "2000", atLeast(100), STATIC,
            "In-flight records a share-partition holds at most.");
    public static final ConfigKey<Integer> GROUP_SHARE_SESSION_TIMEOUT_MS = define("group.share.session.timeout.ms",
            INT, "45000", atLeast(1), STATIC, "A share group member without a heartbeat for this long is removed.");
    public static final ConfigKey<Integer> GROUP_SHARE_MIN_SESSION_TIMEOUT_MS = define(
            "group.share.min.session.timeout.ms", INT, "45000", atLeast(1), STATIC,
            "Smallest share.session.timeout.ms a share group may set.");
    public static final ConfigKey<Integer> GROUP_SHARE_MAX_SESSION_TIMEOUT_MS = define(
            "group.share.max.session.timeout.ms", INT, "60000", atLeast(1), STATIC,
            "Largest share.session.timeout.ms a share group may set.");
    public static final ConfigKey<Integer> GROUP_SHARE_MIN_HEARTBEAT_INTERVAL_MS = define(
            "group.share.min.heartbeat.interval.ms", INT, "5000", atLeast(1), STATIC,
            "Smallest share.heartbeat.interval.ms a share group may set.");
    public static final ConfigKey<Integer> GROUP_SHARE_MAX_HEARTBEAT_INTERVAL_MS = define(
            "group.share.max.heartbeat.interval.ms", INT, "15000", atLeast(1), STATIC,
            "Largest share.heartbeat.interval.ms a share group may set.");
    public static final ConfigKey<Integer> GROUP_SHARE_HEARTBEAT_INTERVAL_MS = define(
            "group.share.heartbeat.interval.ms", INT, "5000", atLeast(1), STATIC,
            "The heartbeat interval given to share group members.");
    public static final ConfigKey<Integer> GROUP_SHARE_MAX_SIZE = define("group.share.max.size", INT, "200",
            atLeast(1), STATIC, "Most members a share group may have.");
    public static final ConfigKey<Integer> GROUP_SHARE_MAX_SHARE_SESSIONS = define("group.share.max.share.sessions",
            INT, "2000", atLeast(1), STATIC, "Share sessions a broker keeps at most.");

    // replication quotas: Kafka keeps these as dynamic broker configs only (kafka-configs sets them)
    public static final ConfigKey<Long> LEADER_REPLICATION_THROTTLED_RATE = define("leader.replication.throttled.rate",
            LONG, Long.toString(Long.MAX_VALUE), atLeast(0), DYNAMIC,
            "Bytes per second a leader sends to followers of the replicas a topic's leader.replication.throttled.replicas lists.");
    public static final ConfigKey<Long> FOLLOWER_REPLICATION_THROTTLED_RATE = define(
            "follower.replication.throttled.rate", LONG, Long.toString(Long.MAX_VALUE), atLeast(0), DYNAMIC,
            "Bytes per second a follower fetches for the replicas a topic's follower.replication.throttled.replicas lists.");
    public static final ConfigKey<Long> REPLICA_ALTER_LOG_DIRS_IO_MAX_BYTES_PER_SECOND = define(
            "replica.alter.log.dirs.io.max.bytes.per.second", LONG, Long.toString(Long.MAX_VALUE), atLeast(0), DYNAMIC,
            "Bytes per second a move of replicas between this broker's log directories (AlterReplicaLogDirs) copies.");

    // client quotas (KIP-13, KIP-124): rates are measured over quota.window.num windows of quota.window.size.seconds
    public static final ConfigKey<Integer> QUOTA_WINDOW_NUM = define("quota.window.num", INT, "11", atLeast(1), STATIC,
            "Windows a client's produce, fetch and request-time rates are measured over.");
    public static final ConfigKey<Integer> QUOTA_WINDOW_SIZE_SECONDS = define("quota.window.size.seconds", INT, "1",
            atLeast(1), STATIC, "Length of each window client quotas are measured in.");
    public static final ConfigKey<Integer> CONTROLLER_QUOTA_WINDOW_NUM = define("controller.quota.window.num", INT, "11",
            atLeast(1), STATIC, "With controller.quota.window.size.seconds, how many seconds of a client's "
                    + "controller_mutation_rate may be spent at once (the token bucket's size, KIP-599).");
    public static final ConfigKey<Integer> CONTROLLER_QUOTA_WINDOW_SIZE_SECONDS = define(
            "controller.quota.window.size.seconds", INT, "1", atLeast(1), STATIC,
            "See controller.quota.window.num.");

    // streams groups (KIP-1071): Kafka's group.streams.* keys and defaults
    public static final ConfigKey<Integer> GROUP_STREAMS_SESSION_TIMEOUT_MS = define("group.streams.session.timeout.ms",
            INT, "45000", atLeast(1), STATIC, "A streams group member is removed if it does not heartbeat this long.");
    public static final ConfigKey<Integer> GROUP_STREAMS_MIN_SESSION_TIMEOUT_MS = define(
            "group.streams.min.session.timeout.ms", INT, "45000", atLeast(1), STATIC,
            "Smallest session timeout of streams groups.");
    public static final ConfigKey<Integer> GROUP_STREAMS_MAX_SESSION_TIMEOUT_MS = define(
            "group.streams.max.session.timeout.ms", INT, "60000", atLeast(1), STATIC,
            "Largest session timeout of streams groups.");
    public static final ConfigKey<Integer> GROUP_STREAMS_HEARTBEAT_INTERVAL_MS = define(
            "group.streams.heartbeat.interval.ms", INT, "5000", atLeast(1), STATIC,
            "How often streams group members heartbeat.");
    public static final ConfigKey<Integer> GROUP_STREAMS_MIN_HEARTBEAT_INTERVAL_MS = define(
            "group.streams.min.heartbeat.interval.ms", INT, "5000", atLeast(1), STATIC,
            "Smallest heartbeat interval of streams groups.");
    public static final ConfigKey<Integer> GROUP_STREAMS_MAX_HEARTBEAT_INTERVAL_MS = define(
            "group.streams.max.heartbeat.interval.ms", INT, "15000", atLeast(1), STATIC,
            "Largest heartbeat interval of streams groups.");
    public static final ConfigKey<Integer> GROUP_STREAMS_MAX_SIZE = define("group.streams.max.size", INT, "2147483647",
            atLeast(1), STATIC, "Most members a streams group may have.");
    public static final ConfigKey<Integer> GROUP_STREAMS_NUM_STANDBY_REPLICAS = define(
            "group.streams.num.standby.replicas", INT, "0", atLeast(0), STATIC,
            "Standby copies of each task of a streams group.");
    public static final ConfigKey<Integer> GROUP_STREAMS_MAX_STANDBY_REPLICAS = define(
            "group.streams.max.standby.replicas", INT, "2", atLeast(0), STATIC,
            "Most standby copies of a task group.streams.num.standby.replicas may ask for.");
    public static final ConfigKey<Integer> GROUP_STREAMS_INITIAL_REBALANCE_DELAY_MS = define(
            "group.streams.initial.rebalance.delay.ms", INT, "3000", atLeast(0), STATIC,
            "How long the first assignment of an empty streams group waits for more members.");
    public static final ConfigKey<Long> GROUP_STREAMS_ACCEPTABLE_RECOVERY_LAG = define(
            "group.streams.acceptable.recovery.lag", LONG, "10000", atLeast(0), STATIC,
            "The lag (offsets to catch up) within which a streams group member counts as caught up on a task.");
    public static final ConfigKey<Integer> GROUP_STREAMS_TASK_OFFSET_INTERVAL_MS = define(
            "group.streams.task.offset.interval.ms", INT, "60000", atLeast(1), STATIC,
            "How often streams group members report their tasks' changelog offsets.");

    public static final ConfigKey<List<String>> SCHEMA_REGISTRY_LISTENERS = define("schema.registry.listeners", LIST, "",
            STATIC, "Where the built-in schema registry (Confluent's REST API) listens: http://host:port; empty: off.");
    public static final ConfigKey<String> SCHEMA_REGISTRY_TOPIC = define("schema.registry.topic", STRING, "_schemas", STATIC,
            "The compacted topic the registry keeps its schemas in.");
    public static final ConfigKey<Integer> SCHEMA_REGISTRY_TOPIC_REPLICATION_FACTOR = define(
            "schema.registry.topic.replication.factor", INT, "3", atLeast(1), STATIC, "Replicas of the registry's topic.");
    public static final ConfigKey<String> SCHEMA_REGISTRY_COMPATIBILITY_LEVEL = define("schema.registry.compatibility.level",
            STRING, "BACKWARD", STATIC, "The registry's compatibility level until PUT /config sets one.");
    public static final ConfigKey<String> SCHEMA_REGISTRY_AUTHENTICATION_METHOD = define("schema.registry.authentication.method",
            STRING, "NONE", oneOf("NONE", "BASIC"), STATIC, "BASIC: callers authenticate as the broker's SCRAM users.");

    /** The keys DescribeConfigs shows for a broker, in this order. */
    public static final List<ConfigKey<?>> DESCRIBED = List.of(BROKER_ID, LISTENERS, LOG_DIRS, NUM_PARTITIONS,
            DEFAULT_REPLICATION_FACTOR, AUTO_CREATE_TOPICS_ENABLE, LOG_RETENTION_HOURS, LOG_RETENTION_BYTES,
            LOG_SEGMENT_BYTES, MESSAGE_MAX_BYTES, SOCKET_REQUEST_MAX_BYTES, ZOOKEEPER_CONNECT, CONNECTIONS_MAX_IDLE_MS);

    private BrokerKeys() {}

    /** The key of that name, or null when Wharf does not read it. */
    public static ConfigKey<?> byName(String name) {
        return BY_NAME.get(name);
    }

    /** Every broker key, in definition order. */
    public static List<ConfigKey<?>> all() {
        return List.copyOf(BY_NAME.values());
    }

    private static <T> ConfigKey<T> define(String name, ConfigType<T> type, String defaultValue, boolean dynamic,
            String doc) {
        return define(name, type, defaultValue, Validator.any(), dynamic, doc);
    }

    private static <T> ConfigKey<T> define(String name, ConfigType<T> type, String defaultValue,
            Validator<? super T> validator, boolean dynamic, String doc) {
        ConfigKey<T> key = new ConfigKey<>(name, type, defaultValue, validator, dynamic, doc);
        if (BY_NAME.put(name, key) != null) {
            throw new IllegalStateException("broker key " + name + " defined twice");
        }
        return key;
    }
}

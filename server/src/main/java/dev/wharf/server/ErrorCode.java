package dev.wharf.server;

import dev.wharf.controller.InconsistentRacksException;
import dev.wharf.controller.InvalidPartitionsException;
import dev.wharf.controller.InvalidReplicaAssignmentException;
import dev.wharf.controller.InvalidReplicationFactorException;
import dev.wharf.controller.TopicExistsException;
import dev.wharf.server.config.ConfigException;
import dev.wharf.wire.protocol.UnsupportedVersionException;
import dev.wharf.wire.records.CorruptRecordException;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * Kafka's error codes, as the protocol numbers them: the one table of them in Wharf's main code
 * (only the codes Wharf answers with; names as in kafka-clients' {@code Errors}, which a test
 * checks), and the one mapping from exceptions to codes ({@link #forException}).
 */
public enum ErrorCode {
    UNKNOWN_SERVER_ERROR(-1),
    NONE(0),
    OFFSET_OUT_OF_RANGE(1),
    CORRUPT_MESSAGE(2),
    UNKNOWN_TOPIC_OR_PARTITION(3),
    INVALID_FETCH_SIZE(4),
    LEADER_NOT_AVAILABLE(5),
    NOT_LEADER_OR_FOLLOWER(6),
    REQUEST_TIMED_OUT(7),
    MESSAGE_TOO_LARGE(10),
    OFFSET_METADATA_TOO_LARGE(12),
    COORDINATOR_LOAD_IN_PROGRESS(14),
    COORDINATOR_NOT_AVAILABLE(15),
    NOT_COORDINATOR(16),
    INVALID_TOPIC_EXCEPTION(17),
    RECORD_LIST_TOO_LARGE(18),
    INVALID_REQUIRED_ACKS(21),
    ILLEGAL_GENERATION(22),
    INCONSISTENT_GROUP_PROTOCOL(23),
    INVALID_GROUP_ID(24),
    UNKNOWN_MEMBER_ID(25),
    INVALID_SESSION_TIMEOUT(26),
    REBALANCE_IN_PROGRESS(27),
    INVALID_TIMESTAMP(32),
    UNSUPPORTED_SASL_MECHANISM(33),
    ILLEGAL_SASL_STATE(34),
    UNSUPPORTED_VERSION(35),
    TOPIC_ALREADY_EXISTS(36),
    INVALID_PARTITIONS(37),
    INVALID_REPLICATION_FACTOR(38),
    INVALID_REPLICA_ASSIGNMENT(39),
    INVALID_CONFIG(40),
    NOT_CONTROLLER(41),
    INVALID_REQUEST(42),
    UNSUPPORTED_FOR_MESSAGE_FORMAT(43),
    NOT_ENOUGH_REPLICAS(19),
    NOT_ENOUGH_REPLICAS_AFTER_APPEND(20),
    REPLICA_NOT_AVAILABLE(9),
    POLICY_VIOLATION(44),
    OUT_OF_ORDER_SEQUENCE_NUMBER(45),
    DUPLICATE_SEQUENCE_NUMBER(46),
    INVALID_PRODUCER_EPOCH(47),
    INVALID_TXN_STATE(48),
    INVALID_PRODUCER_ID_MAPPING(49),
    INVALID_TRANSACTION_TIMEOUT(50),
    CONCURRENT_TRANSACTIONS(51),
    TRANSACTION_COORDINATOR_FENCED(52),
    TOPIC_AUTHORIZATION_FAILED(29),
    GROUP_AUTHORIZATION_FAILED(30),
    CLUSTER_AUTHORIZATION_FAILED(31),
    TRANSACTIONAL_ID_AUTHORIZATION_FAILED(53),
    SECURITY_DISABLED(54),
    OPERATION_NOT_ATTEMPTED(55),
    KAFKA_STORAGE_ERROR(56),
    LOG_DIR_NOT_FOUND(57),
    SASL_AUTHENTICATION_FAILED(58),
    NON_EMPTY_GROUP(68),
    FETCH_SESSION_ID_NOT_FOUND(70),
    INVALID_FETCH_SESSION_EPOCH(71),
    GROUP_ID_NOT_FOUND(69),
    FENCED_LEADER_EPOCH(74),
    PREFERRED_LEADER_NOT_AVAILABLE(80),
    ELIGIBLE_LEADERS_NOT_AVAILABLE(83),
    ELECTION_NOT_NEEDED(84),
    NO_REASSIGNMENT_IN_PROGRESS(85),
    UNKNOWN_LEADER_EPOCH(75),
    UNSUPPORTED_COMPRESSION_TYPE(76),
    MEMBER_ID_REQUIRED(79),
    GROUP_MAX_SIZE_REACHED(81),
    FENCED_INSTANCE_ID(82),
    GROUP_SUBSCRIBED_TO_TOPIC(86),
    INVALID_RECORD(87),
    UNSTABLE_OFFSET_COMMIT(88),
    THROTTLING_QUOTA_EXCEEDED(89),
    PRODUCER_FENCED(90),
    RESOURCE_NOT_FOUND(91),
    DUPLICATE_RESOURCE(92),
    UNACCEPTABLE_CREDENTIAL(93),
    INVALID_UPDATE_VERSION(95),
    FEATURE_UPDATE_FAILED(96),
    UNKNOWN_TOPIC_ID(100),
    TRANSACTIONAL_ID_NOT_FOUND(105),
    // KIP-848, KIP-932 and KIP-1071 membership and share groups
    FENCED_MEMBER_EPOCH(110),
    UNRELEASED_INSTANCE_ID(111),
    UNSUPPORTED_ASSIGNOR(112),
    STALE_MEMBER_EPOCH(113),
    TRANSACTION_ABORTABLE(120),
    INVALID_RECORD_STATE(121),
    SHARE_SESSION_NOT_FOUND(122),
    INVALID_SHARE_SESSION_EPOCH(123),
    FENCED_STATE_EPOCH(124),
    INVALID_REGULAR_EXPRESSION(128),
    STREAMS_INVALID_TOPOLOGY(130),
    SHARE_SESSION_LIMIT_REACHED(133);

    /** The longest error message sent (in UTF-16 chars: at most 3 UTF-8 bytes each, far below 32,767). */
    public static final int MAX_MESSAGE_CHARS = 1_000;

    /** Exceptions with a code of their own; subclasses share their parent's code. */
    private static final Map<Class<? extends Throwable>, ErrorCode> BY_EXCEPTION = Map.of(
            ConfigException.class, INVALID_CONFIG,
            TopicExistsException.class, TOPIC_ALREADY_EXISTS,
            InvalidPartitionsException.class, INVALID_PARTITIONS,
            InvalidReplicationFactorException.class, INVALID_REPLICATION_FACTOR,
            InvalidReplicaAssignmentException.class, INVALID_REPLICA_ASSIGNMENT,
            InconsistentRacksException.class, INVALID_CONFIG,
            CorruptRecordException.class, CORRUPT_MESSAGE,
            UnsupportedVersionException.class, UNSUPPORTED_VERSION,
            dev.wharf.server.replica.NotLeaderException.class, NOT_LEADER_OR_FOLLOWER);

    public final short code;

    private static final Map<Short, ErrorCode> BY_CODE = java.util.Arrays.stream(values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(e -> e.code, e -> e));

    ErrorCode(int code) {
        this.code = (short) code;
    }

    /** The error with this code, UNKNOWN_SERVER_ERROR for one Wharf does not name (a peer's answer). */
    public static ErrorCode forCode(short code) {
        return BY_CODE.getOrDefault(code, UNKNOWN_SERVER_ERROR);
    }

    /**
     * The code a failure is answered with: that of the nearest class in its hierarchy with one
     * (looking through CompletionException and ExecutionException), else UNKNOWN_SERVER_ERROR.
     */
    public static ErrorCode forException(Throwable error) {
        for (Class<?> c = unwrap(error).getClass(); c != null; c = c.getSuperclass()) {
            ErrorCode code = BY_EXCEPTION.get(c);
            if (code != null) {
                return code;
            }
        }
        return UNKNOWN_SERVER_ERROR;
    }

    /**
     * The error message to send with {@link #forException}'s code: the exception's own message
     * when it has a code (it was written for the client), its class and message when it does not.
     */
    public static String messageFor(Throwable error) {
        Throwable e = unwrap(error);
        return clipped(forException(e) == UNKNOWN_SERVER_ERROR ? e.toString() : e.getMessage());
    }

    /**
     * {@code message} cut to {@link #MAX_MESSAGE_CHARS}: messages quote what clients sent (names,
     * config values), which may be as long as a string can be, and a response string holds at most
     * 32,767 bytes; a message past that could not be sent at all.
     */
    public static String clipped(String message) {
        if (message == null || message.length() <= MAX_MESSAGE_CHARS) {
            return message;
        }
        return message.substring(0, MAX_MESSAGE_CHARS) + "... (" + message.length() + " characters)";
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}

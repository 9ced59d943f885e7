package dev.wharf.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wharf.controller.InconsistentRacksException;
import dev.wharf.controller.InvalidPartitionsException;
import dev.wharf.controller.InvalidReplicaAssignmentException;
import dev.wharf.controller.InvalidReplicationFactorException;
import dev.wharf.controller.TopicExistsException;
import dev.wharf.server.config.ConfigException;
import dev.wharf.wire.records.CorruptRecordException;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Wharf's error table against kafka-clients' Errors, and the exception mapping. */
class ErrorCodeTest {
    // Every code Wharf sends has Kafka's name and number.
    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void matchesKafkaClients(ErrorCode code) {
        assertEquals(Errors.valueOf(code.name()).code(), code.code);
    }

    // Exceptions map by class hierarchy, through completion wrappers; anything else is UNKNOWN_SERVER_ERROR.
    @Test
    void forException() {
        assertEquals(ErrorCode.INVALID_CONFIG, ErrorCode.forException(new ConfigException("bad")));
        assertEquals(ErrorCode.TOPIC_ALREADY_EXISTS,
                ErrorCode.forException(new CompletionException(new TopicExistsException("t"))));
        assertEquals(ErrorCode.CORRUPT_MESSAGE, ErrorCode.forException(new CorruptRecordException("crc")));
        assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR, ErrorCode.forException(new IllegalStateException("x")));
        assertEquals(ErrorCode.UNKNOWN_SERVER_ERROR, ErrorCode.forException(new IllegalArgumentException("x")));
        // placement's exceptions are IllegalArgumentExceptions, each with its own code
        assertEquals(ErrorCode.INVALID_REPLICATION_FACTOR,
                ErrorCode.forException(new InvalidReplicationFactorException("Replication factor: 3 larger than available brokers: 2.")));
        assertEquals(ErrorCode.INVALID_REPLICA_ASSIGNMENT, ErrorCode.forException(new InvalidReplicaAssignmentException("x")));
        assertEquals(ErrorCode.INVALID_PARTITIONS, ErrorCode.forException(new InvalidPartitionsException("x")));
        assertEquals(ErrorCode.INVALID_CONFIG, ErrorCode.forException(new InconsistentRacksException("x")));
        assertEquals("bad", ErrorCode.messageFor(new ConfigException("bad")));
        assertEquals("java.lang.IllegalStateException: x", ErrorCode.messageFor(new IllegalStateException("x")));
    }

    // A message quoting a client's longest string is cut, so a response string (at most 32,767 bytes) can carry it.
    @Test
    void longMessagesAreClipped() {
        String quoted = "Invalid value " + "\u4e2d".repeat(32_000) + " for retention.ms";
        String message = ErrorCode.messageFor(new ConfigException(quoted));
        assertEquals(true, message.getBytes(java.nio.charset.StandardCharsets.UTF_8).length < 32_767, "too long to send");
        assertEquals(true, message.startsWith("Invalid value "));
        assertEquals("short stays", ErrorCode.clipped("short stays"));
        assertEquals(null, ErrorCode.clipped(null));
    }
}

package dev.wharf.testing;

import dev.wharf.wire.message.ProduceRequest;
import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.Header;
import dev.wharf.wire.records.RecordBatchBuilder;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * One magic v2 record batch as a producer sends it, for raw Produce requests: records with
 * timestamps, keys, values and headers; optionally an idempotent producer's id, epoch and first
 * sequence; and, for tests of what clients must not send, the transactional and control flags.
 * Not thread-safe; one instance builds one batch.
 */
public final class ProduceBatch {
    private final RecordBatchBuilder builder;

    private ProduceBatch(CompressionType compression) {
        builder = new RecordBatchBuilder(compression);
    }

    /** An uncompressed batch from a producer that is not idempotent. */
    public static ProduceBatch create() {
        return new ProduceBatch(CompressionType.NONE);
    }

    public static ProduceBatch compressed(CompressionType compression) {
        return new ProduceBatch(compression);
    }

    /** The idempotent producer's identity: the batch's first record has sequence {@code firstSequence}. */
    public ProduceBatch producer(long producerId, short producerEpoch, int firstSequence) {
        builder.producer(producerId, producerEpoch, firstSequence);
        return this;
    }

    public ProduceBatch transactional() {
        builder.transactional(true);
        return this;
    }

    public ProduceBatch control() {
        builder.control(true);
        return this;
    }

    /** Appends a record; key, value and header values may be null. */
    public ProduceBatch record(long timestamp, byte[] key, byte[] value, List<Header> headers) {
        builder.append(timestamp, key, value, headers);
        return this;
    }

    /** Appends a record with UTF-8 key and value (either may be null). */
    public ProduceBatch record(long timestamp, String key, String value, Header... headers) {
        return record(timestamp, utf8(key), utf8(value), List.of(headers));
    }

    /** Appends a record with only a value, stamped now. */
    public ProduceBatch value(String value) {
        return record(System.currentTimeMillis(), null, value);
    }

    /** The finished batch in a new heap buffer. */
    public ByteBuf build() {
        return builder.build();
    }

    /** A Produce request (acks=all) carrying this batch to one partition. */
    public ProduceRequest request(String topic, int partition) {
        return request(topic, null, partition, build());
    }

    /**
     * A Produce request (acks=all) carrying {@code batch} to one partition of a topic named both
     * ways: by name (up to v12) and by id (v13 on, KIP-516). A null id leaves the id unset.
     */
    public static ProduceRequest request(String topic, UUID topicId, int partition, ByteBuf batch) {
        ProduceRequest.TopicProduceData data = new ProduceRequest.TopicProduceData().setName(topic)
                .setPartitionData(List.of(new ProduceRequest.PartitionProduceData().setIndex(partition)
                        .setRecords(new BufferRecords(batch))));
        if (topicId != null) {
            data.setTopicId(topicId);
        }
        return new ProduceRequest().setAcks((short) -1).setTimeoutMs(10_000).setTopicData(List.of(data));
    }

    public static byte[] utf8(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }
}

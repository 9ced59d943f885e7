package dev.wharf.bench.e2e.ceiling;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every version the ceiling server advertises for Metadata and ListOffsets can be answered: a
 * client that picks an old one (librdkafka 2.0.2 picks Metadata v4, ListOffsets v2) must not get
 * a field its version lacks.
 */
class ProtocolTest {
    @TempDir
    Path dir;

    @Test
    void answersEveryAdvertisedVersion() throws IOException {
        try (FileChannel out = FileChannel.open(dir.resolve("00000000000000000000.log"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            out.write(MemoryRecords.withRecords(0, Compression.NONE, new SimpleRecord(new byte[10]), new SimpleRecord(new byte[10])).buffer());
        }
        try (SegmentedLog log = SegmentedLog.open(dir)) {
            Protocol protocol = new Protocol("t", 0, 9092, log);
            for (short v = ApiKeys.METADATA.oldestVersion(); v <= ApiKeys.METADATA.latestVersion(); v++) {
                short version = v;
                MetadataRequestData request = new MetadataRequestData()
                        .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("t")));
                MetadataResponseData answer = protocol.metadata(asRead(request, version), version);
                assertDoesNotThrow(() -> MessageUtil.toByteBufferAccessor(answer, version), "Metadata v" + version);
            }
            for (short v = ApiKeys.LIST_OFFSETS.oldestVersion(); v <= ApiKeys.LIST_OFFSETS.latestVersion(); v++) {
                short version = v;
                ListOffsetsRequestData request = new ListOffsetsRequestData().setTopics(List.of(new ListOffsetsRequestData.ListOffsetsTopic()
                        .setName("t").setPartitions(List.of(new ListOffsetsRequestData.ListOffsetsPartition().setTimestamp(-1)))));
                ListOffsetsResponseData answer = protocol.listOffsets(asRead(request, version), version);
                assertDoesNotThrow(() -> MessageUtil.toByteBufferAccessor(answer, version), "ListOffsets v" + version);
                assertEquals(2, answer.topics().get(0).partitions().get(0).offset());
            }
        }
    }

    private static ByteBufferAccessor asRead(Message request, short version) {
        ByteBuffer bytes = MessageUtil.toByteBufferAccessor(request, version).buffer();
        return new ByteBufferAccessor(bytes);
    }
}

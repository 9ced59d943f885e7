package dev.wharf.wire.frame;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.FetchResponse;
import dev.wharf.wire.message.ProduceRequest;
import dev.wharf.wire.message.RequestHeader;
import dev.wharf.wire.protocol.MalformedMessageException;
import dev.wharf.wire.protocol.UnknownApiKeyException;
import dev.wharf.wire.protocol.UnsupportedVersionException;
import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.FileRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Whole frames: headers plus bodies, zero-copy records in both directions, and bad frames. */
class FramesTest {
    @TempDir
    Path dir;

    private static byte[] kafkaBytes(Message header, short headerVersion, Message body, short version) {
        ObjectSerializationCache cache = new ObjectSerializationCache();
        int size = header.size(cache, headerVersion) + body.size(cache, version);
        ByteBuffer buf = ByteBuffer.allocate(size);
        ByteBufferAccessor out = new ByteBufferAccessor(buf);
        header.write(out, cache, headerVersion);
        body.write(out, cache, version);
        return buf.array();
    }

    private static MemoryRecords someRecords() {
        return MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(10L, "k1".getBytes(), "v1".getBytes()),
                new SimpleRecord(11L, "k2".getBytes(), "v2".getBytes()));
    }

    // A Produce request from the Java client decodes with its records as a slice of the frame: no copy.
    @Test
    void produceRecordsAreSlicesOfTheFrame() {
        short version = 11;
        MemoryRecords records = someRecords();
        ProduceRequestData body = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(30_000);
        body.topicData().add(new ProduceRequestData.TopicProduceData().setName("orders").setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(3).setRecords(records))));
        RequestHeaderData header = new RequestHeaderData().setRequestApiKey((short) 0).setRequestApiVersion(version)
                .setCorrelationId(99).setClientId("producer-1");
        ByteBuf frame = Unpooled.wrappedBuffer(kafkaBytes(header, (short) 2, body, version));

        Request request = RequestFrames.decode(frame);
        assertEquals(ApiKey.PRODUCE, request.api());
        assertEquals(99, request.correlationId());
        assertEquals("producer-1", request.header().clientId());
        ProduceRequest produce = (ProduceRequest) request.body();
        assertEquals((short) -1, produce.acks());
        ProduceRequest.PartitionProduceData partition = produce.topicData().get(0).partitionData().get(0);
        assertEquals(3, partition.index());
        ByteBuf slice = ((BufferRecords) partition.records()).buffer();
        assertSame(frame.array(), slice.array(), "records must alias the frame's memory");
        byte[] expected = new byte[records.sizeInBytes()];
        records.buffer().duplicate().get(expected);
        byte[] actual = new byte[slice.readableBytes()];
        slice.getBytes(slice.readerIndex(), actual);
        assertArrayEquals(expected, actual);
    }

    // A Fetch response with file-backed records is sent as buffer ranges and file regions whose bytes equal Kafka's encoding.
    @Test
    void fetchResponseKeepsFileRecordsAsFileParts() throws IOException {
        short version = 16;
        MemoryRecords records = someRecords();
        Path log = dir.resolve("00000000000000000000.log");
        byte[] garbage = {9, 9, 9};
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            ch.write(ByteBuffer.wrap(garbage));
            ch.write(records.buffer().duplicate());
        }
        Uuid topicId = Uuid.randomUuid();
        FetchResponseData kafka = new FetchResponseData().setSessionId(5);
        kafka.responses().add(new FetchResponseData.FetchableTopicResponse().setTopicId(topicId).setPartitions(List.of(
                new FetchResponseData.PartitionData().setPartitionIndex(0).setHighWatermark(2).setRecords(records))));
        byte[] expected = kafkaBytes(new ResponseHeaderData().setCorrelationId(77), (short) 1, kafka, version);

        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            FetchResponse ours = new FetchResponse().setSessionId(5).setResponses(List.of(
                    new FetchResponse.FetchableTopicResponse()
                            .setTopicId(new java.util.UUID(topicId.getMostSignificantBits(), topicId.getLeastSignificantBits()))
                            .setPartitions(List.of(new FetchResponse.PartitionData().setPartitionIndex(0).setHighWatermark(2)
                                    .setRecords(new FileRecords(ch, garbage.length, records.sizeInBytes()))))));
            EncodedResponse encoded = ResponseFrames.encode(ByteBufAllocator.DEFAULT, ApiKey.FETCH, version, 77, ours);
            try {
                assertEquals(records.sizeInBytes(), encoded.fileBytes());
                assertEquals(4 + expected.length, encoded.frameSize());

                // as ordered parts: buffer, file region, buffer
                List<Object> parts = encoded.parts();
                assertEquals(3, parts.size());
                FileRecords filePart = assertInstanceOf(FileRecords.class, parts.get(1));
                assertEquals(garbage.length, filePart.position());
                ByteArrayOutputStream sent = new ByteArrayOutputStream();
                for (Object part : parts) {
                    if (part instanceof ByteBuf b) {
                        b.getBytes(b.readerIndex(), sent, b.readableBytes());
                        b.release();
                    } else {
                        FileRecords f = (FileRecords) part;
                        ByteBuffer region = ByteBuffer.allocate(f.length());
                        f.channel().read(region, f.position());
                        sent.write(region.array());
                    }
                }
                assertFrame(expected, sent.toByteArray());

                // through a channel that takes at most 7 bytes a call, as a full socket would
                TrickleChannel socket = new TrickleChannel(7);
                long position = 0;
                while (position < encoded.frameSize()) {
                    long n = encoded.transferTo(socket, position);
                    assertTrue(n > 0, "no progress at " + position);
                    position += n;
                }
                assertFrame(expected, socket.bytes.toByteArray());
                // and again from the start, in one go
                TrickleChannel fast = new TrickleChannel(Integer.MAX_VALUE);
                assertEquals(encoded.frameSize(), encoded.transferTo(fast, 0));
                assertFrame(expected, fast.bytes.toByteArray());
            } finally {
                encoded.release();
            }
        }
    }

    private static void assertFrame(byte[] expectedBody, byte[] frame) {
        assertEquals(expectedBody.length, ByteBuffer.wrap(frame).getInt());
        assertArrayEquals(expectedBody, java.util.Arrays.copyOfRange(frame, 4, frame.length));
    }

    /** A channel that accepts at most {@code perCall} bytes per write, like a socket with a full buffer. */
    private static final class TrickleChannel implements WritableByteChannel {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final int perCall;

        TrickleChannel(int perCall) {
            this.perCall = perCall;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(perCall, src.remaining());
            for (int i = 0; i < n; i++) {
                bytes.write(src.get());
            }
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}
    }

    // A log file that lost the bytes being sent fails the send instead of spinning on zero-byte writes.
    @Test
    void truncatedLogFileFailsTheSend() throws IOException {
        Path log = dir.resolve("short.log");
        Files.write(log, new byte[10]);
        try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
            FetchResponse response = new FetchResponse().setResponses(List.of(new FetchResponse.FetchableTopicResponse()
                    .setPartitions(List.of(new FetchResponse.PartitionData().setRecords(new FileRecords(ch, 0, 100))))));
            EncodedResponse encoded = ResponseFrames.encode(ByteBufAllocator.DEFAULT, ApiKey.FETCH, (short) 16, 1, response);
            try {
                TrickleChannel socket = new TrickleChannel(Integer.MAX_VALUE);
                assertThrows(java.io.EOFException.class, () -> encoded.transferTo(socket, 0));
                assertThrows(IllegalArgumentException.class, () -> encoded.transferTo(socket, encoded.frameSize() + 1));
            } finally {
                encoded.release();
            }
        }
    }

    // In-memory record sets are held by the response until it is released, then let go.
    @Test
    void bufferRecordsAreRetainedUntilRelease() {
        ByteBuf records = Unpooled.directBuffer().writeBytes(someRecords().buffer());
        FetchResponse response = new FetchResponse().setResponses(List.of(new FetchResponse.FetchableTopicResponse()
                .setPartitions(List.of(new FetchResponse.PartitionData().setRecords(new BufferRecords(records))))));
        EncodedResponse encoded = ResponseFrames.encode(ByteBufAllocator.DEFAULT, ApiKey.FETCH, (short) 16, 1, response);
        assertEquals(2, records.refCnt());
        records.release(); // the handler is done with them; the response still holds them
        assertEquals(1, records.refCnt());
        encoded.release();
        assertEquals(0, records.refCnt());
    }

    // Requests Wharf encodes are what it decodes, header and body.
    @Test
    void requestEncodeDecodeRoundTrip() {
        RequestHeader header = new RequestHeader().setRequestApiKey(ApiKey.METADATA.id).setRequestApiVersion((short) 12)
                .setCorrelationId(4).setClientId("admin");
        ByteBuf frame = RequestFrames.encode(ByteBufAllocator.DEFAULT, header, new dev.wharf.wire.message.MetadataRequest());
        try {
            assertEquals(frame.readableBytes() - 4, frame.readInt());
            Request r = RequestFrames.decode(frame);
            assertEquals(ApiKey.METADATA, r.api());
            assertEquals(12, r.version());
            assertEquals(header, r.header());
        } finally {
            frame.release();
        }
    }

    // Unknown keys, unsupported versions and short frames each get their typed error; bytes after a
    // whole request are ignored, as Kafka ignores them (librdkafka's Metadata v13 with a null topic list).
    @Test
    void badFramesGetTypedErrors() {
        ByteBuf unknownKey = Unpooled.buffer().writeShort(999).writeShort(0).writeInt(1).writeShort(-1);
        assertEquals(999, assertThrows(UnknownApiKeyException.class, () -> RequestFrames.decode(unknownKey)).apiKey());

        ByteBuf futureApiVersions = Unpooled.buffer().writeShort(18).writeShort(999).writeInt(42).writeShort(-1);
        assertThrows(UnsupportedVersionException.class, () -> RequestFrames.decode(futureApiVersions));
        assertEquals(new HeaderPeek((short) 18, (short) 999, 42), RequestFrames.peek(futureApiVersions));

        assertThrows(MalformedMessageException.class, () -> RequestFrames.decode(Unpooled.buffer().writeShort(18)));

        RequestHeader header = new RequestHeader().setRequestApiKey(ApiKey.API_VERSIONS.id).setRequestApiVersion((short) 0)
                .setCorrelationId(1).setClientId("x");
        ByteBuf frame = RequestFrames.encode(ByteBufAllocator.DEFAULT, header, new dev.wharf.wire.message.ApiVersionsRequest());
        frame.skipBytes(4).writeByte(0);
        assertEquals(ApiKey.API_VERSIONS, RequestFrames.decode(frame).api());
        frame.release();

        // librdkafka 2.15's Metadata v13 for every topic: a four-byte null array where Kafka reads one byte
        ByteBuf metadata = Unpooled.wrappedBuffer(java.util.HexFormat.of().parseHex(
                "0003000d00000003000772646b61666b610000000000000000"));
        Request all = RequestFrames.decode(metadata);
        assertEquals(null, ((dev.wharf.wire.message.MetadataRequest) all.body()).topics());
    }
}

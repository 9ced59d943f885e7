package dev.wharf.wire.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.generator.MessageSpec;
import dev.wharf.generator.Versions;
import dev.wharf.wire.frame.RequestFrames;
import dev.wharf.wire.frame.ResponseFrames;
import dev.wharf.wire.protocol.ApiMessage;
import dev.wharf.wire.protocol.MalformedMessageException;
import dev.wharf.wire.protocol.MessageReader;
import dev.wharf.wire.protocol.WireException;
import dev.wharf.wire.records.CorruptRecordException;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatchBuilder;
import dev.wharf.wire.records.RecordBatches;
import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.Header;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Truncated, bit-flipped and hostile frames end in the typed {@link WireException} (or decode to
 * something valid), never in another exception, an endless loop or an allocation out of
 * proportion to the frame.
 */
class FuzzTest {
    private static final long TIME_BUDGET_NANOS = 20_000_000_000L;
    /** Per decode: objects cost more than their bytes on the wire, but only proportionally. */
    private static final int ALLOCATION_FACTOR = 64;
    private static final int ALLOCATION_SLACK = 64 * 1024;

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private record Frame(String label, byte[] bytes, ApiKey api, short version, boolean request) {}

    private static List<Frame> validFrames() {
        List<Frame> frames = new ArrayList<>();
        Random random = new Random(7);
        for (MessageSpec spec : SpecCatalog.all()) {
            boolean request = spec.kind() == MessageSpec.Kind.REQUEST;
            if (!request && spec.kind() != MessageSpec.Kind.RESPONSE) {
                continue;
            }
            ApiKey api = ApiKey.forId(spec.apiKey().orElseThrow());
            Versions v = spec.validVersions();
            for (int version = v.lowest(); version <= v.highest() && !v.isEmpty(); version++) {
                ApiMessage body = (ApiMessage) new RandomMessages(spec, Side.WHARF, random).message((short) version);
                ByteBuf buf;
                if (request) {
                    RequestHeader header = new RequestHeader().setRequestApiKey(api.id)
                            .setRequestApiVersion((short) version).setCorrelationId(random.nextInt()).setClientId("fuzz");
                    buf = RequestFrames.encode(ByteBufAllocator.DEFAULT, header, body);
                    buf.skipBytes(4);
                } else {
                    buf = Unpooled.buffer();
                    ResponseHeader header = new ResponseHeader().setCorrelationId(random.nextInt());
                    dev.wharf.wire.protocol.MessageWriter w = new dev.wharf.wire.protocol.MessageWriter(buf);
                    header.write(w, api.responseHeaderVersion((short) version));
                    body.write(w, (short) version);
                }
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                buf.release();
                frames.add(new Frame(spec.name() + " v" + version, bytes, api, (short) version, request));
            }
        }
        return frames;
    }

    private static void decode(Frame f, byte[] bytes) {
        ByteBuf buf = Unpooled.wrappedBuffer(bytes);
        if (f.request()) {
            RequestFrames.decode(buf);
        } else {
            ResponseFrames.decode(buf, f.api(), f.version());
        }
    }

    /** Decodes, allowing only success or a WireException; returns the bytes the decode allocated. */
    private static long decodeChecked(Frame f, byte[] bytes, String mutation) {
        measureDecode(f, bytes, mutation); // first run pays for class loading of the error path
        return measureDecode(f, bytes, mutation);
    }

    private static long measureDecode(Frame f, byte[] bytes, String mutation) {
        long threadId = Thread.currentThread().getId();
        long before = THREADS.getThreadAllocatedBytes(threadId);
        try {
            decode(f, bytes);
        } catch (WireException expected) {
            // the typed outcome
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            throw new AssertionError(f.label() + " " + mutation + " threw " + e, e);
        }
        return THREADS.getThreadAllocatedBytes(threadId) - before;
    }

    // Valid frames of every api and version, then random truncations and byte flips of each.
    @Test
    void mutatedFramesOnlyFailWithTypedExceptions() {
        List<Frame> frames = validFrames();
        for (Frame f : frames) {
            decode(f, f.bytes()); // the unmutated frames are valid
        }
        Random random = new Random(11);
        long deadline = System.nanoTime() + TIME_BUDGET_NANOS;
        int mutations = 0;
        long largest = 0;
        String largestAt = "";
        for (int round = 0; round < 25 && System.nanoTime() < deadline; round++) {
            for (Frame f : frames) {
                byte[] bytes;
                String mutation;
                if (round % 2 == 0 && f.bytes().length > 0) {
                    int cut = random.nextInt(f.bytes().length);
                    bytes = java.util.Arrays.copyOf(f.bytes(), cut);
                    mutation = "truncated to " + cut;
                } else {
                    bytes = f.bytes().clone();
                    int flips = 1 + random.nextInt(4);
                    for (int i = 0; i < flips && bytes.length > 0; i++) {
                        int at = random.nextInt(bytes.length);
                        bytes[at] = random.nextInt(3) == 0 ? (byte) 0xFF : (byte) (bytes[at] ^ (1 << random.nextInt(8)));
                    }
                    mutation = flips + " byte flips";
                }
                long allocated = decodeChecked(f, bytes, mutation);
                long limit = (long) ALLOCATION_FACTOR * bytes.length + ALLOCATION_SLACK;
                assertTrue(allocated <= limit, f.label() + " " + mutation + " allocated " + allocated
                        + " bytes for a " + bytes.length + "-byte frame");
                if (allocated > largest) {
                    largest = allocated;
                    largestAt = f.label() + ", " + bytes.length + "-byte frame";
                }
                mutations++;
            }
        }
        System.out.printf("fuzz: %d mutated frames of %d valid ones; largest allocation by one decode %d bytes (%s)%n",
                mutations, frames.size(), largest, largestAt);
        assertTrue(mutations >= frames.size() * 2, "fuzzing ran too few rounds: " + mutations);
    }

    // Lengths and counts near 2^31 in a tiny frame are refused before anything is allocated.
    @Test
    void hostileLengthsAllocateNothing() {
        byte[][] hostile = {
            // Metadata v1: topics array claims 2^31-1 entries
            {0, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff},
            // Metadata v12 (flexible): compact array length varint 0xffffffff
            {0, 3, 0, 12, 0, 0, 0, 1, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f},
            // SaslAuthenticate v0: bytes of length 2^31-1
            {0, 36, 0, 0, 0, 0, 0, 1, 0, 0, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff},
            // ApiVersions v3: tagged section with a 2^31-1 byte field
            {0, 18, 0, 3, 0, 0, 0, 1, 0, 0, 0, 1, 1, 2, 1, 0, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07},
            // a varint longer than 5 bytes
            {0, 18, 0, 3, 0, 0, 0, 1, 0, 0, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1},
        };
        for (byte[] bytes : hostile) {
            assertThrows(MalformedMessageException.class, () -> RequestFrames.decode(Unpooled.wrappedBuffer(bytes)));
            long threadId = Thread.currentThread().getId();
            long before = THREADS.getThreadAllocatedBytes(threadId);
            assertThrows(MalformedMessageException.class, () -> RequestFrames.decode(Unpooled.wrappedBuffer(bytes)));
            long allocated = THREADS.getThreadAllocatedBytes(threadId) - before;
            assertTrue(allocated < ALLOCATION_SLACK, "allocated " + allocated + " bytes");
        }
    }

    // Snappy data that claims a huge uncompressed size is refused before anything is allocated.
    @Test
    void hostileSnappyLengthsAreRefused() {
        byte[] claim2GiB = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0, 0, 0};
        ByteBuf framed = Unpooled.buffer()
                .writeBytes(new byte[] {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1})
                .writeInt(claim2GiB.length).writeBytes(claim2GiB);
        ByteBuf badChunkLength = Unpooled.buffer()
                .writeBytes(new byte[] {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0, 0, 0, 0, 1, 0, 0, 0, 1})
                .writeInt(Integer.MAX_VALUE).writeByte(1);
        for (ByteBuf compressed : List.of(framed, badChunkLength, Unpooled.wrappedBuffer(claim2GiB))) {
            long threadId = Thread.currentThread().getId();
            long before = THREADS.getThreadAllocatedBytes(threadId);
            assertThrows(CorruptRecordException.class, () -> CompressionType.SNAPPY.decompress(compressed, 1 << 20));
            assertTrue(THREADS.getThreadAllocatedBytes(threadId) - before < ALLOCATION_SLACK);
        }
    }

    // Tag numbers at the top of the range survive a round trip; ones beyond it are refused.
    @Test
    void extremeTagNumbers() {
        ApiVersionsRequest req = new ApiVersionsRequest().setClientSoftwareName("x");
        req.unknownTaggedFields().add(new dev.wharf.wire.protocol.RawTaggedField(Integer.MAX_VALUE, new byte[] {9}));
        ByteBuf b = Unpooled.buffer();
        req.write(new dev.wharf.wire.protocol.MessageWriter(b), (short) 3);
        assertEquals(req.size((short) 3), b.readableBytes());
        assertEquals(req, new ApiVersionsRequest(new MessageReader(b.duplicate()), (short) 3));
        // the same request with tag 2^32-1, which does not fit a tag number
        ByteBuf tooBig = Unpooled.buffer().writeBytes(new byte[] {2, 'x', 1, 1, 1, (byte) 0xff, (byte) 0xff,
                (byte) 0xff, (byte) 0xff, 0x0f, 1, 9});
        assertThrows(MalformedMessageException.class, () -> new ApiVersionsRequest(new MessageReader(tooBig), (short) 3));
    }

    // A string of malformed UTF-8 that decodes past the string limit is refused, so a response
    // echoing it (a group id, say) can always be written.
    @Test
    void malformedUtf8GrowingPastTheLimitIsRefused() {
        byte[] invalid = new byte[20_000];
        java.util.Arrays.fill(invalid, (byte) 0xff);
        ByteBuf tooLong = Unpooled.buffer().writeShort(invalid.length).writeBytes(invalid);
        assertThrows(MalformedMessageException.class, () -> new MessageReader(tooLong).readString(false, false, "GroupId"));
        byte[] fits = java.util.Arrays.copyOf(invalid, MessageReader.MAX_STRING_LENGTH / 3);
        ByteBuf shorter = Unpooled.buffer().writeShort(fits.length).writeBytes(fits);
        String s = new MessageReader(shorter).readString(false, false, "GroupId");
        ByteBuf out = Unpooled.buffer();
        new dev.wharf.wire.protocol.MessageWriter(out).writeString(s, false, false, "GroupId");
        assertEquals(2 + 3 * fits.length, out.readableBytes());
    }

    // Varints: the longest valid ones decode; one byte more is an error with its position.
    @Test
    void varintLimits() {
        MessageReader five = new MessageReader(Unpooled.wrappedBuffer(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f}));
        assertEquals(-1, five.readUnsignedVarint());
        MessageReader six = new MessageReader(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0}));
        MalformedMessageException e = assertThrows(MalformedMessageException.class, six::readUnsignedVarint);
        assertEquals(5, e.position());
        MessageReader truncated = new MessageReader(Unpooled.wrappedBuffer(new byte[] {(byte) 0x80}));
        assertThrows(MalformedMessageException.class, truncated::readVarlong);
    }

    // Record batches with flipped bytes fail the CRC or decode with a typed error, never anything else.
    @Test
    void mutatedRecordBatchesOnlyFailWithTypedExceptions() {
        Random random = new Random(3);
        for (CompressionType c : CompressionType.values()) {
            RecordBatchBuilder b = new RecordBatchBuilder(c);
            for (int i = 0; i < 20; i++) {
                b.append(1000L + i, ("k" + i).getBytes(), new byte[i * 10], List.of(new Header("h", new byte[] {1})));
            }
            ByteBuf batch = b.build();
            byte[] valid = new byte[batch.readableBytes()];
            batch.readBytes(valid);
            for (int round = 0; round < 300; round++) {
                byte[] bytes = valid.clone();
                if (round % 3 == 0) {
                    bytes = java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length));
                } else {
                    int at = RecordBatch.RECORDS_OFFSET + random.nextInt(bytes.length - RecordBatch.RECORDS_OFFSET);
                    bytes[at] ^= (byte) (1 << random.nextInt(8));
                }
                try {
                    for (RecordBatch rb : RecordBatches.split(Unpooled.wrappedBuffer(bytes))) {
                        rb.records(1 << 20);
                        if (!rb.isValid()) {
                            throw new CorruptRecordException("crc");
                        }
                    }
                } catch (WireException expected) {
                    // typed
                } catch (RuntimeException e) {
                    throw new AssertionError(c + " round " + round + " threw " + e, e);
                }
            }
        }
    }
}

package dev.wharf.wire.frame;

import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.RequestHeader;
import dev.wharf.wire.protocol.ApiMessage;
import dev.wharf.wire.protocol.MalformedMessageException;
import dev.wharf.wire.protocol.MessageReader;
import dev.wharf.wire.protocol.MessageWriter;
import dev.wharf.wire.protocol.UnsupportedVersionException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/**
 * Request frames: {@code int32 length | request header | body}. Decoding works on one frame with
 * the length prefix already removed (the transport checks it against the maximum request size).
 */
public final class RequestFrames {
    /** apiKey, apiVersion and correlationId: the part of the header every version shares. */
    public static final int FIXED_HEADER_SIZE = 8;

    private RequestFrames() {}

    /** Reads the fixed header fields without consuming anything. */
    public static HeaderPeek peek(ByteBuf frame) {
        if (frame.readableBytes() < FIXED_HEADER_SIZE) {
            throw new MalformedMessageException("request of " + frame.readableBytes()
                    + " bytes is shorter than a request header", 0);
        }
        int i = frame.readerIndex();
        return new HeaderPeek(frame.getShort(i), frame.getShort(i + 2), frame.getInt(i + 4));
    }

    /**
     * Decodes a whole request frame (without its length prefix). Bytes after the request are
     * ignored, as Kafka's broker ignores them: librdkafka 2.x writes a null topic list of Metadata
     * v9+ as four bytes where one belongs (librdkafka issue 5049), and Kafka reads the first.
     * Throws {@code UnknownApiKeyException}, {@link UnsupportedVersionException} or
     * {@link MalformedMessageException}.
     */
    public static Request decode(ByteBuf frame) {
        HeaderPeek peek = peek(frame);
        ApiKey api = ApiKey.forId(peek.apiKey());
        short version = peek.apiVersion();
        if (!api.isVersionSupported(version)) {
            throw new UnsupportedVersionException("unsupported version " + version + " of " + api.displayName
                    + (api.hasVersions() ? " (valid: " + api.lowestVersion + "-" + api.highestVersion + ")"
                            : " (no valid versions)"));
        }
        MessageReader reader = new MessageReader(frame);
        RequestHeader header = new RequestHeader(reader, api.requestHeaderVersion(version));
        ApiMessage body = api.newRequest();
        body.read(reader, version);
        return new Request(header, api, version, body);
    }

    /** Encodes a request with its length prefix (used by tests and by brokers talking to brokers). */
    public static ByteBuf encode(ByteBufAllocator alloc, RequestHeader header, ApiMessage body) {
        ApiKey api = ApiKey.forId(header.requestApiKey());
        short version = header.requestApiVersion();
        short headerVersion = api.requestHeaderVersion(version);
        int size = header.size(headerVersion) + body.size(version);
        ByteBuf out = alloc.buffer(4 + size);
        try {
            out.writeInt(size);
            MessageWriter writer = new MessageWriter(out);
            header.write(writer, headerVersion);
            body.write(writer, version);
            return out;
        } catch (RuntimeException e) {
            out.release();
            throw e;
        }
    }
}

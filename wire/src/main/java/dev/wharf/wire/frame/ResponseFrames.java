package dev.wharf.wire.frame;

import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ResponseHeader;
import dev.wharf.wire.protocol.ApiMessage;
import dev.wharf.wire.protocol.MessageReader;
import dev.wharf.wire.protocol.MessageWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Response frames: {@code int32 length | response header | body}. */
public final class ResponseFrames {
    /** First capacity of the header/metadata buffer; file-backed records never land in it. */
    private static final int INITIAL_CAPACITY = 16 * 1024;

    private ResponseFrames() {}

    /**
     * Encodes a response without copying record data: the record sets, in memory or in files, are
     * left out of the buffer and inserted when the response is sent (see {@link EncodedResponse}).
     */
    public static EncodedResponse encode(
            ByteBufAllocator alloc, ApiKey api, short version, int correlationId, ApiMessage body) {
        short headerVersion = api.responseHeaderVersion(version);
        ResponseHeader header = new ResponseHeader().setCorrelationId(correlationId);
        int size = header.size(headerVersion) + body.size(version);
        ByteBuf out = alloc.buffer(Math.min(4 + size, INITIAL_CAPACITY));
        MessageWriter writer = MessageWriter.withRecordInserts(out);
        try {
            out.writeInt(size);
            header.write(writer, headerVersion);
            body.write(writer, version);
            return new EncodedResponse(out, writer.recordInserts());
        } catch (RuntimeException e) {
            out.release();
            writer.recordInserts().release();
            throw e;
        }
    }

    /** A decoded response frame (without its length prefix). */
    public record Response(ResponseHeader header, ApiMessage body) {}

    public static Response decode(ByteBuf frame, ApiKey api, short version) {
        MessageReader reader = new MessageReader(frame);
        ResponseHeader header = new ResponseHeader(reader, api.responseHeaderVersion(version));
        ApiMessage body = api.newResponse();
        body.read(reader, version);
        if (reader.remaining() != 0) {
            throw reader.error(reader.remaining() + " bytes left over after " + api.displayName + " response v" + version);
        }
        return new Response(header, body);
    }
}

package dev.wharf.wire.records;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import org.xerial.snappy.Snappy;
import org.xerial.snappy.SnappyError;

/**
 * Decodes the xerial snappy stream format the Java client writes, checking every length against
 * the bytes present and the size cap before anything is allocated (xerial's own input stream
 * trusts them):
 *
 * <pre>
 *   header   8 bytes  0x82 'S' 'N' 'A' 'P' 'P' 'Y' 0x00
 *            4 bytes  format version, 4 bytes minimum compatible version
 *   chunks   4 bytes  compressed length n, then n bytes of one raw snappy block; repeated
 * </pre>
 *
 * Input without the header is read as one raw snappy block, as xerial does.
 */
final class SnappyFrames {
    private static final byte[] MAGIC = {(byte) 0x82, 'S', 'N', 'A', 'P', 'P', 'Y', 0};
    private static final int HEADER_SIZE = MAGIC.length + 8;

    private SnappyFrames() {}

    static void decompress(ByteBuf in, ByteBuf out, int max) throws IOException {
        try {
            if (!hasHeader(in)) {
                block(in, in.readableBytes(), out, max);
                return;
            }
            in.skipBytes(HEADER_SIZE);
            while (in.isReadable()) {
                if (in.readableBytes() < 4) {
                    throw new CorruptRecordException("snappy chunk header truncated");
                }
                int length = in.readInt();
                if (length <= 0 || length > in.readableBytes()) {
                    throw new CorruptRecordException("snappy chunk of " + length + " bytes with "
                            + in.readableBytes() + " left");
                }
                block(in, length, out, max);
            }
        } catch (SnappyError e) {
            throw new CorruptRecordException("corrupt snappy data: " + e.getMessage(), e);
        }
    }

    private static boolean hasHeader(ByteBuf in) {
        if (in.readableBytes() < HEADER_SIZE) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (in.getByte(in.readerIndex() + i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private static void block(ByteBuf in, int length, ByteBuf out, int max) throws IOException {
        byte[] compressed = new byte[length];
        in.readBytes(compressed);
        int size = Snappy.uncompressedLength(compressed, 0, length);
        if (size < 0 || size > max - out.writerIndex()) {
            throw new CorruptRecordException("snappy block claims " + size + " bytes, over the " + max + "-byte cap");
        }
        out.ensureWritable(size);
        int n = Snappy.uncompress(compressed, 0, length, out.array(), out.arrayOffset() + out.writerIndex());
        out.writerIndex(out.writerIndex() + n);
    }
}

package dev.wharf.wire.records;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufInputStream;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.xerial.snappy.SnappyInputStream;
import org.xerial.snappy.SnappyOutputStream;

/**
 * Compression codecs of record batches (attribute bits 0-2). The stream formats are the ones the
 * Java client uses: gzip, xerial-framed snappy, the LZ4 frame format with 64 KiB independent
 * blocks, and zstd frames.
 */
public enum CompressionType {
    NONE(0, "none"),
    GZIP(1, "gzip"),
    SNAPPY(2, "snappy"),
    LZ4(3, "lz4"),
    ZSTD(4, "zstd");

    public final int id;
    public final String displayName;

    CompressionType(int id, String displayName) {
        this.id = id;
        this.displayName = displayName;
    }

    public static CompressionType forId(int id) {
        if (id < 0 || id >= values().length) {
            throw new CorruptRecordException("unknown compression codec " + id);
        }
        return values()[id];
    }

    /**
     * Decompresses {@code compressed} into a new heap buffer of at most {@code max} bytes; more is
     * treated as corrupt (a decompression bomb). Every codec error is a {@link CorruptRecordException}.
     */
    public ByteBuf decompress(ByteBuf compressed, int max) {
        ByteBuf out = Unpooled.buffer(Math.min(Math.max(compressed.readableBytes() * 2, 256), max));
        try {
            if (this == SNAPPY) {
                SnappyFrames.decompress(compressed.duplicate(), out, max);
                return out;
            }
            try (InputStream in = decompressing(new ByteBufInputStream(compressed.duplicate()))) {
                while (true) {
                    if (out.writerIndex() >= max) {
                        if (in.read() < 0) {
                            break;
                        }
                        throw new CorruptRecordException("decompressed records exceed " + max + " bytes");
                    }
                    out.ensureWritable(Math.min(64 * 1024, max - out.writerIndex()));
                    if (out.writeBytes(in, Math.min(out.writableBytes(), max - out.writerIndex())) < 0) {
                        break;
                    }
                }
            }
            return out;
        } catch (CorruptRecordException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new CorruptRecordException("cannot decompress " + displayName + " records: " + e, e);
        }
    }

    /** Wraps {@code in} (compressed bytes) in a stream that yields the uncompressed bytes. */
    public InputStream decompressing(InputStream in) throws IOException {
        return switch (this) {
            case NONE -> in;
            case GZIP -> new GZIPInputStream(in, 8 * 1024);
            case SNAPPY -> new SnappyInputStream(in);
            case LZ4 -> new LZ4FrameInputStream(in);
            case ZSTD -> new ZstdInputStreamNoFinalizer(in);
        };
    }

    /** Wraps {@code out} in a stream that compresses what is written to it; close it to finish. */
    public OutputStream compressing(OutputStream out) throws IOException {
        return switch (this) {
            case NONE -> out;
            case GZIP -> new GZIPOutputStream(out, 8 * 1024);
            case SNAPPY -> new SnappyOutputStream(out);
            case LZ4 -> new LZ4FrameOutputStream(
                    out, LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB, LZ4FrameOutputStream.FLG.Bits.BLOCK_INDEPENDENCE);
            case ZSTD -> new ZstdOutputStreamNoFinalizer(out);
        };
    }
}

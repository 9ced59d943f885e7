package dev.wharf.wire.protocol;

import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.FileRecords;
import dev.wharf.wire.records.Records;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Writes protocol primitives into a {@link ByteBuf}.
 *
 * <p>In the default mode everything, file-backed records included, ends up in the one buffer. In
 * {@linkplain #segmented(ByteBuf) segmented} mode record sets are not copied: the output becomes
 * an ordered list of parts — slices of the buffer between record sets, the record buffers
 * themselves, and {@link FileRecords} views — so a server can send file parts with
 * {@code FileChannel.transferTo}. Not thread-safe.
 */
public final class MessageWriter {
    private final ByteBuf out;
    private final boolean segmented;
    private final List<Object> parts;
    private int partStart;

    public MessageWriter(ByteBuf out) {
        this(out, false);
    }

    private MessageWriter(ByteBuf out, boolean segmented) {
        this.out = out;
        this.segmented = segmented;
        this.parts = segmented ? new ArrayList<>(4) : null;
        this.partStart = out.writerIndex();
    }

    /** A writer whose record sets become separate parts; see {@link #finishParts()}. */
    public static MessageWriter segmented(ByteBuf out) {
        return new MessageWriter(out, true);
    }

    public ByteBuf buffer() {
        return out;
    }

    /**
     * Segmented mode only: the encoded message as ordered parts, each a {@link ByteBuf} (retained
     * slices of the output buffer, or retained record buffers) or a {@link FileRecords}. The caller
     * owns one reference to each ByteBuf part and still owns its reference to the output buffer.
     */
    public List<Object> finishParts() {
        if (!segmented) {
            throw new IllegalStateException("not a segmented writer");
        }
        closePart();
        return parts;
    }

    /** Segmented mode: releases the parts collected so far (when encoding failed half-way). */
    public void discardParts() {
        if (parts != null) {
            for (Object part : parts) {
                if (part instanceof ByteBuf b) {
                    b.release();
                }
            }
            parts.clear();
        }
    }

    private void closePart() {
        int end = out.writerIndex();
        if (end > partStart) {
            parts.add(out.retainedSlice(partStart, end - partStart));
        }
        partStart = end;
    }

    public void writeByte(byte v) {
        out.writeByte(v);
    }

    public void writeBoolean(boolean v) {
        out.writeByte(v ? 1 : 0);
    }

    public void writeShort(short v) {
        out.writeShort(v);
    }

    public void writeUnsignedShort(int v) {
        if (v < 0 || v > 0xFFFF) {
            throw new InvalidMessageException("uint16 value " + v + " is out of range");
        }
        out.writeShort(v);
    }

    public void writeInt(int v) {
        out.writeInt(v);
    }

    public void writeUnsignedInt(long v) {
        if (v < 0 || v > 0xFFFF_FFFFL) {
            throw new InvalidMessageException("uint32 value " + v + " is out of range");
        }
        out.writeInt((int) v);
    }

    public void writeLong(long v) {
        out.writeLong(v);
    }

    public void writeDouble(double v) {
        out.writeDouble(v);
    }

    public void writeUuid(UUID v) {
        out.writeLong(v.getMostSignificantBits());
        out.writeLong(v.getLeastSignificantBits());
    }

    public void writeUnsignedVarint(int v) {
        while ((v & 0xFFFFFF80) != 0) {
            out.writeByte((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte(v);
    }

    public void writeVarint(int v) {
        writeUnsignedVarint((v << 1) ^ (v >> 31));
    }

    public void writeVarlong(long value) {
        long v = (value << 1) ^ (value >> 63);
        while ((v & 0xFFFFFFFFFFFFFF80L) != 0L) {
            out.writeByte(((int) v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    private void writeNullLength(boolean compact, boolean wide, boolean nullable, String field) {
        if (!nullable) {
            throw new InvalidMessageException("non-nullable field " + field + " is null");
        }
        if (compact) {
            out.writeByte(0);
        } else if (wide) {
            out.writeInt(-1);
        } else {
            out.writeShort(-1);
        }
    }

    private void writeLength(int len, boolean compact, boolean wide) {
        if (compact) {
            writeUnsignedVarint(len + 1);
        } else if (wide) {
            out.writeInt(len);
        } else {
            out.writeShort(len);
        }
    }

    public void writeString(String s, boolean compact, boolean nullable, String field) {
        if (s == null) {
            writeNullLength(compact, false, nullable, field);
            return;
        }
        int len = ByteBufUtil.utf8Bytes(s);
        if (len > MessageReader.MAX_STRING_LENGTH) {
            throw new InvalidMessageException("'" + field + "' field is too long to be serialized (" + len + " bytes)");
        }
        writeLength(len, compact, false);
        ByteBufUtil.reserveAndWriteUtf8(out, s, len);
    }

    public void writeBytes(byte[] b, boolean compact, boolean nullable, String field) {
        if (b == null) {
            writeNullLength(compact, true, nullable, field);
            return;
        }
        writeLength(b.length, compact, true);
        out.writeBytes(b);
    }

    public void writeRecords(Records r, boolean compact, boolean nullable, String field) {
        if (r == null) {
            writeNullLength(compact, true, nullable, field);
            return;
        }
        writeLength(r.sizeInBytes(), compact, true);
        if (r instanceof BufferRecords b) {
            ByteBuf data = b.buffer();
            if (segmented && data.readableBytes() > 0) {
                closePart();
                parts.add(data.retainedDuplicate());
            } else {
                out.writeBytes(data, data.readerIndex(), data.readableBytes());
            }
        } else {
            FileRecords f = (FileRecords) r;
            if (segmented) {
                closePart();
                if (f.length() > 0) {
                    parts.add(f);
                }
            } else {
                copyFrom(f);
            }
        }
    }

    private void copyFrom(FileRecords f) {
        try {
            int n = out.writeBytes(f.channel(), f.position(), f.length());
            if (n != f.length()) {
                throw new UncheckedIOException(new IOException(
                        "file records ended early: wanted " + f.length() + " bytes, read " + n));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void writeArrayLength(int count, boolean compact) {
        writeLength(count, compact, true);
    }

    public void writeNullArray(boolean compact, boolean nullable, String field) {
        writeNullLength(compact, true, nullable, field);
    }

    /** Null marker of a nullable struct field; a null in a non-nullable struct field is an error. */
    public void writeNullMarker(boolean nullable, String field) {
        if (!nullable) {
            throw new InvalidMessageException("non-nullable field " + field + " is null");
        }
        out.writeByte(-1);
    }

    public <T> T requireNonNull(T value, String field) {
        if (value == null) {
            throw new InvalidMessageException("non-nullable field " + field + " is null");
        }
        return value;
    }

    /**
     * Writes the unknown tagged fields from index {@code from} whose tag is below {@code belowTag},
     * keeping the tagged section in ascending tag order; returns the index of the first one left.
     */
    public int writeRawTaggedFields(List<RawTaggedField> fields, int from, int belowTag) {
        if (fields == null) {
            return 0;
        }
        int i = from;
        while (i < fields.size() && fields.get(i).tag() < belowTag) {
            RawTaggedField f = fields.get(i);
            writeUnsignedVarint(f.tag());
            writeUnsignedVarint(f.data().length);
            out.writeBytes(f.data());
            i++;
        }
        return i;
    }
}

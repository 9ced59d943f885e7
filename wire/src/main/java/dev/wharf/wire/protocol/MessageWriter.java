package dev.wharf.wire.protocol;

import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.FileRecords;
import dev.wharf.wire.records.Records;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;

/**
 * Writes protocol primitives into a {@link ByteBuf}.
 *
 * <p>By default everything, file-backed records included, is written into the one buffer. A writer
 * made with {@link #withRecordInserts(ByteBuf)} writes only the record sets' length prefixes: each
 * record set is noted as an insert at the buffer offset where its bytes belong, so that the whole
 * message can be sent as buffer ranges and file regions (see {@code EncodedResponse}) without
 * record bytes ever being copied. Not thread-safe.
 */
public final class MessageWriter {
    private final ByteBuf out;
    private final RecordInserts inserts;

    public MessageWriter(ByteBuf out) {
        this(out, null);
    }

    private MessageWriter(ByteBuf out, RecordInserts inserts) {
        this.out = out;
        this.inserts = inserts;
    }

    /** A writer that leaves record sets out of the buffer and notes where they go instead. */
    public static MessageWriter withRecordInserts(ByteBuf out) {
        return new MessageWriter(out, new RecordInserts());
    }

    public ByteBuf buffer() {
        return out;
    }

    /** The record sets left out of the buffer, in order; null for a copying writer. */
    public RecordInserts recordInserts() {
        return inserts;
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
        if (v == null) {
            throw new InvalidMessageException("uuid fields cannot be null (use the zero uuid)");
        }
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
        if (inserts != null) {
            inserts.add(out.writerIndex(), r);
        } else if (r instanceof BufferRecords b) {
            ByteBuf data = b.buffer();
            out.writeBytes(data, data.readerIndex(), data.readableBytes());
        } else {
            copyFrom((FileRecords) r);
        }
    }

    private void copyFrom(FileRecords f) {
        try {
            int done = 0;
            while (done < f.length()) {
                int n = out.writeBytes(f.channel(), f.position() + done, f.length() - done);
                if (n < 0) {
                    throw new EOFException("file records end after " + done + " of " + f.length() + " bytes");
                }
                done += n;
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
            writeRawTaggedField(fields.get(i++));
        }
        return i;
    }

    /** Writes the unknown tagged fields from index {@code from} to the end. */
    public void writeRemainingRawTaggedFields(List<RawTaggedField> fields, int from) {
        if (fields != null) {
            for (int i = from; i < fields.size(); i++) {
                writeRawTaggedField(fields.get(i));
            }
        }
    }

    private void writeRawTaggedField(RawTaggedField f) {
        writeUnsignedVarint(f.tag());
        writeUnsignedVarint(f.data().length);
        out.writeBytes(f.data());
    }
}

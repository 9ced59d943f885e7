package dev.wharf.wire.records;

import dev.wharf.wire.message.ControlRecordTypeSchema;
import dev.wharf.wire.message.EndTxnMarker;
import dev.wharf.wire.protocol.MessageReader;
import dev.wharf.wire.protocol.MessageWriter;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;

/**
 * Transaction markers: the single record of a control batch. Its key is an int16 version (0) and
 * a {@link ControlRecordTypeSchema} (type 0 abort, 1 commit); its value an int16 version (0) and
 * an {@link EndTxnMarker} (the coordinator epoch). Like Kafka, a reader accepts newer versions and
 * reads the version 0 fields at their start.
 */
public record ControlRecord(Type type, int coordinatorEpoch) {
    public enum Type {
        ABORT,
        COMMIT
    }

    private static final short VERSION = 0;

    /** A transactional control batch holding this marker for the given producer. */
    public ByteBuf toBatch(long producerId, short producerEpoch, long timestamp) {
        ByteBuf key = Unpooled.buffer(4);
        MessageWriter kw = new MessageWriter(key);
        kw.writeShort(VERSION);
        new ControlRecordTypeSchema().setType((short) type.ordinal()).write(kw, VERSION);
        ByteBuf value = Unpooled.buffer(6);
        MessageWriter vw = new MessageWriter(value);
        vw.writeShort(VERSION);
        new EndTxnMarker().setCoordinatorEpoch(coordinatorEpoch).write(vw, VERSION);
        return new RecordBatchBuilder(CompressionType.NONE)
                .producer(producerId, producerEpoch, -1)
                .transactional(true)
                .control(true)
                .append(timestamp, bytes(key), bytes(value), List.of())
                .build();
    }

    /** Reads the marker from a control batch's record. */
    public static ControlRecord parse(Record record) {
        if (record.key() == null || record.value() == null) {
            throw new CorruptRecordException("control record without key or value");
        }
        MessageReader k = new MessageReader(record.key().duplicate());
        short keyVersion = k.readShort();
        if (keyVersion < 0) {
            throw new CorruptRecordException("invalid control record key version " + keyVersion);
        }
        short typeId = new ControlRecordTypeSchema(k, VERSION).type();
        if (typeId < 0 || typeId > 1) {
            throw new CorruptRecordException("unknown control record type " + typeId);
        }
        MessageReader v = new MessageReader(record.value().duplicate());
        short valueVersion = v.readShort();
        if (valueVersion < 0) {
            throw new CorruptRecordException("invalid end transaction marker version " + valueVersion);
        }
        return new ControlRecord(Type.values()[typeId], new EndTxnMarker(v, VERSION).coordinatorEpoch());
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.readBytes(out);
        return out;
    }
}

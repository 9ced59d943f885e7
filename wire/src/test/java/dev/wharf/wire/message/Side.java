package dev.wharf.wire.message;

import dev.wharf.wire.protocol.MessageReader;
import dev.wharf.wire.protocol.MessageWriter;
import dev.wharf.wire.protocol.RawTaggedField;
import dev.wharf.wire.records.BufferRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.lang.reflect.InvocationTargetException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Message;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * One implementation of the protocol under test: Wharf's generated classes or kafka-clients' own.
 * Both have the same shape (nested struct classes, {@code setX} setters, {@code unknownTaggedFields()}),
 * so one spec-driven randomizer fills either.
 */
abstract class Side {
    static final Side WHARF = new Wharf();
    static final Side KAFKA = new Kafka();

    abstract String name();

    abstract Class<?> messageClass(String specName, dev.wharf.generator.MessageSpec.Kind kind);

    abstract Object uuid(long msb, long lsb);

    abstract Object records(byte[] bytes);

    abstract Object rawTaggedField(int tag, byte[] data);

    abstract byte[] encode(Object message, short version);

    abstract Object decode(Class<?> type, byte[] bytes, short version);

    abstract int size(Object message, short version);

    static Object newInstance(Class<?> type) {
        try {
            return type.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    static RuntimeException unwrap(ReflectiveOperationException e) {
        if (e instanceof InvocationTargetException ite && ite.getCause() instanceof RuntimeException re) {
            return re;
        }
        return new IllegalStateException(e);
    }

    private static final class Wharf extends Side {
        @Override
        String name() {
            return "wharf";
        }

        @Override
        Class<?> messageClass(String specName, dev.wharf.generator.MessageSpec.Kind kind) {
            try {
                return Class.forName("dev.wharf.wire.message." + specName);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        Object uuid(long msb, long lsb) {
            return new UUID(msb, lsb);
        }

        @Override
        Object records(byte[] bytes) {
            return BufferRecords.wrap(bytes);
        }

        @Override
        Object rawTaggedField(int tag, byte[] data) {
            return new RawTaggedField(tag, data);
        }

        @Override
        byte[] encode(Object message, short version) {
            dev.wharf.wire.protocol.Message m = (dev.wharf.wire.protocol.Message) message;
            ByteBuf buf = Unpooled.buffer(m.size(version));
            m.write(new MessageWriter(buf), version);
            byte[] out = new byte[buf.readableBytes()];
            buf.readBytes(out);
            return out;
        }

        @Override
        Object decode(Class<?> type, byte[] bytes, short version) {
            dev.wharf.wire.protocol.Message m = (dev.wharf.wire.protocol.Message) newInstance(type);
            MessageReader reader = new MessageReader(Unpooled.wrappedBuffer(bytes));
            m.read(reader, version);
            if (reader.remaining() != 0) {
                throw new AssertionError("wharf left " + reader.remaining() + " bytes unread");
            }
            return m;
        }

        @Override
        int size(Object message, short version) {
            return ((dev.wharf.wire.protocol.Message) message).size(version);
        }
    }

    private static final class Kafka extends Side {
        @Override
        String name() {
            return "kafka";
        }

        @Override
        Class<?> messageClass(String specName, dev.wharf.generator.MessageSpec.Kind kind) {
            String simple = switch (kind) {
                case REQUEST, RESPONSE, HEADER -> specName + "Data";
                case DATA -> specName;
            };
            try {
                return Class.forName(RequestHeaderData.class.getPackageName() + "." + simple);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        Object uuid(long msb, long lsb) {
            return new Uuid(msb, lsb);
        }

        @Override
        Object records(byte[] bytes) {
            return MemoryRecords.readableRecords(ByteBuffer.wrap(bytes));
        }

        @Override
        Object rawTaggedField(int tag, byte[] data) {
            return new org.apache.kafka.common.protocol.types.RawTaggedField(tag, data);
        }

        @Override
        byte[] encode(Object message, short version) {
            Message m = (Message) message;
            ObjectSerializationCache cache = new ObjectSerializationCache();
            int size = m.size(cache, version);
            ByteBuffer buf = ByteBuffer.allocate(size);
            m.write(new ByteBufferAccessor(buf), cache, version);
            if (buf.hasRemaining()) {
                throw new AssertionError("kafka wrote " + buf.position() + " of " + size + " bytes");
            }
            return buf.array();
        }

        @Override
        Object decode(Class<?> type, byte[] bytes, short version) {
            Message m = (Message) newInstance(type);
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            m.read(new ByteBufferAccessor(buf), version);
            if (buf.hasRemaining()) {
                throw new AssertionError("kafka left " + buf.remaining() + " bytes unread");
            }
            return m;
        }

        @Override
        int size(Object message, short version) {
            return ((Message) message).size(new ObjectSerializationCache(), version);
        }
    }

    @SuppressWarnings("unchecked")
    static void addUnknownTaggedField(Object message, Object field) {
        try {
            ((List<Object>) message.getClass().getMethod("unknownTaggedFields").invoke(message)).add(field);
        } catch (ReflectiveOperationException e) {
            throw unwrap(e);
        }
    }
}

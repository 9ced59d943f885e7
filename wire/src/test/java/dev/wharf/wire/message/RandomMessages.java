package dev.wharf.wire.message;

import dev.wharf.generator.FieldSpec;
import dev.wharf.generator.FieldType;
import dev.wharf.generator.FieldType.ArrayType;
import dev.wharf.generator.FieldType.PrimitiveType;
import dev.wharf.generator.FieldType.StructType;
import dev.wharf.generator.MessageSpec;
import dev.wharf.generator.Versions;
import java.lang.reflect.Method;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * Fills a message of either {@link Side} with random values, field by field from the spec, using
 * only the fields the chosen version carries (so that both implementations must be able to encode
 * it). Nullable fields are sometimes null, tagged fields sometimes default, and flexible structs
 * sometimes get unknown tagged fields.
 */
final class RandomMessages {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123456789-._ éü日本€";

    private final MessageSpec spec;
    private final Map<String, List<FieldSpec>> structs;
    private final Side side;
    private final Random random;
    private final Versions flexible;

    RandomMessages(MessageSpec spec, Side side, Random random) {
        this.spec = spec;
        this.structs = SpecCatalog.structs(spec);
        this.side = side;
        this.random = random;
        this.flexible = spec.flexibleVersions();
    }

    Object message(short version) {
        Class<?> type = side.messageClass(spec.name(), spec.kind());
        return struct(type, type, spec.struct().fields(), version, 0);
    }

    private Object struct(Class<?> top, Class<?> type, List<FieldSpec> fields, short version, int depth) {
        Object obj = Side.newInstance(type);
        TreeSet<Integer> knownTags = new TreeSet<>();
        for (FieldSpec f : fields) {
            f.tag().ifPresent(knownTags::add);
            if (!f.versions().contains(version)) {
                continue;
            }
            if (f.isTagged() && f.taggedVersions().contains(version) && random.nextInt(3) == 0) {
                continue; // leave the tagged field at its default: it must then be omitted
            }
            set(obj, f, value(top, f, f.type(), version, depth, f.nullableVersions().contains(version)));
        }
        if (flexible.contains(version) && random.nextInt(4) == 0) {
            int tag = random.nextInt(3);
            int count = 1 + random.nextInt(2);
            for (int i = 0; i < count; i++, tag += 1 + random.nextInt(3)) {
                while (knownTags.contains(tag)) {
                    tag++;
                }
                Side.addUnknownTaggedField(obj, side.rawTaggedField(tag, bytes(6)));
            }
        }
        return obj;
    }

    private Object value(Class<?> top, FieldSpec f, FieldType type, short version, int depth, boolean nullable) {
        if (nullable && random.nextInt(5) == 0) {
            return null;
        }
        if (type instanceof ArrayType a) {
            int n = depth > 3 ? 0 : random.nextInt(4);
            List<Object> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(value(top, f, a.element(), version, depth + 1, false));
            }
            return list;
        }
        if (type instanceof StructType s) {
            List<FieldSpec> fields = structs.get(s.name());
            if (fields == null) {
                throw new IllegalStateException("unknown struct " + s.name());
            }
            return struct(top, nested(top, s.name()), fields, version, depth + 1);
        }
        return switch (((PrimitiveType) type).primitive()) {
            case BOOL -> random.nextBoolean();
            case INT8 -> (byte) random.nextInt();
            case INT16 -> (short) random.nextInt();
            case UINT16 -> random.nextInt(0x10000);
            case INT32 -> random.nextInt(4) == 0 ? -1 : random.nextInt();
            case UINT32 -> random.nextLong() & 0xFFFF_FFFFL;
            case INT64 -> random.nextInt(4) == 0 ? (long) random.nextInt(1000) : random.nextLong();
            case FLOAT64 -> random.nextDouble() * 1e6 - 5e5;
            case STRING -> string();
            case BYTES -> f.zeroCopy() && side == Side.KAFKA ? ByteBuffer.wrap(bytes(12)) : bytes(12);
            case UUID -> side.uuid(random.nextLong(), random.nextLong());
            case RECORDS -> side.records(bytes(40));
        };
    }

    private static Class<?> nested(Class<?> top, String name) {
        try {
            return Class.forName(top.getName() + "$" + name);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    private String string() {
        int n = random.nextInt(10);
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    private byte[] bytes(int max) {
        byte[] b = new byte[random.nextInt(max + 1)];
        random.nextBytes(b);
        return b;
    }

    @SuppressWarnings("unchecked")
    private static void set(Object obj, FieldSpec f, Object value) {
        String setter = "set" + f.capitalizedName();
        for (Method m : obj.getClass().getMethods()) {
            if (m.getName().equals(setter) && m.getParameterCount() == 1) {
                Class<?> param = m.getParameterTypes()[0];
                Object arg = value;
                if (value instanceof List<?> list && !param.isAssignableFrom(List.class)) {
                    // kafka-clients uses its own collection type for arrays keyed by a field
                    Collection<Object> coll = (Collection<Object>) Side.newInstance(param);
                    coll.addAll(list);
                    arg = coll;
                }
                try {
                    m.invoke(obj, arg);
                } catch (ReflectiveOperationException e) {
                    throw Side.unwrap(e);
                }
                return;
            }
        }
        throw new IllegalStateException(obj.getClass().getName() + " has no " + setter);
    }
}

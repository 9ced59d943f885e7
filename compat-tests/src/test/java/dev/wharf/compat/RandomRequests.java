package dev.wharf.compat;

import dev.wharf.testing.ProduceBatch;
import dev.wharf.wire.frame.RequestFrames;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.RequestHeader;
import dev.wharf.wire.protocol.ApiMessage;
import dev.wharf.wire.protocol.Message;
import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.Header;
import dev.wharf.wire.records.Records;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Valid requests of any API and version, built with Wharf's generated codecs and filled through
 * their setters with plausible random values: names from a small pool (so requests reach real
 * topics, groups and transactions), empty, huge and odd Unicode strings, negative and extreme
 * numbers, arrays up to a hundred elements and random record batches. Fields a version lacks
 * are simply not written by the codec. The pool never names {@link #PROTECTED_PREFIX} resources,
 * which belong to the well-behaved clients: a valid DeleteTopics of their topic is not a mistake.
 * <p>
 * Deterministic: the same {@link Random} state gives the same bytes. Not thread-safe (one per
 * fuzzing thread; the setter cache is shared and concurrent).
 */
final class RandomRequests {
    static final String PROTECTED_PREFIX = "good";
    private static final List<String> NAMES = List.of("fuzz-0", "fuzz-1", "fuzz-2", "fuzz-3", "fuzz-group-0",
            "fuzz-group-1", "fuzz-txn-0", "fuzz-txn-1", "PLAIN", "SCRAM-SHA-256", "", "fuzz-user", "cleanup.policy",
            "retention.ms", "fuzz-0.");
    private static final UUID[] UUIDS = {new UUID(0, 0), new UUID(1, 1), new UUID(-1, -1)};
    /** Elements per request at most, so a request stays far below socket.request.max.bytes. */
    private static final int ELEMENT_BUDGET = 500;
    private static final int MAX_DEPTH = 5;
    private static final Map<Class<?>, List<Method>> SETTERS = new ConcurrentHashMap<>();

    private final Random random;
    private int budget;
    private int hugeStrings;
    private boolean structs;
    private boolean nulls;

    RandomRequests(Random random) {
        this.random = random;
    }

    /** A whole frame (length prefix included) of {@code api} at {@code version}, or null if none encodes. */
    byte[] frame(ApiKey api, short version) {
        for (int attempt = 0; attempt < 4; attempt++) {
            // the later attempts leave out what a version might not carry: nulls, big values, structs
            // that only some versions have, and finally everything (the empty request always encodes)
            nulls = attempt == 0;
            budget = attempt < 2 ? ELEMENT_BUDGET : 0;
            hugeStrings = attempt < 2 ? 2 : 0;
            structs = attempt < 2;
            ApiMessage body = api.newRequest();
            if (attempt < 3) {
                fill(body, 0);
            }
            byte[] frame = frameOf(api, version, body);
            if (frame != null) {
                return frame;
            }
        }
        return null;
    }

    /** {@code body} in a frame with a random correlation and client id, or null if the version cannot carry it. */
    byte[] frameOf(ApiKey api, short version, ApiMessage body) {
        RequestHeader header = new RequestHeader().setRequestApiKey(api.id).setRequestApiVersion(version)
                .setCorrelationId(random.nextInt()).setClientId(random.nextInt(8) == 0 ? null : string());
        try {
            ByteBuf frame = RequestFrames.encode(UnpooledByteBufAllocator.DEFAULT, header, body);
            try {
                byte[] bytes = new byte[frame.readableBytes()];
                frame.readBytes(bytes);
                return bytes;
            } finally {
                frame.release();
            }
        } catch (RuntimeException e) { // a null or a value this version cannot carry
            return null;
        }
    }

    private void fill(Object message, int depth) {
        for (Method setter : setters(message.getClass())) {
            Object value = value(setter.getGenericParameterTypes()[0], depth);
            try {
                setter.invoke(message, value);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(setter.toString(), e);
            }
        }
    }

    private static List<Method> setters(Class<?> type) {
        return SETTERS.computeIfAbsent(type, t -> Arrays.stream(t.getMethods())
                .filter(m -> m.getName().startsWith("set") && m.getParameterCount() == 1 && m.getReturnType() == t)
                .sorted(Comparator.comparing(Method::getName)) // reflection order is unspecified: keep runs replayable
                .toList());
    }

    private Object value(Type type, int depth) {
        if (type instanceof ParameterizedType list) {
            return list(list.getActualTypeArguments()[0], depth);
        }
        Class<?> c = (Class<?>) type;
        if (c == boolean.class) {
            return random.nextBoolean();
        } else if (c == byte.class || c == Byte.class) {
            return (byte) number();
        } else if (c == short.class || c == Short.class) {
            return (short) number();
        } else if (c == int.class || c == Integer.class) {
            return (int) number();
        } else if (c == long.class || c == Long.class) {
            return number();
        } else if (c == double.class) {
            double[] odd = {0, -1, Double.NaN, Double.POSITIVE_INFINITY, Double.MAX_VALUE, random.nextDouble()};
            return odd[random.nextInt(odd.length)];
        } else if (c == String.class) {
            return nulls && random.nextInt(10) == 0 ? null : string();
        } else if (c == byte[].class) {
            return nulls && random.nextInt(10) == 0 ? null : bytes(random.nextInt(4) == 0 ? random.nextInt(2_000) : random.nextInt(40));
        } else if (c == UUID.class) {
            return random.nextBoolean() ? UUIDS[random.nextInt(UUIDS.length)] : new UUID(random.nextLong(), random.nextLong());
        } else if (Records.class.isAssignableFrom(c)) {
            return nulls && random.nextInt(10) == 0 ? null : records();
        } else if (Message.class.isAssignableFrom(c)) {
            return struct(c, depth);
        }
        throw new IllegalStateException("no random values for " + c);
    }

    private Object struct(Class<?> c, int depth) {
        try {
            Object struct = c.getConstructor().newInstance();
            if (structs && depth < MAX_DEPTH) {
                fill(struct, depth + 1);
            }
            return struct;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(c.toString(), e);
        }
    }

    private List<Object> list(Type element, int depth) {
        if (nulls && random.nextInt(12) == 0) {
            return null;
        }
        int wanted = switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> 10 + random.nextInt(100);
            default -> 1 + random.nextInt(3);
        };
        int n = depth >= MAX_DEPTH ? 0 : Math.min(wanted, budget);
        budget -= n;
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Object v = value(element, depth + 1);
            list.add(v == null ? "" : v); // only strings come out null, and a null element cannot be encoded
        }
        return list;
    }

    /** Mostly small numbers (valid partitions, ids, counts), sometimes -1, extremes or anything. */
    private long number() {
        return switch (random.nextInt(10)) {
            case 0 -> -1;
            case 1 -> random.nextBoolean() ? Integer.MAX_VALUE : Integer.MIN_VALUE;
            case 2 -> random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
            case 3 -> random.nextLong();
            case 4 -> random.nextInt();
            default -> random.nextInt(6);
        };
    }

    String string() {
        return switch (random.nextInt(12)) {
            case 0 -> "";
            case 1 -> hugeStrings-- > 0 ? "x".repeat(random.nextInt(32_768)) : ""; // the longest a string may be
            case 2 -> oddUnicode();
            case 3, 4 -> randomAscii();
            default -> NAMES.get(random.nextInt(NAMES.size()));
        };
    }

    private String randomAscii() {
        char[] chars = new char[3 + random.nextInt(22)];
        for (int i = 0; i < chars.length; i++) {
            chars[i] = (char) (' ' + random.nextInt(95));
        }
        return new String(chars);
    }

    /** Control characters, a lone surrogate (encoded as '?'), multi-byte and zero-width characters. */
    private String oddUnicode() {
        String[] parts = {"\u0000", "\uD800", "\u00e9", "\u4e2d", "\uD83D\uDE00", "\u200B", "\n", "..", "/", "\u00ff"};
        StringBuilder s = new StringBuilder();
        for (int i = 1 + random.nextInt(8); i > 0; i--) {
            s.append(parts[random.nextInt(parts.length)]);
        }
        return s.toString();
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** A well-formed batch (any compression, producer identity, records) or, sometimes, garbage. */
    private Records records() {
        if (random.nextInt(5) == 0) {
            return BufferRecords.wrap(bytes(random.nextInt(200)));
        }
        CompressionType[] compressions = CompressionType.values();
        ProduceBatch batch = random.nextBoolean() ? ProduceBatch.create()
                : ProduceBatch.compressed(compressions[random.nextInt(compressions.length)]);
        if (random.nextInt(3) == 0) {
            batch.producer(random.nextInt(4), (short) random.nextInt(3), random.nextInt(4) == 0 ? random.nextInt() : 0);
        }
        if (random.nextInt(8) == 0) {
            batch.transactional();
        }
        if (random.nextInt(16) == 0) {
            batch.control();
        }
        long now = 1_750_000_000_000L + random.nextInt(1 << 30); // fixed, not the clock: seeds replay
        for (int i = random.nextInt(5); i >= 0; i--) {
            long ts = random.nextInt(10) == 0 ? random.nextLong() : now;
            List<Header> headers = random.nextBoolean() ? List.of()
                    : List.of(new Header(string(), random.nextBoolean() ? null : bytes(random.nextInt(20))));
            batch.record(ts, random.nextBoolean() ? null : bytes(random.nextInt(30)),
                    random.nextInt(10) == 0 ? null : string().getBytes(StandardCharsets.UTF_8), headers);
        }
        return new BufferRecords(batch.build());
    }
}

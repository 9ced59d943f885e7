package dev.wharf.compat;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;

/**
 * Damage done to a valid request frame ({@code int32 length | header | body}): bit flips, bytes
 * inserted, deleted or overwritten with extreme lengths, overlong varints and huge compact-array
 * lengths spliced in, garbage tagged fields appended, the header's API key or version changed, the
 * body cut short. The length prefix is kept consistent with what follows (so the broker's frame
 * decoder sees one whole frame and the message decoder meets the damage), except by
 * {@link #mutate} choosing to leave it wrong now and then. Framing attacks on the prefix itself
 * (oversized, negative, longer than what is sent) are {@link HostileClient}'s.
 */
final class FrameMutations {
    /** Varints: 0 in five bytes (overlong), and 2^32-1, the longest compact length there is. */
    private static final byte[] OVERLONG_ZERO = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0};
    private static final byte[] HUGE_VARINT = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
    private static final byte[] TEN_BYTE_VARINT = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
        (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x01};
    private static final int[] EXTREME_INTS = {-1, -2, 0, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7fff, 0xffff, 1 << 24};

    private final Random random;

    FrameMutations(Random random) {
        this.random = random;
    }

    /** One to three mutations of {@code frame}; the result is a new array. */
    byte[] mutate(byte[] frame) {
        byte[] body = Arrays.copyOfRange(frame, 4, frame.length);
        for (int i = 1 + random.nextInt(3); i > 0; i--) {
            body = mutateBody(body);
        }
        int length = body.length;
        if (random.nextInt(20) == 0) { // a prefix that disagrees a little with what follows
            length += random.nextInt(9) - 4;
        }
        return ByteBuffer.allocate(4 + body.length).putInt(length).put(body).array();
    }

    private byte[] mutateBody(byte[] body) {
        if (body.length < 2) {
            return insert(body, random.nextInt(body.length + 1), bytes(1 + random.nextInt(8)));
        }
        int at = random.nextInt(body.length);
        return switch (random.nextInt(11)) {
            case 0, 1 -> flipBits(body);
            case 2 -> insert(body, at, bytes(1 + random.nextInt(8)));
            case 3 -> delete(body, at, 1 + random.nextInt(Math.min(8, body.length - at)));
            case 4 -> overwriteInt(body, at, EXTREME_INTS[random.nextInt(EXTREME_INTS.length)]);
            case 5 -> overwriteShort(body, at, (short) EXTREME_INTS[random.nextInt(EXTREME_INTS.length)]);
            case 6 -> insert(body, at, random.nextBoolean() ? OVERLONG_ZERO : TEN_BYTE_VARINT);
            case 7 -> insert(body, at, HUGE_VARINT);
            case 8 -> garbageTaggedFields(body);
            case 9 -> header(body);
            default -> Arrays.copyOf(body, random.nextInt(body.length)); // torn
        };
    }

    private byte[] flipBits(byte[] body) {
        byte[] out = body.clone();
        for (int i = 1 + random.nextInt(8); i > 0; i--) {
            int at = random.nextInt(out.length);
            out[at] ^= (byte) (1 << random.nextInt(8));
        }
        return out;
    }

    /** Tag count, tags and sizes of any value at the end, where the top-level tagged fields are. */
    private byte[] garbageTaggedFields(byte[] body) {
        byte[] tail = random.nextBoolean() ? bytes(1 + random.nextInt(12))
                : new byte[] {(byte) (1 + random.nextInt(3)), (byte) random.nextInt(128), (byte) random.nextInt(256), 1, 2};
        byte[] cut = Arrays.copyOf(body, Math.max(0, body.length - 1)); // replace the last tag count
        return insert(cut, cut.length, tail);
    }

    /** An API key or version out of range, or a correlation id of -1. */
    private byte[] header(byte[] body) {
        if (body.length < 8) {
            return body;
        }
        ByteBuffer b = ByteBuffer.wrap(body.clone());
        switch (random.nextInt(3)) {
            case 0 -> b.putShort(0, (short) (random.nextBoolean() ? random.nextInt(100) : -1 - random.nextInt(5)));
            case 1 -> b.putShort(2, (short) (random.nextBoolean() ? b.getShort(2) + 1 + random.nextInt(20) : -1));
            default -> b.putInt(4, -1);
        }
        return b.array();
    }

    private static byte[] overwriteInt(byte[] body, int at, int value) {
        if (at + 4 > body.length) {
            return body;
        }
        return ByteBuffer.wrap(body.clone()).putInt(at, value).array();
    }

    private static byte[] overwriteShort(byte[] body, int at, short value) {
        if (at + 2 > body.length) {
            return body;
        }
        return ByteBuffer.wrap(body.clone()).putShort(at, value).array();
    }

    private static byte[] insert(byte[] body, int at, byte[] bytes) {
        byte[] out = new byte[body.length + bytes.length];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(bytes, 0, out, at, bytes.length);
        System.arraycopy(body, at, out, at + bytes.length, body.length - at);
        return out;
    }

    private static byte[] delete(byte[] body, int at, int n) {
        byte[] out = new byte[body.length - n];
        System.arraycopy(body, 0, out, 0, at);
        System.arraycopy(body, at + n, out, at, body.length - at - n);
        return out;
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}

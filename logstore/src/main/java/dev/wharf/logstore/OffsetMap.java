package dev.wharf.logstore;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The log cleaner's map from a record key to the offset of its latest record, in one fixed
 * off-heap buffer ({@code log.cleaner.dedupe.buffer.size} split over the cleaner threads), as
 * Kafka's SkimpyOffsetMap: keys are not kept, only their 16-byte MD5, so two keys whose hashes
 * collide count as one (a record may then be cleaned away early: the odds are negligible, and
 * Kafka takes the same risk).
 *
 * <p>Layout: {@code slots = bytes / 24} slots of {@code [16-byte MD5][8-byte offset + 1]}, an
 * offset field of 0 meaning an empty slot. Open addressing with linear probing from a position
 * taken from the hash. The map takes at most {@code slots * loadFactor} keys, so probes stay short;
 * past that it is {@link #isFull() full} and the cleaner ends its round early.
 *
 * <p>Not thread-safe: each cleaner thread owns one.
 */
final class OffsetMap {
    private static final int HASH_BYTES = 16;
    private static final int SLOT_BYTES = HASH_BYTES + 8;

    private final ByteBuffer slots;
    private final int slotCount;
    private final int maxEntries;
    private final MessageDigest md5;
    private final byte[] hash = new byte[HASH_BYTES];
    private final ByteBuffer hashView = ByteBuffer.wrap(hash);
    private int entries;
    private long latestOffset = -1;

    OffsetMap(int bytes, double loadFactor) {
        this.slotCount = bytes / SLOT_BYTES;
        if (slotCount < 2) {
            throw new IllegalArgumentException("an offset map needs at least " + 2 * SLOT_BYTES + " bytes, not " + bytes);
        }
        if (!(loadFactor > 0 && loadFactor < 1)) {
            throw new IllegalArgumentException("load factor must be between 0 and 1, not " + loadFactor);
        }
        // below slotCount: a free slot always remains, so every probe ends
        this.maxEntries = Math.max(1, (int) (slotCount * loadFactor));
        this.slots = ByteBuffer.allocateDirect(slotCount * SLOT_BYTES);
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
    }

    /** The bytes of its buffer. */
    int bytes() {
        return slotCount * SLOT_BYTES;
    }

    /** How many keys the map takes before it is full. */
    int capacity() {
        return maxEntries;
    }

    int size() {
        return entries;
    }

    boolean isFull() {
        return entries >= maxEntries;
    }

    /** The largest offset put since the last clear; -1 when none. */
    long latestOffset() {
        return latestOffset;
    }

    /** Raises {@link #latestOffset()} to {@code offset}: a segment mapped to its end counts as mapped. */
    void advanceLatestOffset(long offset) {
        latestOffset = Math.max(latestOffset, offset);
    }

    /**
     * Records {@code offset} as the latest of {@code key}. False, and nothing recorded, when the
     * key is new and the map is full.
     */
    boolean put(ByteBuf key, long offset) {
        int slot = find(key);
        if (slots.getLong(slot + HASH_BYTES) == 0) {
            if (isFull()) {
                return false;
            }
            slots.put(slot, hash);
            entries++;
        }
        slots.putLong(slot + HASH_BYTES, offset + 1);
        latestOffset = Math.max(latestOffset, offset);
        return true;
    }

    /** The latest offset put for {@code key}; -1 when it was never put. */
    long get(ByteBuf key) {
        return slots.getLong(find(key) + HASH_BYTES) - 1;
    }

    /** Forgets every key (a new round). */
    void clear() {
        for (int i = 0; i < slotCount * SLOT_BYTES; i += 8) {
            slots.putLong(i, 0);
        }
        entries = 0;
        latestOffset = -1;
    }

    /**
     * The byte position of the slot holding the key's hash, or of the empty slot where it would
     * go; leaves the hash in {@link #hash}.
     */
    private int find(ByteBuf key) {
        md5.reset();
        md5.update(key.nioBuffer());
        try {
            md5.digest(hash, 0, HASH_BYTES);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException(e);
        }
        int start = Math.floorMod(((hash[0] & 0xff) << 24) | ((hash[1] & 0xff) << 16) | ((hash[2] & 0xff) << 8)
                | (hash[3] & 0xff), slotCount);
        int i = start;
        do {
            int pos = i * SLOT_BYTES;
            if (slots.getLong(pos + HASH_BYTES) == 0 || sameHash(pos)) {
                return pos;
            }
            i = i + 1 == slotCount ? 0 : i + 1;
        } while (i != start);
        throw new IllegalStateException("offset map has no free slot");
    }

    private boolean sameHash(int pos) {
        return slots.getLong(pos) == hashView.getLong(0) && slots.getLong(pos + 8) == hashView.getLong(8);
    }
}

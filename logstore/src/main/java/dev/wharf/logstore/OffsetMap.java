package dev.wharf.logstore;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The log cleaner's map from a record key to the offset of its latest record, off-heap, as Kafka's
 * SkimpyOffsetMap: keys are not kept, only their 16-byte MD5, so two keys whose hashes collide
 * count as one (a record may then be cleaned away early: the odds are negligible, and Kafka takes
 * the same risk).
 *
 * <p>Layout: {@code bytes / 24} slots of {@code [16-byte MD5][8-byte offset + 1]}, an offset field
 * of 0 meaning an empty slot. Open addressing with linear probing from a position taken from the
 * hash. A map holds at most {@code slots * loadFactor} keys, so probes stay short. Unlike Kafka's,
 * it starts small and doubles (rehashing from the stored hashes) as keys come, up to
 * {@code maxBytes} (the thread's share of {@code log.cleaner.dedupe.buffer.size}): a log with a
 * thousand keys costs a small map, not the whole buffer. Past the limit it is {@link #isFull()
 * full} and the cleaner ends its round early.
 *
 * <p>Not thread-safe: each cleaner thread owns one.
 */
final class OffsetMap {
    private static final int HASH_BYTES = 16;
    private static final int SLOT_BYTES = HASH_BYTES + 8;
    /** The first buffer: 64 KiB, some 2,400 keys. */
    private static final int INITIAL_BYTES = SLOT_BYTES * 2730;

    private final int maxBytes;
    private final double loadFactor;
    private final MessageDigest md5;
    private final byte[] hash = new byte[HASH_BYTES];
    private final ByteBuffer hashView = ByteBuffer.wrap(hash);
    private ByteBuffer slots;
    private int slotCount;
    private int maxEntries;
    private int entries;
    private long latestOffset = -1;

    /** A map that grows to at most {@code maxBytes}. */
    OffsetMap(int maxBytes, double loadFactor) {
        if (maxBytes / SLOT_BYTES < 2) {
            throw new IllegalArgumentException("an offset map needs at least " + 2 * SLOT_BYTES + " bytes, not " + maxBytes);
        }
        if (!(loadFactor > 0 && loadFactor < 1)) {
            throw new IllegalArgumentException("load factor must be between 0 and 1, not " + loadFactor);
        }
        this.maxBytes = maxBytes;
        this.loadFactor = loadFactor;
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has MD5", e);
        }
        allocate(Math.min(INITIAL_BYTES, maxBytes) / SLOT_BYTES);
    }

    private void allocate(int slotCount) {
        this.slotCount = slotCount;
        // below slotCount: a free slot always remains, so every probe ends
        this.maxEntries = Math.max(1, (int) (slotCount * loadFactor));
        this.slots = ByteBuffer.allocateDirect(slotCount * SLOT_BYTES);
    }

    /** The bytes of its buffer now. */
    int bytes() {
        return slotCount * SLOT_BYTES;
    }

    /** How many keys the map takes before it is full, grown to its limit. */
    int capacity() {
        return Math.max(1, (int) (maxBytes / SLOT_BYTES * loadFactor));
    }

    int size() {
        return entries;
    }

    /** Whether a new key no longer fits, even after growing to the limit. */
    boolean isFull() {
        return entries >= maxEntries && !canGrow();
    }

    private boolean canGrow() {
        return slotCount < maxBytes / SLOT_BYTES;
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
     * key is new and the map is full at its limit.
     */
    boolean put(ByteBuf key, long offset) {
        digest(key);
        int slot = find();
        if (slots.getLong(slot + HASH_BYTES) == 0) {
            if (entries >= maxEntries) {
                if (!canGrow()) {
                    return false;
                }
                grow();
                slot = find();
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
        digest(key);
        return slots.getLong(find() + HASH_BYTES) - 1;
    }

    /** Forgets every key (a new round); keeps the buffer as grown. */
    void clear() {
        for (int i = 0; i < slotCount * SLOT_BYTES; i += 8) {
            slots.putLong(i, 0);
        }
        entries = 0;
        latestOffset = -1;
    }

    /** Doubles the slots (at most to the limit) and puts every entry back by its stored hash. */
    private void grow() {
        ByteBuffer old = slots;
        int oldCount = slotCount;
        allocate((int) Math.min((long) oldCount * 2, maxBytes / SLOT_BYTES));
        byte[] saved = hash.clone();
        for (int i = 0; i < oldCount; i++) {
            int pos = i * SLOT_BYTES;
            long offsetPlusOne = old.getLong(pos + HASH_BYTES);
            if (offsetPlusOne != 0) {
                old.get(pos, hash);
                int slot = find();
                slots.put(slot, hash);
                slots.putLong(slot + HASH_BYTES, offsetPlusOne);
            }
        }
        System.arraycopy(saved, 0, hash, 0, HASH_BYTES);
    }

    private void digest(ByteBuf key) {
        md5.reset();
        md5.update(key.nioBuffer());
        try {
            md5.digest(hash, 0, HASH_BYTES);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The byte position of the slot holding {@link #hash}, or of the empty slot where it would go. */
    private int find() {
        int start = Math.floorMod(hashView.getInt(0), slotCount);
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

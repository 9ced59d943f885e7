package dev.wharf.logstore;

import java.nio.channels.FileChannel;

/**
 * A readable range of a segment file: whole batches, the first starting at offset
 * {@code firstOffset}, to be sent with {@code transferTo}. Reading it needs no lock: the bytes of
 * complete batches never change.
 */
public record Slice(FileChannel channel, long position, int length, long firstOffset) {}

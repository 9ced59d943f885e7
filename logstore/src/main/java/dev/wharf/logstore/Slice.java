package dev.wharf.logstore;

import java.nio.channels.FileChannel;

/**
 * A readable range of a segment file: whole batches from {@code firstOffset}'s batch to
 * {@code lastOffset}'s, to be sent with {@code transferTo}.
 */
public record Slice(FileChannel channel, long position, int length, long firstOffset, long lastOffset) {}

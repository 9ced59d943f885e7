package dev.wharf.logstore;

/** A record's timestamp and offset, as ListOffsets answers them. */
public record TimestampOffset(long timestamp, long offset) {}

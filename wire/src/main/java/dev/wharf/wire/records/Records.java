package dev.wharf.wire.records;

/**
 * The record data of a Produce request or Fetch response: either bytes in memory (a slice of a
 * network buffer) or a region of a log file. Neither is ever copied by the codecs unless asked.
 */
public sealed interface Records permits BufferRecords, FileRecords {
    int sizeInBytes();
}

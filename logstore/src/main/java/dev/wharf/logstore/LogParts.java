package dev.wharf.logstore;

import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The parts of one {@link PartitionLog} its helpers ({@link LogWriter}, {@link LogTruncation}) work
 * on, all under the log's lock: its segments, flush state, epoch history, producer state, offsets,
 * clock and current settings.
 */
record LogParts(LogSegments segments, LogFlusher flusher, LeaderEpochCache epochs, ProducerStateTable producers,
        LogOffsets offsets, LongSupplier clock, Supplier<LogConfig> config) {}

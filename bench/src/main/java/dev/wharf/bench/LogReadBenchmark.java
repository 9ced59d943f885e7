package dev.wharf.bench;

import dev.wharf.logstore.LogConfig;
import dev.wharf.logstore.LogEnvironment;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.ReadResult;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.RecordBatchBuilder;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency of turning a fetch offset into a file slice (index lookup plus batch-header reads) on a
 * 256 MiB log of 1 KiB batches in 64 MiB segments, at random offsets, for a 1 MiB fetch.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class LogReadBenchmark {
    private Path dir;
    private PartitionLog log;

    @Setup(Level.Trial)
    public void fill() throws IOException {
        dir = Files.createTempDirectory("wharf-read-bench");
        log = PartitionLog.open(dir.resolve("bench-0"), new TopicPartition("bench", 0),
                LogConfig.DEFAULTS.with(java.util.Map.of("segment.bytes", Integer.toString(64 << 20))), 0, 0, true,
                LogEnvironment.standalone(System::currentTimeMillis));
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE);
        for (int i = 0; i < 4; i++) {
            b.append(1_700_000_000_000L + i, null, new byte[230], List.of());
        }
        ByteBuf batch = b.build();
        while (log.size() < 256L << 20) {
            log.append(batch.duplicate(), 0);
        }
    }

    @TearDown(Level.Trial)
    public void delete() throws IOException {
        log.close();
        BenchFiles.deleteRecursively(dir);
    }

    /** A 1 MiB fetch at a random offset: returns the slice, reads no record bytes. */
    @Benchmark
    public Object readSlice() throws IOException {
        long offset = ThreadLocalRandom.current().nextLong(log.logEndOffset());
        ReadResult r = log.read(offset, 1 << 20, log.logEndOffset());
        if (!(r instanceof ReadResult.Batches b)) {
            throw new IllegalStateException("no data at " + offset);
        }
        b.slice().release(); // nothing sends it
        return r;
    }
}

package dev.wharf.bench;

import dev.wharf.logstore.LogConfig;
import dev.wharf.logstore.LogEnvironment;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.RecordBatchBuilder;
import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Append throughput of a partition log against the same bytes written by a plain
 * {@code FileChannel.write} loop on the same disk (the ceiling). Both write to the page cache
 * (no fsync per append, as Kafka's default). Each iteration starts on an empty directory so the
 * disk does not fill up. MB/s = ops/s x batch bytes.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class LogAppendBenchmark {
    @Param({"1024", "16384"})
    int batchBytes;

    private ByteBuf batch;
    private ByteBuffer raw;
    private Path dir;
    private PartitionLog log;
    private FileChannel plain;
    private long plainPosition;

    @Setup(Level.Trial)
    public void buildBatch() {
        RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE).producer(1, (short) 0, 0);
        int records = Math.max(1, batchBytes / 256);
        byte[] value = new byte[(batchBytes - 61) / records - 12];
        for (int i = 0; i < records; i++) {
            b.append(1_700_000_000_000L + i, null, value, List.of());
        }
        batch = b.build();
        raw = batch.nioBuffer();
    }

    @Setup(Level.Iteration)
    public void open() throws IOException {
        dir = Files.createTempDirectory("wharf-append-bench");
        log = PartitionLog.open(dir.resolve("bench-0"), new TopicPartition("bench", 0),
                LogConfig.DEFAULTS, 0, 0, true,
                LogEnvironment.standalone(System::currentTimeMillis));
        plain = FileChannel.open(dir.resolve("plain.log"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        plainPosition = 0;
    }

    @TearDown(Level.Iteration)
    public void close() throws IOException {
        log.close();
        plain.close();
        BenchFiles.deleteRecursively(dir);
    }

    /** One batch appended: offsets assigned in place, written, indexed. */
    @Benchmark
    public long partitionLogAppend() throws IOException {
        return log.append(batch.duplicate(), 0).lastOffset();
    }

    /** The same bytes with a bare positional write: what the disk and page cache allow. */
    @Benchmark
    public long fileChannelWrite() throws IOException {
        ByteBuffer b = raw.duplicate();
        while (b.hasRemaining()) {
            plainPosition += plain.write(b, plainPosition);
        }
        return plainPosition;
    }
}

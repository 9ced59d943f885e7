package dev.wharf.bench;

import dev.wharf.wire.frame.EncodedResponse;
import dev.wharf.wire.frame.Request;
import dev.wharf.wire.frame.RequestFrames;
import dev.wharf.wire.frame.ResponseFrames;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.FetchResponse;
import dev.wharf.wire.protocol.MessageWriter;
import dev.wharf.wire.records.FileRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
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
 * The wire layer's hot paths: decoding a Produce request of 16 partitions x 16 KiB batches (and
 * re-encoding it, with records as zero-copy parts or copied into one buffer), and encoding a Fetch
 * response of the same shape whose records are log-file regions. Run with {@code -prof gc} for
 * bytes allocated per operation.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class WireBenchmark {
    /** Records per 16 KiB batch: 16 of ~1 KiB, or 512 of ~32 bytes (allocation must not depend on it). */
    @Param({"16", "512"})
    int recordsPerBatch;

    private final ByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
    private ByteBuf produceFrame;
    private ByteBuf copyTarget;
    private Path logFile;
    private FileChannel log;
    private FetchResponse fetchResponse;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        List<ByteBuf> batches = BenchData.batches(recordsPerBatch);
        produceFrame = BenchData.produceFrame(batches);
        copyTarget = Unpooled.directBuffer(produceFrame.readableBytes() + 1024);
        logFile = BenchData.logFile(batches);
        log = FileChannel.open(logFile, StandardOpenOption.READ);
        List<FetchResponse.PartitionData> fetched = new ArrayList<>();
        long position = 0;
        for (int p = 0; p < batches.size(); p++) {
            int size = batches.get(p).readableBytes();
            fetched.add(new FetchResponse.PartitionData().setPartitionIndex(p).setHighWatermark(1000)
                    .setLastStableOffset(1000).setLogStartOffset(0).setRecords(new FileRecords(log, position, size)));
            position += size;
        }
        fetchResponse = new FetchResponse().setResponses(List.of(new FetchResponse.FetchableTopicResponse()
                .setTopicId(new UUID(12, 34)).setPartitions(fetched)));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        log.close();
        java.nio.file.Files.deleteIfExists(logFile);
        produceFrame.release();
        copyTarget.release();
    }

    /** Decode only: header, body, and each partition's records as a slice of the frame. */
    @Benchmark
    public Object produceDecode() {
        return RequestFrames.decode(produceFrame.duplicate());
    }

    /** Decode, then re-encode with the records left in place as inserts (how a broker forwards them). */
    @Benchmark
    public int produceDecodeReencodeZeroCopy() {
        Request request = RequestFrames.decode(produceFrame.duplicate());
        ByteBuf out = alloc.buffer(1024);
        MessageWriter writer = MessageWriter.withRecordInserts(out);
        request.body().write(writer, request.version());
        int inserts = writer.recordInserts().count();
        writer.recordInserts().release();
        out.release();
        return inserts;
    }

    /** Decode, then re-encode into one contiguous buffer (copies the 256 KiB of records). */
    @Benchmark
    public int produceDecodeReencodeCopy() {
        Request request = RequestFrames.decode(produceFrame.duplicate());
        copyTarget.clear();
        request.body().write(new MessageWriter(copyTarget), request.version());
        return copyTarget.writerIndex();
    }

    /** Fetch response v16 with 16 file regions: header/metadata bytes plus FileRecords parts. */
    @Benchmark
    public int fetchResponseEncode() {
        EncodedResponse response = ResponseFrames.encode(alloc, ApiKey.FETCH, BenchData.FETCH_VERSION, 7, fetchResponse);
        long size = response.frameSize();
        response.release();
        return (int) size;
    }
}

package dev.wharf.bench;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.network.Send;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.FileRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ResponseHeader;
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
 * The same work as {@link WireBenchmark}, done by Apache Kafka's own classes (kafka-clients 4.4.0),
 * on the same bytes: the baseline for the Wharf/Kafka ratios in the README.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
@State(Scope.Thread)
public class KafkaWireBenchmark {
    @Param({"16", "512"})
    int recordsPerBatch;

    private ByteBuffer produceFrame;
    private ByteBuffer copyTarget;
    private Path logFile;
    private FileRecords log;
    private FetchResponseData fetchResponse;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        List<ByteBuf> batches = BenchData.batches(recordsPerBatch);
        ByteBuf framed = BenchData.produceFrame(batches);
        produceFrame = ByteBuffer.allocateDirect(framed.readableBytes());
        produceFrame.put(framed.nioBuffer()).flip();
        framed.release();
        copyTarget = ByteBuffer.allocateDirect(produceFrame.capacity() + 1024);
        logFile = BenchData.logFile(batches);
        log = FileRecords.open(logFile.toFile());
        List<FetchResponseData.PartitionData> fetched = new ArrayList<>();
        int position = 0;
        for (int p = 0; p < batches.size(); p++) {
            int size = batches.get(p).readableBytes();
            fetched.add(new FetchResponseData.PartitionData().setPartitionIndex(p).setHighWatermark(1000)
                    .setLastStableOffset(1000).setLogStartOffset(0).setRecords(log.slice(position, size)));
            position += size;
        }
        fetchResponse = new FetchResponseData().setResponses(List.of(new FetchResponseData.FetchableTopicResponse()
                .setTopicId(new Uuid(12, 34)).setPartitions(fetched)));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        log.close();
        Files.deleteIfExists(logFile);
    }

    /** Header and body parse, as the Kafka broker's request channel does it. */
    @Benchmark
    public Object produceDecode() {
        ByteBuffer buf = produceFrame.duplicate();
        org.apache.kafka.common.requests.RequestHeader.parse(buf);
        return AbstractRequest.parseRequest(ApiKeys.PRODUCE, BenchData.PRODUCE_VERSION, new ByteBufferAccessor(buf));
    }

    /** Parse, then serialize the body into one contiguous buffer (copies the records). */
    @Benchmark
    public int produceDecodeReencodeCopy() {
        ByteBuffer buf = produceFrame.duplicate();
        org.apache.kafka.common.requests.RequestHeader.parse(buf);
        ProduceRequestData data = new ProduceRequestData(new ByteBufferAccessor(buf), BenchData.PRODUCE_VERSION);
        copyTarget.clear();
        ObjectSerializationCache cache = new ObjectSerializationCache();
        data.size(cache, BenchData.PRODUCE_VERSION);
        data.write(new ByteBufferAccessor(copyTarget), cache, BenchData.PRODUCE_VERSION);
        return copyTarget.position();
    }

    /** Fetch response v16 with 16 file slices, built into a zero-copy Send as the Kafka broker does. */
    @Benchmark
    public long fetchResponseEncode() {
        Send send = FetchResponse.of(fetchResponse).toSend(new ResponseHeader(7, (short) 1), BenchData.FETCH_VERSION);
        return send.size();
    }
}

package dev.wharf.bench;

import dev.wharf.server.metrics.ApiRequestMetrics;
import dev.wharf.server.metrics.BrokerTopicMetrics;
import dev.wharf.server.metrics.KafkaHistogram;
import dev.wharf.server.metrics.KafkaMeter;
import dev.wharf.server.metrics.MetricsRegistry;
import dev.wharf.server.metrics.RequestMetrics;
import dev.wharf.server.metrics.TopicMeters;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ProduceResponse;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the broker's metrics cost on its hot paths, per call: the calls a produce makes (its
 * partition's topic meters, its request's metrics looked up by API key and recorded), and the
 * meter and histogram underneath. Run with {@code -prof gc}: gc.alloc.rate.norm is the bytes each
 * call allocates, which should be 0.
 * {@code java -jar bench/target/benchmarks.jar MetricsRecordingBenchmark -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@State(Scope.Thread)
public class MetricsRecordingBenchmark {
    private MetricsRegistry registry;
    private TopicMeters topic;
    private RequestMetrics requests;
    private KafkaMeter meter;
    private KafkaHistogram histogram;
    private long value;
    /** A produce's answer: one topic, one partition, no error (NONE counted once). */
    private final ProduceResponse response = new ProduceResponse().setResponses(java.util.List.of(
            new ProduceResponse.TopicProduceResponse().setName("bench").setPartitionResponses(java.util.List.of(
                    new ProduceResponse.PartitionProduceResponse().setIndex(0)))));

    @Setup
    public void setUp() {
        registry = new MetricsRegistry();
        topic = new BrokerTopicMetrics(registry).opened("bench");
        requests = new RequestMetrics(registry);
        requests.of(ApiKey.PRODUCE); // made at the first request, as in the broker
        requests.processor(Thread.currentThread()); // at a connection's first request
        meter = new KafkaMeter("messages");
        histogram = new KafkaHistogram();
    }

    @TearDown
    public void tearDown() {
        registry.close();
    }

    /** A leader append: bytes and messages into the topic's and all topics' meters. */
    @Benchmark
    public void topicAppended() {
        topic.produceRequest();
        topic.appended(1024, 10);
    }

    /** A fetch's partition answered to a consumer. */
    @Benchmark
    public void topicFetched() {
        topic.fetched(4096, false);
    }

    /**
     * A completed Produce, as the dispatcher records it: in and out of the response queue, the API's
     * metrics looked up by key, RequestsPerSec of its version, eleven histograms and its response's
     * ErrorsPerSec.
     */
    @Benchmark
    public void requestCompleted() {
        long v = value++ & 1023;
        requests.responseQueued(0);
        requests.responseTaken(0);
        ApiRequestMetrics m = requests.of(ApiKey.PRODUCE);
        m.completed((short) 11, v * 1000, v * 20_000, v * 3000, v * 500, v * 700, v * 30_000, 0, 1100, 60);
        m.answered(response, (short) 11);
    }

    @Benchmark
    public void meterMark() {
        meter.mark(3);
    }

    @Benchmark
    public void histogramUpdate() {
        histogram.update(value++ & 65535);
    }
}

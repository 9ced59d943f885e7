package dev.wharf.compat.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;

/**
 * A Kafka Streams application with {@code exactly_once_v2}, run in its own JVM so that a test can
 * SIGKILL it mid-transaction. It reads {@code input} (String key, String value: a word), re-keys
 * each record by its word, which sends it through a repartition topic, counts per word in a
 * RocksDB store backed by a changelog topic, and writes every new count to {@code output} (String
 * word, Long count). The record cache is off, so each input record gives exactly one output record.
 * <p>
 * Arguments: bootstrap servers, application id, state directory, optionally a pause in
 * milliseconds per input record (so that a test can kill it with input still unprocessed), and
 * optionally the group protocol ({@code classic}, the default, or {@code streams}: KIP-1071).
 * <p>
 * Prints {@code STATE <old> -> <new>} on each state change ({@link #RUNNING} when it runs) and the
 * stack trace of any exception that stops a stream thread; exits 0 once closed, 1 after an error,
 * and halts at once when its stdin ends (the test that started it is gone).
 */
public final class WordCountMain {
    public static final String INPUT = "input";
    public static final String OUTPUT = "output";
    /** The line printed when the application reaches RUNNING. */
    public static final String RUNNING = "-> RUNNING";
    /** The repartition topic's infix: {@code <application id>-by-word-repartition}. */
    public static final String BY_WORD = "by-word";
    /** The store's name; its changelog is {@code <application id>-counts-changelog}. */
    public static final String COUNTS = "counts";

    /** Set by the shutdown hook: the end of stdin then is part of a deliberate stop, not the test dying. */
    private static volatile boolean shuttingDown;

    private WordCountMain() {}

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String applicationId = args[1];
        Path stateDir = Path.of(args[2]);
        long pauseMs = args.length > 3 ? Long.parseLong(args[3]) : 0;
        boolean streamsProtocol = args.length > 4 && args[4].equals("streams");

        Properties config = new Properties();
        config.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        config.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // transactions of about a second: a kill lands far more often inside one than while it commits
        config.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        config.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        config.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        config.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        if (streamsProtocol) {
            // the broker assigns the tasks; sessions and heartbeats are the broker's group.streams.* settings
            config.put(StreamsConfig.GROUP_PROTOCOL_CONFIG, "streams");
        } else {
            // the killed instance's member stays in the group until its session expires: the broker's minimum, not 45 s
            config.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
            config.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG), 1500);
        }
        // small fetches: otherwise the consumer hands out all the buffered input before the repartitioned records
        // fetched after it, and nothing is counted until the whole input has been re-keyed
        config.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), 1024);
        // records reach the broker while their transaction is open, not in one flush at commit (Streams' EOS linger is 100 ms)
        config.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        // small segments on the internal topics, so the counts' changelog is compacted while runs restore
        // from it (Kafka's internal testing key: segment.bytes may not be below 1 MiB)
        config.put(StreamsConfig.topicPrefix("internal.segment.bytes"), 16384);

        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()))
                .peek((key, word) -> pause(pauseMs))
                .selectKey((key, word) -> word)
                .groupByKey(Grouped.with(BY_WORD, Serdes.String(), Serdes.String()))
                .count(Materialized.as(COUNTS))
                .toStream()
                .to(OUTPUT, Produced.with(Serdes.String(), Serdes.Long()));

        exitWhenParentDies();
        CountDownLatch stopped = new CountDownLatch(1);
        boolean[] failed = {false};
        KafkaStreams streams = new KafkaStreams(builder.build(), config);
        streams.setStateListener((now, before) -> {
            System.out.println("STATE " + before + " -> " + now);
            System.out.flush();
            if (now == KafkaStreams.State.ERROR) {
                failed[0] = true;
            }
            if (now == KafkaStreams.State.NOT_RUNNING || now == KafkaStreams.State.ERROR) {
                stopped.countDown();
            }
        });
        streams.setUncaughtExceptionHandler(e -> {
            System.out.println("STREAM THREAD FAILED:");
            e.printStackTrace(System.out);
            System.out.flush();
            return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
        });
        // with the streams protocol a stopped instance leaves its group at once (a heartbeat with epoch -1), so its
        // tasks move without waiting for its session to expire
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown = true;
            if (streamsProtocol) {
                streams.close(CloseOptions.timeout(Duration.ofSeconds(10))
                        .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
            } else {
                streams.close(Duration.ofSeconds(10));
            }
        }, "close-streams"));
        streams.start();
        stopped.await();
        streams.close(Duration.ofSeconds(10));
        System.exit(failed[0] ? 1 : 0);
    }

    /** The test holds this JVM's stdin open; end of it means the test's JVM is gone, and so goes this one. */
    private static void exitWhenParentDies() {
        Thread watch = new Thread(() -> {
            try {
                while (System.in.read() != -1) {
                    // nothing is sent; only the end matters
                }
            } catch (java.io.IOException e) {
                // as good as the end
            }
            if (shuttingDown) {
                return; // stopped on purpose (SIGTERM): the shutdown hook is closing Streams
            }
            System.out.println("stdin closed: the test is gone, halting");
            Runtime.getRuntime().halt(2);
        }, "parent-watch");
        watch.setDaemon(true);
        watch.start();
    }

    private static void pause(long ms) {
        if (ms <= 0) {
            return;
        }
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

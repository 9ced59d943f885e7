package dev.wharf.server.network;

import dev.wharf.server.metrics.ApiRequestMetrics;
import dev.wharf.server.metrics.RequestMetrics;
import dev.wharf.wire.frame.Request;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.FetchRequest;
import dev.wharf.wire.protocol.ApiMessage;
import java.net.SocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bookkeeping of one connection's requests from read to response: when each phase ended, the
 * {@code RequestMetrics} it makes, and the request log line. The phases, mapped onto Wharf's
 * threads (Kafka's names): <b>RequestQueueTime</b> from the frame read to the handler's start (behind
 * the connection's previous request, then in the I/O pool's queue or the event loop's task queue);
 * <b>LocalTime</b> the handler's own call; <b>RemoteTime</b> from its return until its answer is
 * ready (a fetch waiting for data, an acks=all produce waiting for the ISR, a group write);
 * <b>ResponseQueueTime</b> from then until the event loop takes the answer; <b>ResponseSendTime</b>
 * encoding it and handing it to the socket; <b>TotalTime</b> all of it.
 *
 * <p>The times live in arrays indexed by the request's sequence number (a connection has fewer
 * than {@link #SLOTS} requests in flight: {@link RequestDispatcher#MAX_PENDING}), so timing a
 * request allocates nothing. They start at {@link #FIRST_SLOTS}, as most connections never have
 * more than a few requests in flight (at full size they cost 10,000 idle connections 40 MiB), and
 * double, with the slots in flight copied, when a connection pipelines deeper. Threads: a slot is
 * written by the event loop (read, answer) and by the thread that runs or completes the handler;
 * the hand-overs between them (executor tasks, future completions) order those writes before the
 * event loop's reads. A handler thread's write that races with a doubling may land in the old
 * arrays and be lost: such a request's phases are then not recorded ({@link #completed}).
 *
 * <p>Request log: one line per completed request at DEBUG on the logger
 * {@code dev.wharf.request.<ApiName>} ({@code dev.wharf.request.Produce}, ...), built only when that
 * logger is enabled.
 */
final class RequestCompletions {
    static final int SLOTS = 128;
    static final int FIRST_SLOTS = 8;
    private static final Logger[] REQUEST_LOGS = requestLogs();

    private final RequestMetrics metrics;
    private long[] received = new long[FIRST_SLOTS];
    private long[] started = new long[FIRST_SLOTS];
    private long[] handled = new long[FIRST_SLOTS];
    private long[] ready = new long[FIRST_SLOTS];
    /** The event loop's number (Kafka's processor), taken at the first request; written before any ready(). */
    private int processor = -1;
    private boolean processorKnown;

    RequestCompletions(RequestMetrics metrics) {
        this.metrics = metrics;
    }

    private static Logger[] requestLogs() {
        int max = 0;
        for (ApiKey api : ApiKey.values()) {
            max = Math.max(max, api.id);
        }
        Logger[] logs = new Logger[max + 1];
        for (ApiKey api : ApiKey.values()) {
            logs[api.id] = LoggerFactory.getLogger("dev.wharf.request." + api.displayName);
        }
        return logs;
    }

    private static int slot(long[] times, long sequence) {
        return (int) (sequence & (times.length - 1));
    }

    /** The frame was read (event loop); {@code oldest} is the oldest request of the connection not answered yet. */
    void received(long sequence, long oldest) {
        if (sequence - oldest >= received.length && received.length < SLOTS) {
            grow(oldest, sequence);
        }
        received[slot(received, sequence)] = System.nanoTime();
        if (!processorKnown) {
            processor = metrics.processor(Thread.currentThread());
            processorKnown = true;
        }
    }

    /** How many requests the arrays hold now. */
    int capacity() {
        return received.length;
    }

    /** When the request was read, for tests. */
    long receivedAt(long sequence) {
        return received[slot(received, sequence)];
    }

    /** Doubles the arrays (until they hold every request from {@code oldest} to {@code sequence}), keeping those in flight. */
    private void grow(long oldest, long sequence) {
        int size = received.length;
        while (size < SLOTS && sequence - oldest >= size) {
            size *= 2;
        }
        long[][] next = new long[4][size];
        long[][] now = {received, started, handled, ready};
        for (long s = oldest; s < sequence; s++) {
            for (int phase = 0; phase < 4; phase++) {
                next[phase][slot(next[phase], s)] = now[phase][slot(now[phase], s)];
            }
        }
        received = next[0];
        started = next[1];
        handled = next[2];
        ready = next[3];
    }

    /** The handler starts (its thread). */
    void started(long sequence) {
        long[] times = started;
        times[slot(times, sequence)] = System.nanoTime();
    }

    /** The handler's call returned (its thread). */
    void handled(long sequence) {
        long[] times = handled;
        times[slot(times, sequence)] = System.nanoTime();
    }

    /** The handler's answer is ready (the completing thread). */
    void ready(long sequence) {
        long[] times = ready;
        times[slot(times, sequence)] = System.nanoTime();
        metrics.responseQueued(processor);
    }

    /**
     * The answer was encoded and handed to the socket (event loop), {@code answeredAt} when the event
     * loop took it; {@code responseBytes} -1 for a request that gets no response; {@code throttleMs}
     * what its response told the client to hold back (a quota); {@code response} its body (null: none), whose error
     * codes are counted.
     */
    void completed(long sequence, Request request, ApiMessage response, int requestBytes, long responseBytes, int throttleMs,
            long answeredAt, String error, SocketAddress client) {
        long now = System.nanoTime();
        metrics.responseTaken(processor); // each completion follows its ready()
        int s = slot(received, sequence);
        long queue = started[s] - received[s];
        long local = handled[s] - started[s];
        long remote = Math.max(0, ready[s] - handled[s]);
        long responseQueue = Math.max(0, answeredAt - ready[s]);
        long send = now - answeredAt;
        long total = now - received[s];
        long size = Math.max(0, responseBytes);
        // a phase lost to a doubling of the arrays leaves an older request's time (or none) in its slot: nothing to record
        boolean timed = queue >= 0 && local >= 0 && ready[s] - received[s] >= 0;
        ApiRequestMetrics m = timed ? metrics.of(request.api()) : null;
        if (m != null) {
            m.completed(request.version(), queue, local, remote, responseQueue, send, total, throttleMs, requestBytes, size);
            if (responseBytes >= 0) { // sent: its errors counted, as Kafka counts them when it sends
                m.answered(response, request.version());
            }
            if (request.api() == ApiKey.FETCH) {
                boolean follower = fromFollower((FetchRequest) request.body());
                metrics.fetchBy(follower).completed(request.version(), queue, local, remote, responseQueue, send, total,
                        throttleMs, requestBytes, size);
            }
        }
        Logger log = REQUEST_LOGS[request.api().id];
        if (log.isDebugEnabled()) {
            log.debug("completed api={} version={} clientId={} correlationId={} client={} requestBytes={} responseBytes={} "
                    + "totalMs={} queueMs={} localMs={} remoteMs={} responseQueueMs={} sendMs={}{}",
                    request.api().displayName, request.version(), request.header().clientId(), request.correlationId(),
                    client, requestBytes, responseBytes, ms(total), ms(queue), ms(local), ms(remote), ms(responseQueue),
                    ms(send), error == null ? "" : " error=" + error);
        }
    }

    /** A follower's fetch names its replica id (in the header field before v15, in replica_state since). */
    private static boolean fromFollower(FetchRequest fetch) {
        return fetch.replicaId() >= 0 || fetch.replicaState() != null && fetch.replicaState().replicaId() >= 0;
    }

    private static String ms(long nanos) {
        return String.format(java.util.Locale.ROOT, "%.3f", nanos / (double) TimeUnit.MILLISECONDS.toNanos(1));
    }
}

package dev.wharf.server.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;

/**
 * How idle the broker's request threads are, by sampling: every {@link #PERIOD_MS} each thread's
 * top stack frame says whether it waits for work. Kafka's handler threads time their own waits;
 * Wharf's are a thread pool and Netty event loops, so they are looked at from outside instead.
 * <ul>
 * <li>{@code RequestHandlerAvgIdlePercent} (a meter in nanoseconds, as Kafka's: its rates are the
 * idle fraction): the I/O pool's {@code wharf-io-*} threads, idle when parked waiting for a task.
 * <li>{@code NetworkProcessorAvgIdlePercent} (a gauge): the {@code wharf-network-*} event loops,
 * idle when in epoll (or NIO's select) waiting for events; the fraction of the last
 * {@link #WINDOW} samples.
 * </ul>
 * Runs on the registry's {@code wharf-metrics} thread only.
 */
final class ThreadIdleSampler implements Runnable {
    static final long PERIOD_MS = 250;
    static final int WINDOW = 40;

    /** Taken at the first sample, off the start-up path (it loads the JVM's management classes). */
    private ThreadMXBean threads;
    private final KafkaMeter handlerIdle;
    private final double[] networkIdle = new double[WINDOW];
    private int samples;

    ThreadIdleSampler(MetricsRegistry registry) {
        handlerIdle = registry.meter(MetricName.of("kafka.server", "KafkaRequestHandlerPool", "RequestHandlerAvgIdlePercent"),
                "percent", TimeUnit.NANOSECONDS);
        registry.gauge(MetricName.of("kafka.network", "SocketServer", "NetworkProcessorAvgIdlePercent"), this::networkIdle);
    }

    private synchronized double networkIdle() {
        int n = Math.min(samples, WINDOW);
        if (n == 0) {
            return 1.0;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += networkIdle[i];
        }
        return sum / n;
    }

    @Override
    public void run() {
        if (threads == null) {
            threads = ManagementFactory.getThreadMXBean();
        }
        int handlers = 0;
        int handlersIdle = 0;
        int loops = 0;
        int loopsIdle = 0;
        for (ThreadInfo t : threads.getThreadInfo(threads.getAllThreadIds(), 1)) {
            if (t == null) {
                continue;
            }
            String name = t.getThreadName();
            if (name.startsWith("wharf-io-")) {
                handlers++;
                handlersIdle += t.getThreadState() == Thread.State.WAITING || t.getThreadState() == Thread.State.TIMED_WAITING ? 1 : 0;
            } else if (name.startsWith("wharf-network-")) {
                loops++;
                loopsIdle += waitsForEvents(t) ? 1 : 0;
            }
        }
        if (handlers > 0 && MetricsRegistry.RECORDING) {
            handlerIdle.mark(TimeUnit.MILLISECONDS.toNanos(PERIOD_MS) * handlersIdle / handlers);
        }
        if (loops > 0) {
            synchronized (this) {
                networkIdle[samples++ % WINDOW] = (double) loopsIdle / loops;
            }
        }
    }

    private static boolean waitsForEvents(ThreadInfo t) {
        StackTraceElement[] stack = t.getStackTrace();
        if (stack.length == 0) {
            return false;
        }
        String method = stack[0].getMethodName();
        String cls = stack[0].getClassName();
        return cls.endsWith(".Native") && method.startsWith("epoll") // Netty's native epoll transport
                || cls.endsWith("EPoll") && method.equals("wait") // NIO
                || t.getThreadState() == Thread.State.WAITING || t.getThreadState() == Thread.State.TIMED_WAITING;
    }
}

package dev.wharf.server.metrics;

import java.io.Closeable;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker's metrics by name, each shown as an MBean in the platform MBean server under its
 * Kafka name, and read by the Prometheus endpoint from here. Metrics are made once (a second ask
 * for the same name gets the same object), looked up when a topic, partition or API first needs
 * them, and cached by their users: nothing is looked up on a hot path.
 *
 * <p>Threads: made and removed from any thread; the MBean server's registrations run, in order,
 * on the one {@code wharf-metrics} thread, held back until the broker serves ({@link #showFrom}:
 * the first registration starts the platform MBean server, a fifth of a start on 2 cores), which also ticks the
 * meters' rates and rotates the histograms' windows.
 *
 * <p>Several brokers in one JVM (wharf-junit's clusters, tests): the first registry to start
 * showing ({@link #showFrom}) while no other does registers Kafka's names; every other one adds
 * the key {@code broker=<its broker id>} to each of its names (logged once, at DEBUG), so that
 * every broker's metrics can be read and a single broker's names are Kafka's. The claim ends when
 * its registry closes. Each unregisters only what it registered.
 */
public final class MetricsRegistry implements Closeable {
    private static final Logger log = LoggerFactory.getLogger(MetricsRegistry.class);

    /**
     * {@code -Dwharf.metrics.recording=false}: hot paths record nothing (the MBeans stay, their
     * counts at zero). Only for measuring what recording costs (bench/metrics-overhead.sh).
     */
    public static final boolean RECORDING = !"false".equals(System.getProperty("wharf.metrics.recording"));

    /** The registry that shows Kafka's own names in this JVM; null: none does. */
    private static final java.util.concurrent.atomic.AtomicReference<MetricsRegistry> KAFKA_NAMES =
            new java.util.concurrent.atomic.AtomicReference<>();

    private final Map<MetricName, Object> metrics = new ConcurrentHashMap<>();
    /** The names this registry got into the MBean server, as registered; touched only on {@link #thread}. */
    private final Map<MetricName, ObjectName> shown = new java.util.HashMap<>();
    /** The broker whose metrics these are, for the {@code broker} key (see the class comment). */
    private volatile int brokerId;
    /** Null while this registry shows Kafka's names; touched only on {@link #thread}. */
    private String brokerKey;
    /** Registrations held back until {@link #showFrom}: touched only on {@link #thread}. */
    private final Map<MetricName, Runnable> held = new java.util.LinkedHashMap<>();
    private boolean showing;
    private final ScheduledExecutorService thread;

    public MetricsRegistry() {
        thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "wharf-metrics");
            t.setDaemon(true);
            return t;
        });
        long window = TimeUnit.NANOSECONDS.toMillis(KafkaHistogram.WINDOW_NANOS);
        thread.scheduleAtFixedRate(this::rotateHistograms, window, window, TimeUnit.MILLISECONDS);
        thread.scheduleAtFixedRate(this::tickMeters, KafkaMeter.TICK_SECONDS, KafkaMeter.TICK_SECONDS, TimeUnit.SECONDS);
    }

    public KafkaMeter meter(MetricName name, String eventType) {
        return get(name, KafkaMeter.class, () -> new KafkaMeter(eventType), KafkaMeterMBean.class);
    }

    public KafkaMeter meter(MetricName name, String eventType, TimeUnit rateUnit) {
        return get(name, KafkaMeter.class, () -> new KafkaMeter(eventType, rateUnit), KafkaMeterMBean.class);
    }

    public KafkaHistogram histogram(MetricName name) {
        return get(name, KafkaHistogram.class, KafkaHistogram::new, KafkaHistogramMBean.class);
    }

    public KafkaTimer timer(MetricName name) {
        return get(name, KafkaTimer.class, KafkaTimer::new, KafkaTimerMBean.class);
    }

    public KafkaGauge gauge(MetricName name, Supplier<?> value) {
        return get(name, KafkaGauge.class, () -> new KafkaGauge(value), KafkaGaugeMBean.class);
    }

    /**
     * An MBean in Kafka Metrics' shape ({@code name} null: no {@code name=} key), its attributes
     * read from {@code attributes}; {@code meters} are ticked like the others.
     */
    void attributes(MetricName name, Map<String, ? extends Supplier<?>> attributes, java.util.List<KafkaMeter> meters) {
        get(name, Attributes.class, () -> new Attributes(new AttributesMBean(attributes), meters), null);
    }

    /** An MBean of attributes, and the meters behind them. */
    record Attributes(AttributesMBean mbean, java.util.List<KafkaMeter> meters) {}

    private <T> T get(MetricName name, Class<T> kind, Supplier<T> make, Class<?> mbeanInterface) {
        Object existing = metrics.get(name);
        if (existing == null) {
            T made = make.get();
            existing = metrics.putIfAbsent(name, made);
            if (existing == null) {
                onThread(() -> {
                    if (showing) {
                        show(name, made, mbeanInterface);
                    } else {
                        held.put(name, () -> show(name, made, mbeanInterface));
                    }
                });
                return made;
            }
        }
        return kind.cast(existing);
    }

    /** Removes the metric of this name, if there is one. */
    public void remove(MetricName name) {
        if (metrics.remove(name) != null) {
            onThread(() -> hide(name));
        }
    }

    /** Removes the metrics whose names match (a deleted topic's meters): looks at every metric. */
    public void remove(Predicate<MetricName> which) {
        for (MetricName name : metrics.keySet()) {
            if (which.test(name) && metrics.remove(name) != null) {
                onThread(() -> hide(name));
            }
        }
    }

    /** Every metric with its name, for a scrape. */
    public void forEach(BiConsumer<MetricName, Object> action) {
        metrics.forEach(action);
    }

    /** The metric of this name, or null. */
    public Object get(MetricName name) {
        return metrics.get(name);
    }

    /** Runs {@code task} every {@code periodMs}, the first time in {@code firstMs}, on the metrics thread (samplers). */
    void every(long firstMs, long periodMs, Runnable task) {
        thread.scheduleAtFixedRate(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("metrics task failed", e);
            }
        }, firstMs, periodMs, TimeUnit.MILLISECONDS);
    }

    private void tickMeters() {
        for (Object m : metrics.values()) {
            if (m instanceof KafkaMeter meter) {
                meter.tick();
            } else if (m instanceof KafkaTimer t) {
                t.meter().tick();
            } else if (m instanceof Attributes a) {
                a.meters().forEach(KafkaMeter::tick);
            }
        }
    }

    private void rotateHistograms() {
        for (Object m : metrics.values()) {
            if (m instanceof KafkaHistogram h) {
                h.rotate();
            } else if (m instanceof KafkaTimer t) {
                t.histogram().rotate();
            }
        }
    }

    private void onThread(Runnable task) {
        try {
            thread.execute(task);
        } catch (RejectedExecutionException e) {
            // closed: the broker is stopping, nothing more is shown
        }
    }

    private void show(MetricName name, Object metric, Class<?> mbeanInterface) {
        if (metrics.get(name) != metric) {
            return; // removed meanwhile
        }
        try {
            // a class named for its interface (KafkaGauge, KafkaGaugeMBean) is registered as it is: the MBean server then
            // builds one MBeanInfo per class, where a StandardMBean wrapper builds one per MBean (10,000 partitions: 40,000)
            Object mbean = metric instanceof Attributes a ? a.mbean()
                    : mbeanInterface.getName().equals(metric.getClass().getName() + "MBean") ? metric
                    : new StandardMBean(mbeanInterface.cast(metric), cast(mbeanInterface));
            ObjectName objectName = objectName(name);
            mbeanServer().registerMBean(mbean, objectName);
            shown.put(name, objectName);
        } catch (javax.management.InstanceAlreadyExistsException e) {
            log.debug("another broker in this JVM shows mbean={}", name.objectName());
        } catch (JMException | RuntimeException e) {
            log.warn("cannot register mbean={}", name.objectName(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> Class<T> cast(Class<?> c) {
        return (Class<T>) c;
    }

    /**
     * Registers the MBeans made so far, and from then on each as it is made, {@code delayMs} from
     * now: the broker calls it once it serves, so that starting the platform MBean server (a
     * quarter of a second of CPU) does not compete with its first requests.
     */
    public void showFrom(long delayMs) {
        try {
            thread.schedule(() -> {
                if (!KAFKA_NAMES.compareAndSet(null, this) && KAFKA_NAMES.get() != this) {
                    brokerKey = Integer.toString(brokerId);
                    log.debug("another broker in this JVM shows Kafka's metric names: broker {}'s MBeans carry broker={}",
                            brokerId, brokerKey);
                }
                showing = true;
                held.values().forEach(Runnable::run);
                held.clear();
            }, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // closed already
        }
    }

    private void hide(MetricName name) {
        held.remove(name);
        ObjectName objectName = shown.remove(name);
        if (objectName == null) {
            return;
        }
        try {
            mbeanServer().unregisterMBean(objectName);
        } catch (JMException e) {
            log.debug("mbean={} was gone already", objectName);
        }
    }

    /** Kafka's name, or with this broker's {@code broker} key when another registry shows Kafka's. */
    private ObjectName objectName(MetricName name) {
        if (brokerKey == null) {
            return name.objectName();
        }
        java.util.List<String> tags = new java.util.ArrayList<>(name.tags());
        tags.add("broker");
        tags.add(brokerKey);
        return new MetricName(name.domain(), name.type(), name.name(), tags).objectName();
    }

    /** The broker these metrics are of: the {@code broker} key's value if another registry shows Kafka's names. */
    public void brokerId(int brokerId) {
        this.brokerId = brokerId;
    }

    /** Whether this registry's MBeans carry Kafka's own names (it claimed them; see the class comment). */
    public boolean showsKafkaNames() throws InterruptedException {
        awaitShown();
        return KAFKA_NAMES.get() == this;
    }

    private static MBeanServer mbeanServer() {
        return ManagementFactory.getPlatformMBeanServer();
    }

    /** Returns once every registration asked for so far is done (tests). */
    public void awaitShown() throws InterruptedException {
        try {
            thread.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RejectedExecutionException e) {
            throw new IllegalStateException("the metrics thread did not answer", e);
        }
    }

    /** Unregisters every MBean this registry registered. */
    @Override
    public void close() {
        for (MetricName name : metrics.keySet()) {
            onThread(() -> hide(name));
        }
        metrics.clear();
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        KAFKA_NAMES.compareAndSet(this, null); // after its MBeans went: the next broker to show may take the names
    }
}

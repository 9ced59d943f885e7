package dev.wharf.compat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;

/**
 * The suite's external-broker mode: with {@code -Dcompat.bootstrap=host:port} the fixtures start no
 * Wharf and point every test at that one broker instead (Apache Kafka, or a Wharf started apart).
 * This class decides what such a broker can stand in for; a test that needs more (its own broker
 * processes, several brokers, a restart, settings the broker was not started with, Wharf's
 * internals) is aborted with a JUnit assumption whose message says why, and the feature matrix
 * shows it as "n/a". Without the property nothing here ever aborts a test.
 * <p>
 * A test that needs a feature at another level than the broker finalizes gets it switched with
 * UpdateFeatures for its duration ({@link BrokerFeatures}), as Kafka allows for most features.
 * <p>
 * The external broker is expected to run with the baseline in
 * {@code external-broker-baseline.properties}; a test's broker override is satisfied when it equals
 * the baseline. Called from test threads one at a time (the suite runs its classes sequentially).
 */
final class ExternalBroker {
    static final String PROPERTY = "compat.bootstrap";
    /** Settings that only place the in-process broker's files or tune its ZooKeeper: meaningless outside. */
    private static final Set<String> FIXTURE_ONLY = Set.of("log.dirs", "zookeeper.embedded.port",
            "zookeeper.session.timeout.ms");
    /** Wharf's broker settings that pick a feature level; the external broker's finalized level must match. */
    private static final Set<String> FEATURES = Set.of("transaction.version", "group.version", "share.version",
            "streams.version");
    private static final Map<String, String> BASELINE = loadBaseline();
    /** Directories of the RunningBrokers made so far: a second one in the same directory is a restart. */
    private static final Set<Path> USED_DIRS = new HashSet<>();
    private static int open;
    /** Feature levels the open broker was switched from for its test, by name: put back on release. */
    private static final Map<String, Short> SWITCHED = new TreeMap<>();

    private ExternalBroker() {
    }

    /** The external broker's bootstrap address, when the suite runs against one. */
    static Optional<String> bootstrap() {
        String value = System.getProperty(PROPERTY, "").trim();
        return value.isEmpty() || value.startsWith("${") ? Optional.empty() : Optional.of(value);
    }

    static boolean active() {
        return bootstrap().isPresent();
    }

    /** Aborts the calling test on an external broker, saying why it does not apply there. */
    static void assumeOwnBroker(String why) {
        if (active()) {
            Assumptions.abort("n/a on an external broker: " + why);
        }
    }

    /** The documented baseline the external broker runs with, by key. */
    static Map<String, String> baseline() {
        return BASELINE;
    }

    /**
     * Takes the external broker for a new {@link RunningBroker} in {@code dir} with these overrides:
     * aborts the test if they cannot be had there, else returns the address once the broker has been
     * reset to a fresh broker's state.
     */
    static synchronized String acquire(Path dir, Map<String, String> overrides) throws Exception {
        String address = bootstrap().orElseThrow();
        Map<String, Short> features = new TreeMap<>();
        for (Map.Entry<String, String> e : new TreeMap<>(overrides).entrySet()) {
            if (FEATURES.contains(e.getKey())) {
                features.put(e.getKey(), Short.parseShort(e.getValue()));
                continue;
            }
            String why = unmet(e.getKey(), e.getValue());
            if (why != null) {
                assumeOwnBroker(why);
            }
        }
        if (!USED_DIRS.add(dir.toAbsolutePath().normalize())) {
            assumeOwnBroker("restarts its broker (a second broker on the same log directory)");
        }
        if (open > 0) {
            assumeOwnBroker("runs two independent brokers at once");
        }
        BrokerReset.toFreshState(address);
        String why = BrokerFeatures.switchTo(address, features, SWITCHED);
        if (why != null) {
            assumeOwnBroker(why);
        }
        open++;
        return address;
    }

    static synchronized void release() throws Exception {
        open--;
        if (!SWITCHED.isEmpty()) {
            BrokerFeatures.switchBack(bootstrap().orElseThrow(), SWITCHED);
        }
    }

    /** Why a broker override cannot be had on the external broker, or null when it can. */
    private static String unmet(String key, String value) {
        if (FIXTURE_ONLY.contains(key) || value.equals(BASELINE.get(key))) {
            return null;
        }
        if (key.equals("zookeeper.connect") || key.equals("broker.id")) {
            return "runs several brokers on one ZooKeeper (" + key + ")";
        }
        if (key.startsWith("listener") || key.startsWith("sasl.") || key.startsWith("ssl.")
                || key.startsWith("principal.builder")) {
            return "needs listeners of its own (" + key + ")";
        }
        if (key.equals("authorizer.class.name") || key.equals("super.users")
                || key.equals("allow.everyone.if.no.acl.found")) {
            return "needs an authorizer configured (" + key + "=" + value + ")";
        }
        String base = BASELINE.get(key);
        return "needs broker setting " + key + "=" + value
                + (base == null ? " (not in the baseline)" : " (baseline: " + base + ")");
    }

    private static Map<String, String> loadBaseline() {
        Properties p = new Properties();
        try (InputStream in = ExternalBroker.class.getResourceAsStream("/external-broker-baseline.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k).trim()));
        return Map.copyOf(out);
    }
}

package dev.wharf.server.quota;

import dev.wharf.controller.ClientEntity;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The client quotas this broker enforces (KIP-13 byte rates, KIP-124 request time), per user
 * principal and client id, as configured in the users' and client ids' config entities
 * ({@link #configsChanged}, fed by the metadata store's watch). Each kind is measured over
 * {@code quota.window.num} windows of {@code quota.window.size.seconds} and yields Kafka's
 * throttle time, which the response carries and for which the connection is then not read
 * (KIP-219).
 *
 * <p>Threads: the {@code *ThrottleMs} methods from any thread; {@link #configsChanged} from the
 * ZooKeeper event thread (serialised by this object's monitor).
 */
public final class ClientQuotas {
    private static final double PERCENT_PER_NANO = 100.0 / TimeUnit.SECONDS.toNanos(1);

    private final LongSupplier clockMs;
    private final Map<QuotaKey, ClientQuotaTracker> trackers = new EnumMap<>(QuotaKey.class);
    private final Map<ClientEntity, Map<String, String>> configs = new HashMap<>();
    private volatile boolean any;

    public ClientQuotas(int windows, int windowSeconds, LongSupplier clockMs) {
        this.clockMs = clockMs;
        for (QuotaKey k : new QuotaKey[] {QuotaKey.PRODUCER_BYTE_RATE, QuotaKey.CONSUMER_BYTE_RATE, QuotaKey.REQUEST_PERCENTAGE}) {
            trackers.put(k, new ClientQuotaTracker(windows, TimeUnit.SECONDS.toMillis(windowSeconds)));
        }
    }

    /** An entity's configs are now {@code now} (quota keys and others, such as SCRAM credentials, which are skipped). */
    public synchronized void configsChanged(ClientEntity entity, Map<String, String> now) {
        if (now.isEmpty()) {
            configs.remove(entity);
        } else {
            configs.put(entity, now);
        }
        boolean anyNow = false;
        for (Map.Entry<QuotaKey, ClientQuotaTracker> t : trackers.entrySet()) {
            Map<ClientEntity, Double> quotas = new HashMap<>();
            configs.forEach((e, c) -> {
                String value = c.get(t.getKey().key);
                if (value != null) {
                    try {
                        quotas.put(e, Double.parseDouble(value));
                    } catch (NumberFormatException unreadable) {
                        // written by hand into ZooKeeper: not a quota
                    }
                }
            });
            t.getValue().quotasChanged(quotas);
            anyNow |= !quotas.isEmpty();
        }
        any = anyNow;
    }

    /** Whether any quota is configured at all: without one, nothing needs measuring. */
    public boolean any() {
        return any;
    }

    /** Records {@code bytes} of records produced by the client; the throttle time they earn. */
    public int produceThrottleMs(String principal, String clientId, long bytes) {
        return record(QuotaKey.PRODUCER_BYTE_RATE, principal, clientId, bytes);
    }

    /** Records {@code bytes} of fetch response sent to the client; the throttle time they earn. */
    public int fetchThrottleMs(String principal, String clientId, long bytes) {
        return record(QuotaKey.CONSUMER_BYTE_RATE, principal, clientId, bytes);
    }

    /** Records {@code nanos} of request handling for the client; the throttle time they earn. */
    public int requestThrottleMs(String principal, String clientId, long nanos) {
        return record(QuotaKey.REQUEST_PERCENTAGE, principal, clientId, nanos * PERCENT_PER_NANO);
    }

    /** The quota of one kind that applies to the client, or empty: for tests. */
    java.util.OptionalDouble quota(QuotaKey key, String principal, String clientId) {
        return trackers.get(key).quota(principal, clientId, clockMs.getAsLong());
    }

    /** How many rates of one kind are kept: for tests. */
    int rateCount(QuotaKey key) {
        return trackers.get(key).rateCount();
    }

    private int record(QuotaKey key, String principal, String clientId, double value) {
        if (!any) {
            return 0;
        }
        long ms = trackers.get(key).recordAndThrottleMs(principal, clientId, value, clockMs.getAsLong());
        return (int) Math.min(ms, Integer.MAX_VALUE);
    }

    /** The user a quota names: the principal's name without its type ({@code User:alice} is {@code alice}). */
    static String userOf(String principal) {
        int colon = principal.indexOf(':');
        return colon < 0 ? principal : principal.substring(colon + 1);
    }
}

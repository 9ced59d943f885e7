package dev.wharf.server.quota;

import dev.wharf.controller.ClientEntity;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The client quotas this broker enforces (KIP-13 byte rates, KIP-124 request time, KIP-599
 * partition mutations), per user
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
    private final int windows;
    private final int windowSeconds;
    private final Map<QuotaKey, ClientQuotaTracker> trackers = new EnumMap<>(QuotaKey.class);
    /** The configured quotas of each enforced kind, by entity; guarded by this. */
    private final Map<QuotaKey, Map<ClientEntity, Double>> configured = new EnumMap<>(QuotaKey.class);
    private volatile boolean any;

    /** With Kafka's default token bucket for partition mutations (11 windows of 1 s). */
    public ClientQuotas(int windows, int windowSeconds, LongSupplier clockMs) {
        this(windows, windowSeconds, 11, 1, clockMs);
    }

    /**
     * @param windows {@code quota.window.num}, with {@code windowSeconds} the span byte rates and
     *     request time are measured over
     * @param mutationWindows {@code controller.quota.window.num}, with {@code mutationWindowSeconds}
     *     the seconds of controller_mutation_rate a client may spend at once
     */
    public ClientQuotas(int windows, int windowSeconds, int mutationWindows, int mutationWindowSeconds,
            LongSupplier clockMs) {
        this.clockMs = clockMs;
        this.windows = windows;
        this.windowSeconds = windowSeconds;
        long windowMs = TimeUnit.SECONDS.toMillis(windowSeconds);
        for (QuotaKey k : new QuotaKey[] {QuotaKey.PRODUCER_BYTE_RATE, QuotaKey.CONSUMER_BYTE_RATE, QuotaKey.REQUEST_PERCENTAGE}) {
            // as in Kafka, request time's throttle is at most one window; a byte rate's is not bounded
            long maxThrottleMs = k == QuotaKey.REQUEST_PERCENTAGE ? windowMs : Long.MAX_VALUE;
            trackers.put(k, new ClientQuotaTracker(nowMs -> new SampledRate(windows, windowMs, maxThrottleMs, nowMs)));
            configured.put(k, new HashMap<>());
        }
        double burstSeconds = (double) mutationWindows * mutationWindowSeconds;
        trackers.put(QuotaKey.CONTROLLER_MUTATION_RATE, new ClientQuotaTracker(nowMs -> new TokenBucket(burstSeconds, nowMs)));
        configured.put(QuotaKey.CONTROLLER_MUTATION_RATE, new HashMap<>());
    }

    /**
     * The partition mutations of one CreateTopics, CreatePartitions or DeleteTopics request of
     * the client (KIP-599). {@code strict} (CreateTopics v6+, CreatePartitions v3+, DeleteTopics v5+):
     * once the client's quota is exceeded its further topics are refused with
     * THROTTLING_QUOTA_EXCEEDED; older versions are always let through, and only throttled.
     */
    public MutationQuota mutations(String principal, String clientId, boolean strict) {
        return new MutationQuota(principal, clientId, strict);
    }

    /** One request's partition mutations against its client's controller_mutation_rate. Threads: the request's. */
    public final class MutationQuota {
        private final String principal;
        private final String clientId;
        private final boolean strict;
        /** A strict request's throttle: the debt's, measured at its first refusal; 0 while none was refused. */
        private long refusedThrottleMs;

        private MutationQuota(String principal, String clientId, boolean strict) {
            this.principal = principal;
            this.clientId = clientId;
            this.strict = strict;
        }

        /**
         * Whether a topic changing {@code partitions} partitions may go ahead, recording them if so:
         * a strict request is refused once the client is in debt; a topic that brings it into debt
         * still passes, as in Kafka.
         */
        public boolean admit(int partitions) {
            if (!any) {
                return true;
            }
            ClientQuotaTracker mutations = trackers.get(QuotaKey.CONTROLLER_MUTATION_RATE);
            long now = clockMs.getAsLong();
            if (strict) {
                long debtMs = mutations.throttleMs(principal, clientId, now);
                if (debtMs > 0) {
                    refusedThrottleMs = Math.max(refusedThrottleMs, debtMs);
                    return false;
                }
            }
            mutations.recordAndThrottleMs(principal, clientId, partitions, now);
            return true;
        }

        /** Gives back the mutations of a topic admitted but not changed after all (it failed). */
        public void refund(int partitions) {
            if (any) {
                trackers.get(QuotaKey.CONTROLLER_MUTATION_RATE).unrecord(principal, clientId, partitions, clockMs.getAsLong());
            }
        }

        /**
         * The throttle time the client has earned: the response carries it, and its connection is not
         * read that long. As in Kafka, a strict request is throttled only when one of its topics was
         * refused (one that merely brought the client into debt is not), a permissive one whenever
         * the client is in debt.
         */
        public int throttleMs() {
            if (!any) {
                return 0;
            }
            long ms = strict ? refusedThrottleMs
                    : trackers.get(QuotaKey.CONTROLLER_MUTATION_RATE).throttleMs(principal, clientId, clockMs.getAsLong());
            return (int) Math.min(Integer.MAX_VALUE, ms);
        }
    }

    /**
     * An entity's configs are now {@code now} (quota keys and others, such as SCRAM credentials,
     * which are skipped). Only the kinds whose quotas changed publish a new table, so loading many
     * users' credentials costs nothing here.
     */
    public synchronized void configsChanged(ClientEntity entity, Map<String, String> now) {
        boolean anyNow = false;
        for (Map.Entry<QuotaKey, ClientQuotaTracker> t : trackers.entrySet()) {
            Map<ClientEntity, Double> quotas = configured.get(t.getKey());
            Double value = quotaValue(now.get(t.getKey().key));
            Double before = value == null ? quotas.remove(entity) : quotas.put(entity, value);
            if (!java.util.Objects.equals(before, value)) {
                t.getValue().quotasChanged(quotas);
            }
            anyNow |= !quotas.isEmpty();
        }
        any = anyNow;
    }

    private static Double quotaValue(String text) {
        try {
            return text == null ? null : Double.valueOf(text);
        } catch (NumberFormatException unreadable) {
            return null; // written by hand into ZooKeeper: not a quota
        }
    }

    /** Whether any quota is configured at all: without one, nothing needs measuring. */
    public boolean any() {
        return any;
    }

    /** Records a Produce request of {@code bytes} (header and body, as Kafka counts it); the throttle time it earns. */
    public int produceThrottleMs(String principal, String clientId, long bytes) {
        return record(QuotaKey.PRODUCER_BYTE_RATE, principal, clientId, bytes);
    }

    /** Records {@code bytes} of fetch response sent to the client; the throttle time they earn. */
    public int fetchThrottleMs(String principal, String clientId, long bytes) {
        return record(QuotaKey.CONSUMER_BYTE_RATE, principal, clientId, bytes);
    }

    /** Takes back fetch bytes recorded for the client: the throttled response carried none of them. */
    public void unrecordFetch(String principal, String clientId, long bytes) {
        if (any) {
            trackers.get(QuotaKey.CONSUMER_BYTE_RATE).unrecord(principal, clientId, bytes, clockMs.getAsLong());
        }
    }

    /**
     * The most fetch bytes the client may get in one response: what its quota allows over the
     * windows measured but the current one (Kafka's cap, so one response alone cannot exceed the
     * quota and be answered empty forever); Integer.MAX_VALUE without a quota.
     */
    public int fetchBytesCap(String principal, String clientId) {
        if (!any) {
            return Integer.MAX_VALUE;
        }
        java.util.OptionalDouble quota = trackers.get(QuotaKey.CONSUMER_BYTE_RATE).quota(principal, clientId, clockMs.getAsLong());
        return quota.isEmpty() ? Integer.MAX_VALUE
                : (int) Math.max(1, Math.min(Integer.MAX_VALUE, quota.getAsDouble() * (windows - 1) * windowSeconds));
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

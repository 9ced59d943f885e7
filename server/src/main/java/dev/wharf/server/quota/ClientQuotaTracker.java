package dev.wharf.server.quota;

import dev.wharf.controller.ClientEntity;
import dev.wharf.controller.ClientEntity.Name;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One quota kind (produce bytes, fetch bytes, request time or partition mutations): which quota applies to each
 * (user, client id) and how fast each is going. The quota that applies is the first configured one
 * in Kafka's order (KIP-55):
 *
 * <pre>
 *   users/&lt;u&gt;/clients/&lt;c&gt;   users/&lt;u&gt;/clients/&lt;default&gt;   users/&lt;u&gt;
 *   users/&lt;default&gt;/clients/&lt;c&gt;   users/&lt;default&gt;/clients/&lt;default&gt;   users/&lt;default&gt;
 *   clients/&lt;c&gt;   clients/&lt;default&gt;
 * </pre>
 *
 * and, as in Kafka, the clients it applies to share one rate when it names no client id (a user's
 * quota is shared by all that user's client ids; a default applies to each user or client id on
 * its own). No quota configured: nothing is recorded.
 *
 * <p>Rates idle for an hour are forgotten (as Kafka expires its quota sensors), checked when a
 * new client appears at most once a minute, so clients that come and go do not pile up.
 *
 * <p>Threads: {@link #recordAndThrottleMs} from any thread (handlers), allocation-free once a
 * client's quota is resolved; {@link #quotasChanged} from the ZooKeeper event thread, publishing
 * a new resolution table (rates carry over: a changed quota applies to the rate measured so far).
 */
final class ClientQuotaTracker {
    /** A client's quota, and the meter it is measured by. */
    record Applied(QuotaMeter rate, double bound) {}

    /** The clients sharing one rate: a user, a client id, or both ("" when the quota names none). */
    private record RateKey(String user, String clientId) {}

    private static final Applied UNLIMITED = new Applied(null, Double.MAX_VALUE);
    static final long IDLE_EXPIRY_MS = 3_600_000;
    private static final long SWEEP_INTERVAL_MS = 60_000;

    /** A new meter, started at the time given. */
    private final java.util.function.LongFunction<QuotaMeter> newMeter;
    private volatile Map<ClientEntity, Double> quotas = Map.of();
    /** principal to client id to its quota, filled as clients appear; replaced when the quotas change. */
    private volatile ConcurrentHashMap<String, ConcurrentHashMap<String, Applied>> resolved = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<RateKey, QuotaMeter> rates = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong lastSweepMs = new java.util.concurrent.atomic.AtomicLong();

    ClientQuotaTracker(java.util.function.LongFunction<QuotaMeter> newMeter) {
        this.newMeter = newMeter;
    }

    /** The configured quotas of this kind, by entity. */
    void quotasChanged(Map<ClientEntity, Double> now) {
        quotas = Map.copyOf(now);
        resolved = new ConcurrentHashMap<>();
    }

    /** Records {@code value} for the client and returns the throttle time it earns (0: none, or no quota). */
    long recordAndThrottleMs(String principal, String clientId, double value, long nowMs) {
        if (quotas.isEmpty()) {
            return 0; // the usual case: no quota anywhere, nothing to measure
        }
        Applied applied = applied(principal, clientId, nowMs);
        return applied == UNLIMITED ? 0 : applied.rate().recordAndThrottleMs(value, applied.bound(), nowMs);
    }

    /** Takes back a value recorded for the client. */
    void unrecord(String principal, String clientId, double value, long nowMs) {
        if (!quotas.isEmpty()) {
            Applied applied = applied(principal, clientId, nowMs);
            if (applied != UNLIMITED) {
                applied.rate().unrecord(value);
            }
        }
    }

    /** The throttle time the client has earned by now, without recording anything (0: none, or no quota). */
    long throttleMs(String principal, String clientId, long nowMs) {
        if (quotas.isEmpty()) {
            return 0;
        }
        Applied applied = applied(principal, clientId, nowMs);
        return applied == UNLIMITED ? 0 : applied.rate().throttleMs(applied.bound(), nowMs);
    }

    /** The quota of the client, or empty: for tests and descriptions. */
    java.util.OptionalDouble quota(String principal, String clientId, long nowMs) {
        Applied a = applied(principal, clientId, nowMs);
        return a == UNLIMITED ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(a.bound());
    }

    private Applied applied(String principal, String clientId, long nowMs) {
        ConcurrentHashMap<String, ConcurrentHashMap<String, Applied>> table = resolved;
        ConcurrentHashMap<String, Applied> byClient = table.get(principal);
        if (byClient == null) {
            byClient = table.computeIfAbsent(principal, u -> new ConcurrentHashMap<>());
        }
        Applied applied = byClient.get(clientId);
        if (applied == null) {
            sweepIdle(nowMs);
            applied = resolve(ClientQuotas.userOf(principal), clientId, nowMs);
            byClient.put(clientId, applied);
        }
        return applied;
    }

    /** Forgets rates idle for {@link #IDLE_EXPIRY_MS}, and the resolutions that point at them. */
    private void sweepIdle(long nowMs) {
        long last = lastSweepMs.get();
        if (nowMs - last < SWEEP_INTERVAL_MS || !lastSweepMs.compareAndSet(last, nowMs)) {
            return;
        }
        if (rates.values().removeIf(r -> r.idleSince(nowMs - IDLE_EXPIRY_MS))) {
            resolved = new ConcurrentHashMap<>();
        }
    }

    /** How many rates are kept: for tests. */
    int rateCount() {
        return rates.size();
    }

    private Applied resolve(String user, String clientId, long nowMs) {
        Name u = Name.of(user);
        Name c = Name.of(clientId);
        Map<ClientEntity, Double> q = quotas;
        Double bound;
        if ((bound = q.get(new ClientEntity(u, c))) != null || (bound = q.get(new ClientEntity(u, Name.DEFAULT))) != null) {
            return applied(user, clientId, bound, nowMs);
        }
        if ((bound = q.get(ClientEntity.user(u))) != null) {
            return applied(user, "", bound, nowMs);
        }
        if ((bound = q.get(new ClientEntity(Name.DEFAULT, c))) != null
                || (bound = q.get(new ClientEntity(Name.DEFAULT, Name.DEFAULT))) != null) {
            return applied(user, clientId, bound, nowMs);
        }
        if ((bound = q.get(ClientEntity.user(Name.DEFAULT))) != null) {
            return applied(user, "", bound, nowMs);
        }
        if ((bound = q.get(ClientEntity.clientId(c))) != null || (bound = q.get(ClientEntity.clientId(Name.DEFAULT))) != null) {
            return applied("", clientId, bound, nowMs);
        }
        return UNLIMITED;
    }

    private Applied applied(String user, String clientId, double bound, long nowMs) {
        QuotaMeter rate = rates.computeIfAbsent(new RateKey(user, clientId), k -> newMeter.apply(nowMs));
        return new Applied(rate, bound);
    }
}

package dev.wharf.server.api;

import dev.wharf.server.metrics.RequestMetrics;
import dev.wharf.wire.message.ApiKey;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The broker's handlers by API key: the dispatcher's table and the source of ApiVersions.
 * Registration (at start-up) publishes a new immutable map, so lookups need no lock.
 */
public final class ApiHandlers {
    private volatile Map<ApiKey, ApiHandler> handlers = new EnumMap<>(ApiKey.class);
    private java.util.function.UnaryOperator<ApiHandler> decorator = java.util.function.UnaryOperator.identity();
    /** Which APIs are served now (a group protocol left out of the broker's config switches its APIs off); all by default. */
    private volatile Predicate<ApiKey> serving = api -> true;
    /** Which APIs have their feature finalized: the others stay advertised but are refused, as in Kafka. */
    private volatile Predicate<ApiKey> enabled = api -> true;
    /** Where the dispatcher records each API's request metrics; set before the listeners bind. */
    private volatile RequestMetrics requestMetrics = RequestMetrics.NONE;

    /**
     * Serves only the APIs {@code serving} accepts at the time of each lookup: the others are
     * neither advertised by ApiVersions nor dispatched, as if no handler were registered.
     */
    public ApiHandlers gate(Predicate<ApiKey> serving) {
        this.serving = serving;
        return this;
    }

    /**
     * APIs {@code enabled} rejects at the time of a lookup are advertised but answered
     * UNSUPPORTED_VERSION ({@link FeatureDisabledHandler}): their feature is finalized at level 0.
     */
    public ApiHandlers gateByFeature(Predicate<ApiKey> enabled) {
        this.enabled = enabled;
        return this;
    }

    /**
     * Wraps every handler, those registered already and those to come, in {@code decorator}
     * (client quota enforcement wraps them all); set once.
     */
    public synchronized ApiHandlers decorateAll(java.util.function.UnaryOperator<ApiHandler> decorator) {
        this.decorator = decorator;
        Map<ApiKey, ApiHandler> next = new EnumMap<>(ApiKey.class);
        handlers.forEach((api, h) -> next.put(api, decorator.apply(h)));
        handlers = next;
        return this;
    }

    public synchronized ApiHandlers register(ApiHandler undecorated) {
        ApiHandler handler = decorator.apply(undecorated);
        ApiKey api = handler.api();
        if (handler.lowestVersion() < api.lowestVersion || handler.highestVersion() > api.highestVersion) {
            throw new IllegalArgumentException(api.displayName + " handler serves versions the wire layer cannot decode");
        }
        Map<ApiKey, ApiHandler> next = new EnumMap<>(ApiKey.class);
        next.putAll(handlers);
        if (next.putIfAbsent(api, handler) != null) {
            throw new IllegalArgumentException("two handlers for " + api.displayName);
        }
        handlers = next;
        return this;
    }

    public ApiHandlers requestMetrics(RequestMetrics metrics) {
        this.requestMetrics = metrics;
        return this;
    }

    public RequestMetrics requestMetrics() {
        return requestMetrics;
    }

    /** The handler of {@code api}; null when none is registered or the API is switched off. */
    public ApiHandler get(ApiKey api) {
        if (!serving.test(api)) {
            return null;
        }
        ApiHandler handler = handlers.get(api);
        return handler == null || enabled.test(api) ? handler : new FeatureDisabledHandler(handler);
    }

    /** Every handler of an API served now. */
    public Collection<ApiHandler> all() {
        Predicate<ApiKey> now = serving;
        return handlers.values().stream().filter(h -> now.test(h.api())).toList();
    }
}

package dev.wharf.server.api;

import dev.wharf.wire.message.ApiKey;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The broker's handlers by API key: the dispatcher's table and the source of ApiVersions.
 * Registration (at start-up) publishes a new immutable map, so lookups need no lock.
 */
public final class ApiHandlers {
    private volatile Map<ApiKey, ApiHandler> handlers = new EnumMap<>(ApiKey.class);
    private java.util.function.UnaryOperator<ApiHandler> decorator = java.util.function.UnaryOperator.identity();

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

    public ApiHandler get(ApiKey api) {
        return handlers.get(api);
    }

    public Collection<ApiHandler> all() {
        return Collections.unmodifiableCollection(handlers.values());
    }
}

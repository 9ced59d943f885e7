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

    public synchronized ApiHandlers register(ApiHandler handler) {
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

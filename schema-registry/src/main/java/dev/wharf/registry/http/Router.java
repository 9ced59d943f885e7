package dev.wharf.registry.http;

import dev.wharf.registry.RegistryAccess.Operation;
import io.netty.handler.codec.http.HttpMethod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Matches a method and path against the registry's routes, written as templates whose
 * {@code {name}} parts match one path segment each ({@code /subjects/{subject}/versions}).
 */
public final class Router {
    /** Answers one route; may complete later (a write waits for its log). */
    @FunctionalInterface
    public interface Handler {
        CompletableFuture<Reply> handle(HttpCall call);
    }

    /** A handler that answers at once. */
    @FunctionalInterface
    public interface Immediate {
        Reply handle(HttpCall call);
    }

    private record Route(HttpMethod method, String[] template, Handler handler, boolean write, Operation needs) {}

    /**
     * The route found, and the values of its named parts; {@code handler} is null when only the
     * method did not match. {@code write}: the route changes the registry, so only its writer runs it;
     * {@code needs}: what the caller must be allowed on the path's subject ({@link #ANY_CALLER}: nothing).
     */
    public record Match(Handler handler, Map<String, String> params, boolean pathKnown, boolean write, Operation needs) {}

    /** What a route open to every caller needs: nothing (it filters what it answers by the caller's rights itself). */
    public static final Operation ANY_CALLER = null;

    private final List<Route> routes = new ArrayList<>();

    /**
     * A route that changes the registry: it completes once its change is in the log. The caller
     * must be allowed {@code needs} on the path's subject (none: the registry's settings).
     */
    public Router add(HttpMethod method, String template, Operation needs, Handler handler) {
        routes.add(new Route(method, split(template), guarded(needs, handler), true, needs));
        return this;
    }

    /** A route that only reads (lookups and compatibility checks too): any broker's copy answers it. */
    public Router now(HttpMethod method, String template, Operation needs, Immediate handler) {
        routes.add(new Route(method, split(template), guarded(needs, call -> CompletableFuture.completedFuture(handler.handle(call))),
                false, needs));
        return this;
    }

    private static Handler guarded(Operation needs, Handler handler) {
        if (needs == ANY_CALLER) {
            return handler;
        }
        return call -> {
            call.require(needs, call.pathParams().get("subject"));
            return handler.handle(call);
        };
    }

    /** The route for {@code segments} (decoded path parts); a null handler when none. */
    public Match match(HttpMethod method, List<String> segments) {
        boolean pathKnown = false;
        for (Route route : routes) {
            Map<String, String> params = bind(route.template(), segments);
            if (params != null) {
                if (route.method().equals(method)) {
                    return new Match(route.handler(), params, true, route.write(), route.needs());
                }
                pathKnown = true;
            }
        }
        return new Match(null, Map.of(), pathKnown, false, ANY_CALLER);
    }

    private static Map<String, String> bind(String[] template, List<String> segments) {
        if (template.length != segments.size()) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < template.length; i++) {
            String part = template[i];
            if (part.startsWith("{")) {
                params.put(part.substring(1, part.length() - 1), segments.get(i));
            } else if (!part.equals(segments.get(i))) {
                return null;
            }
        }
        return params;
    }

    private static String[] split(String template) {
        String trimmed = template.startsWith("/") ? template.substring(1) : template;
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/");
    }
}

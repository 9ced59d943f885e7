package dev.wharf.server.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The security settings of one listener, resolved as Kafka resolves them: a key given as
 * {@code listener.name.<listener>.<key>} (the listener name in lower case) wins over the plain
 * {@code <key>}; for SASL, {@code listener.name.<listener>.<mechanism>.<key>} (mechanism in lower
 * case, e.g. {@code scram-sha-256.sasl.jaas.config}) wins over both.
 *
 * <p>Immutable; any thread.
 */
public record ListenerSettings(String listenerName, Map<String, String> raw) {
    public ListenerSettings {
        raw = Map.copyOf(raw);
    }

    /** The value of {@code key} for this listener, or null when neither form was given. */
    public String get(String key) {
        String own = raw.get(prefix() + key);
        return own != null ? own.trim() : trimmed(raw.get(key));
    }

    /** The value of {@code key} for {@code mechanism} on this listener, else {@link #get(String)}. */
    public String get(String mechanism, String key) {
        String own = raw.get(prefix() + mechanism.toLowerCase(Locale.ROOT) + "." + key);
        return own != null ? own.trim() : get(key);
    }

    /** The value of {@code key}, or {@code fallback} when it was not given. */
    public String getOrDefault(String key, String fallback) {
        String v = get(key);
        return v == null ? fallback : v;
    }

    /**
     * Every key starting with {@code keyPrefix} (e.g. {@code "ssl."}) as this listener sees it:
     * listener-specific values over broker-wide ones, keyed without the listener prefix.
     */
    public Map<String, String> withPrefix(String keyPrefix) {
        Map<String, String> out = new TreeMap<>();
        raw.forEach((k, v) -> {
            if (k.startsWith(keyPrefix)) {
                out.put(k, v.trim());
            }
        });
        String own = prefix();
        raw.forEach((k, v) -> {
            if (k.startsWith(own + keyPrefix)) {
                out.put(k.substring(own.length()), v.trim());
            }
        });
        return out;
    }

    private String prefix() {
        return "listener.name." + listenerName.toLowerCase(Locale.ROOT) + ".";
    }

    private static String trimmed(String v) {
        return v == null ? null : v.trim();
    }
}

package dev.wharf.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * How a config value is written and read: the types Kafka's config docs list. Parsing trims the
 * text and throws {@link IllegalArgumentException} when it is not of the type.
 *
 * @param <T> the parsed value's type
 */
public final class ConfigType<T> {
    public static final ConfigType<Integer> INT = new ConfigType<>("int", Integer::valueOf);
    public static final ConfigType<Long> LONG = new ConfigType<>("long", Long::valueOf);
    public static final ConfigType<Double> DOUBLE = new ConfigType<>("double", Double::valueOf);
    public static final ConfigType<Boolean> BOOLEAN = new ConfigType<>("boolean", ConfigType::bool);
    public static final ConfigType<String> STRING = new ConfigType<>("string", s -> s);
    /** Comma-separated; blank items are dropped, items are trimmed. */
    public static final ConfigType<List<String>> LIST = new ConfigType<>("list", ConfigType::list);

    private final String name;
    private final Function<String, T> parser;

    private ConfigType(String name, Function<String, T> parser) {
        this.name = name;
        this.parser = parser;
    }

    /** The value {@code text} stands for; the exception says which type was expected. */
    public T parse(String text) {
        try {
            return parser.apply(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a " + name);
        }
    }

    @Override
    public String toString() {
        return name;
    }

    private static Boolean bool(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        if (!lower.equals("true") && !lower.equals("false")) {
            throw new IllegalArgumentException();
        }
        return Boolean.valueOf(lower);
    }

    private static List<String> list(String s) {
        List<String> out = new ArrayList<>();
        for (String part : s.split(",")) {
            if (!part.isBlank()) {
                out.add(part.trim());
            }
        }
        return List.copyOf(out);
    }
}

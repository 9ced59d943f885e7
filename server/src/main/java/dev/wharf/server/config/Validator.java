package dev.wharf.server.config;

import java.util.List;
import java.util.Set;

/**
 * Which parsed values a key accepts. {@link #problem} says what is wrong with a value, or
 * null when there is nothing wrong; {@link ConfigKey#parse} turns that into an error naming the key.
 *
 * @param <T> the parsed value's type
 */
@FunctionalInterface
public interface Validator<T> {
    /** Why {@code value} is not accepted, or null when it is. */
    String problem(T value);

    /** Anything the type parses. */
    static <T> Validator<T> any() {
        return v -> null;
    }

    /** A whole number no smaller than {@code min}. */
    static <T extends Number> Validator<T> atLeast(long min) {
        return between(min, Long.MAX_VALUE);
    }

    /** A whole number from {@code min} to {@code max}, both included. */
    static <T extends Number> Validator<T> between(long min, long max) {
        return v -> v.longValue() >= min && v.longValue() <= max ? null
                : max == Long.MAX_VALUE ? "Value must be at least " + min : "Value must be in [" + min + ", " + max + "]";
    }

    /** A fraction from {@code min} to {@code max}, both included. */
    static Validator<Double> fraction(double min, double max) {
        return v -> v >= min && v <= max ? null : "Value must be in [" + min + ", " + max + "]";
    }

    /** One of {@code allowed}, case-sensitively. */
    static Validator<String> oneOf(String... allowed) {
        Set<String> set = Set.of(allowed);
        return v -> set.contains(v) ? null : "String must be one of: " + String.join(", ", allowed);
    }

    /** A list whose every item is one of {@code allowed}. */
    static Validator<List<String>> eachOneOf(String... allowed) {
        Set<String> set = Set.of(allowed);
        return v -> set.containsAll(v) ? null : "Every item must be one of: " + String.join(", ", allowed);
    }
}

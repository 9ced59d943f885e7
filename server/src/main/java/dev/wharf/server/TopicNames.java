package dev.wharf.server;

import java.util.regex.Pattern;

/** Kafka's rules for topic names: 1-249 of [a-zA-Z0-9._-], and not "." or "..". */
public final class TopicNames {
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    private TopicNames() {}

    /** Topics the broker writes itself: clients may read them but not produce to or delete them. */
    public static boolean isInternal(String name) {
        return "__consumer_offsets".equals(name) || "__transaction_state".equals(name);
    }

    public static boolean isValid(String name) {
        return name != null && LEGAL.matcher(name).matches() && !name.equals(".") && !name.equals("..");
    }
}

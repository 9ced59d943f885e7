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

    /** Why {@code name} is no topic name, in Kafka's words ("Topic name is invalid: ..."), or null when it is one. */
    public static String invalidity(String name) {
        if (isValid(name)) {
            return null;
        }
        String why;
        if (name == null || name.isEmpty()) {
            why = "the empty string is not allowed";
        } else if (name.equals(".") || name.equals("..")) {
            why = "'" + name + "' is not allowed";
        } else if (name.length() > 249) {
            why = "the length of '" + name + "' is longer than the max allowed length 249";
        } else {
            why = "'" + name + "' contains one or more characters other than ASCII alphanumerics, '.', '_' and '-'";
        }
        return "Topic name is invalid: " + why;
    }
}

package dev.wharf.server.security.sasl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A parsed {@code sasl.jaas.config} value: one or more login module entries in JAAS file syntax,
 * as Kafka accepts them:
 *
 * <pre>
 * org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password=admin-secret;
 * </pre>
 *
 * Each entry is a login module class, a control flag (required, requisite, sufficient, optional),
 * options {@code key=value} where a value is a bare word or a double-quoted string (backslash
 * escapes {@code \" \\ \n \t \r}), and a closing semicolon. {@code //} and {@code /* *}{@code /}
 * comments are skipped. Wharf loads no login module: the class name only says which mechanism
 * the options are for.
 *
 * <p>Immutable; any thread.
 */
public record JaasConfig(List<Entry> entries) {
    private static final Set<String> FLAGS = Set.of("required", "requisite", "sufficient", "optional");

    /** One login module entry; options keep their order. */
    public record Entry(String loginModule, String flag, Map<String, String> options) {
        public Entry {
            options = Collections.unmodifiableMap(new LinkedHashMap<>(options));
        }

        /** The option, or null. */
        public String option(String key) {
            return options.get(key);
        }
    }

    public JaasConfig {
        entries = List.copyOf(entries);
    }

    /**
     * Parses {@code text}.
     *
     * @throws IllegalArgumentException naming the problem and where it is
     */
    public static JaasConfig parse(String text) {
        return new Parser(text).config();
    }

    /** The one entry a mechanism's config must have (Kafka allows exactly one per mechanism). */
    public Entry single(String what) {
        if (entries.size() != 1) {
            throw new IllegalArgumentException(what + " must contain exactly one login module, found "
                    + entries.size());
        }
        return entries.get(0);
    }

    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        JaasConfig config() {
            List<Entry> entries = new ArrayList<>();
            skipSpaceAndComments();
            while (pos < text.length()) {
                entries.add(entry());
                skipSpaceAndComments();
            }
            if (entries.isEmpty()) {
                throw new IllegalArgumentException("JAAS config is empty: expected "
                        + "'<LoginModuleClass> required <key>=<value> ...;'");
            }
            return new JaasConfig(entries);
        }

        private Entry entry() {
            String module = word("a login module class name");
            String flag = word("a control flag after " + module);
            if (!FLAGS.contains(flag.toLowerCase(Locale.ROOT))) {
                throw error("'" + flag + "' is not a control flag (required, requisite, sufficient, optional)");
            }
            Map<String, String> options = new LinkedHashMap<>();
            while (true) {
                skipSpaceAndComments();
                if (pos >= text.length()) {
                    throw error("the entry for " + module + " does not end with ';'");
                }
                if (text.charAt(pos) == ';') {
                    pos++;
                    return new Entry(module, flag.toLowerCase(Locale.ROOT), options);
                }
                String key = word("an option name");
                skipSpaceAndComments();
                if (pos >= text.length() || text.charAt(pos) != '=') {
                    throw error("expected '=' after option '" + key + "'");
                }
                pos++;
                skipSpaceAndComments();
                String value = pos < text.length() && text.charAt(pos) == '"' ? quoted() : word("a value for " + key);
                if (options.put(key, value) != null) {
                    throw error("option '" + key + "' is given twice");
                }
            }
        }

        private String word(String what) {
            skipSpaceAndComments();
            int start = pos;
            while (pos < text.length() && isWordChar(text.charAt(pos))) {
                pos++;
            }
            if (start == pos) {
                throw error("expected " + what);
            }
            return text.substring(start, pos);
        }

        private String quoted() {
            int start = pos++;
            StringBuilder out = new StringBuilder();
            while (pos < text.length()) {
                char c = text.charAt(pos++);
                if (c == '"') {
                    return out.toString();
                }
                if (c == '\\' && pos < text.length()) {
                    char e = text.charAt(pos++);
                    out.append(switch (e) {
                        case 'n' -> '\n';
                        case 't' -> '\t';
                        case 'r' -> '\r';
                        default -> e;
                    });
                } else {
                    out.append(c);
                }
            }
            pos = start;
            throw error("unterminated quoted value");
        }

        private void skipSpaceAndComments() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (Character.isWhitespace(c)) {
                    pos++;
                } else if (text.startsWith("//", pos)) {
                    int nl = text.indexOf('\n', pos);
                    pos = nl < 0 ? text.length() : nl + 1;
                } else if (text.startsWith("/*", pos)) {
                    int end = text.indexOf("*/", pos + 2);
                    if (end < 0) {
                        throw error("unterminated comment");
                    }
                    pos = end + 2;
                } else {
                    return;
                }
            }
        }

        private static boolean isWordChar(char c) {
            return !Character.isWhitespace(c) && c != '=' && c != ';' && c != '"';
        }

        private IllegalArgumentException error(String problem) {
            return new IllegalArgumentException("Invalid JAAS config at character " + pos + ": " + problem);
        }
    }
}

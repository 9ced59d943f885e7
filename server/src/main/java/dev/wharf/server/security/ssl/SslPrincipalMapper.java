package dev.wharf.server.security.ssl;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Kafka's {@code ssl.principal.mapping.rules}: from a client certificate's distinguished name to
 * the short name its principal carries. The rules are separated by commas (or new lines), tried
 * in order, and the first that matches wins:
 *
 * <ul>
 *   <li>{@code DEFAULT}: the distinguished name itself;
 *   <li>{@code RULE:pattern/replacement/} with an optional {@code L} or {@code U} after the last
 *       slash (lower or upper case the result): when the Java regular expression {@code pattern}
 *       matches the whole name, the name is rewritten with {@code replacement}, where {@code $n}
 *       is the n-th group. A backslash escapes the next character, so {@code \/} is a slash inside
 *       a pattern or replacement; a {@code $n} naming a group the pattern lacks stays literal.
 * </ul>
 *
 * A pattern may itself contain commas ({@code ^CN=(.*?),OU=ServiceUsers.*$}): a rule ends at the
 * separator after its closing slash, not at the first comma. When no rule matches, the client is
 * refused, as Kafka refuses it ({@link #nameOf}).
 *
 * <p>Immutable; any thread.
 */
public final class SslPrincipalMapper {
    /** One parsed rule; DEFAULT is a rule with no pattern. */
    private record Rule(Pattern pattern, String replacement, Case resultCase) {
        String apply(String dn) {
            if (pattern == null) {
                return dn;
            }
            Matcher m = pattern.matcher(dn);
            if (!m.matches()) {
                return null;
            }
            // Rewrite as Kafka does (every match of the pattern in the name, after the whole name matched).
            String out = m.reset().replaceAll(r -> Matcher.quoteReplacement(expand(r)));
            return switch (resultCase) {
                case LOWER -> out.toLowerCase(Locale.ROOT);
                case UPPER -> out.toUpperCase(Locale.ROOT);
                case KEEP -> out;
            };
        }

        private String expand(MatchResult match) {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < replacement.length(); i++) {
                char c = replacement.charAt(i);
                if (c == '\\' && i + 1 < replacement.length()) {
                    out.append(replacement.charAt(++i));
                } else if (c == '$' && i + 1 < replacement.length() && isDigit(replacement.charAt(i + 1))) {
                    // Longest run of digits that still names a group, as java.util.regex reads $n.
                    int group = replacement.charAt(i + 1) - '0';
                    int end = i + 2;
                    while (end < replacement.length() && isDigit(replacement.charAt(end))) {
                        int longer = group * 10 + (replacement.charAt(end) - '0');
                        if (longer > match.groupCount()) {
                            break;
                        }
                        group = longer;
                        end++;
                    }
                    if (group > match.groupCount()) {
                        out.append(c);
                        continue;
                    }
                    String value = match.group(group);
                    out.append(value == null ? "" : value);
                    i = end - 1;
                } else {
                    out.append(c);
                }
            }
            return out.toString();
        }
    }

    private enum Case { KEEP, LOWER, UPPER }

    private static final String DEFAULT = "DEFAULT";
    private static final String RULE = "RULE:";

    private final List<Rule> rules;
    private final String text;

    private SslPrincipalMapper(List<Rule> rules, String text) {
        this.rules = List.copyOf(rules);
        this.text = text;
    }

    /** The mapper of Kafka's default, {@code DEFAULT}: the distinguished name unchanged. */
    public static SslPrincipalMapper defaults() {
        return of(DEFAULT);
    }

    /**
     * Parses {@code rules}; a null value means {@code DEFAULT}.
     *
     * @throws IllegalArgumentException naming the bad rule
     */
    public static SslPrincipalMapper of(String rules) {
        String text = rules == null ? DEFAULT : rules;
        List<Rule> parsed = new ArrayList<>();
        int i = skipSpace(text, 0);
        while (i < text.length()) {
            int ruleStart = i;
            if (isSeparator(text.charAt(i))) {
                i = skipSpace(text, i + 1); // an empty entry, as in "DEFAULT,,DEFAULT", is skipped
                continue;
            }
            if (text.startsWith(DEFAULT, i)) {
                parsed.add(new Rule(null, null, Case.KEEP));
                i += DEFAULT.length();
            } else if (text.startsWith(RULE, i)) {
                int patternEnd = closingSlash(text, i + RULE.length(), ruleStart);
                int replacementEnd = closingSlash(text, patternEnd + 1, ruleStart);
                String pattern = text.substring(i + RULE.length(), patternEnd);
                String replacement = text.substring(patternEnd + 1, replacementEnd);
                i = replacementEnd + 1;
                Case resultCase = Case.KEEP;
                if (i < text.length() && (text.charAt(i) == 'L' || text.charAt(i) == 'U')) {
                    resultCase = text.charAt(i) == 'L' ? Case.LOWER : Case.UPPER;
                    i++;
                }
                parsed.add(new Rule(compile(pattern, text, ruleStart), replacement, resultCase));
            } else {
                throw invalid(text, ruleStart);
            }
            // Only white space may follow a rule before the separator.
            i = skipBlanks(text, i);
            if (i < text.length()) {
                if (!isSeparator(text.charAt(i))) {
                    throw invalid(text, ruleStart);
                }
                i = skipSpace(text, i + 1);
            }
        }
        return new SslPrincipalMapper(parsed, text);
    }

    /**
     * The short name for {@code distinguishedName} (RFC 2253 form, as {@code
     * X500Principal.getName()} gives): the result of the first matching rule.
     *
     * @throws IllegalArgumentException when no rule matches: the client's authentication fails,
     *     as in Kafka (add DEFAULT as the last rule to keep such names whole)
     */
    public String nameOf(String distinguishedName) {
        for (Rule rule : rules) {
            String name = rule.apply(distinguishedName);
            if (name != null) {
                return name;
            }
        }
        throw new IllegalArgumentException("no ssl.principal.mapping.rules rule matches " + distinguishedName);
    }

    @Override
    public String toString() {
        return text;
    }

    private static int closingSlash(String text, int from, int ruleStart) {
        for (int i = from; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\') {
                i++; // the escaped character, a slash included
            } else if (c == '/') {
                return i;
            }
        }
        throw invalid(text, ruleStart);
    }

    private static Pattern compile(String pattern, String text, int ruleStart) {
        try {
            return Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(
                    "ssl.principal.mapping.rules: bad pattern in rule at offset " + ruleStart + " of \""
                            + text + "\": " + e.getDescription(), e);
        }
    }

    private static IllegalArgumentException invalid(String text, int at) {
        return new IllegalArgumentException("ssl.principal.mapping.rules: invalid rule at offset " + at
                + " of \"" + text + "\" (expected DEFAULT or RULE:pattern/replacement/[LU])");
    }

    /** Past any white space, new lines included (blank lines may stand between rules). */
    private static int skipSpace(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Past white space other than a new line, which separates rules. */
    private static int skipBlanks(String text, int i) {
        while (i < text.length() && text.charAt(i) != '\n' && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    private static boolean isSeparator(char c) {
        return c == ',' || c == '\n';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}

package dev.wharf.server.security.sasl;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The OAUTHBEARER client's first message (RFC 7628 section 3.1, with Kafka's SASL extensions of
 * KIP-342 as further key/value pairs):
 *
 * <pre>
 * n,[a=authzid],^Aauth=Bearer &lt;token&gt;^A[key=value^A...]^A          (^A is %x01)
 * </pre>
 *
 * Keys are letters only; values are printable ASCII, space, tab, CR or LF; "auth" is required and
 * is not an extension. Immutable.
 */
record OAuthBearerClientResponse(String authzid, String token, Map<String, String> extensions) {
    static final char SEPARATOR = '\u0001';
    private static final Pattern KEY = Pattern.compile("[A-Za-z]+");
    private static final Pattern VALUE = Pattern.compile("[\\x21-\\x7E \\t\\r\\n]+");
    /** RFC 6750's b64token. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9\\-._~+/]+=*");
    private static final String AUTH = "auth";

    OAuthBearerClientResponse {
        extensions = Map.copyOf(extensions);
        for (Map.Entry<String, String> e : extensions.entrySet()) {
            if (!KEY.matcher(e.getKey()).matches() || AUTH.equals(e.getKey())) {
                throw new IllegalArgumentException("Invalid SASL extension name '" + e.getKey()
                        + "': letters only, and not 'auth'");
            }
            if (!VALUE.matcher(e.getValue()).matches()) {
                throw new IllegalArgumentException("Invalid value of SASL extension '" + e.getKey() + "'");
            }
        }
    }

    byte[] toBytes() {
        StringBuilder out = new StringBuilder("n,");
        if (!authzid.isEmpty()) {
            out.append("a=").append(authzid);
        }
        out.append(',').append(SEPARATOR).append(AUTH).append("=Bearer ").append(token).append(SEPARATOR);
        extensions.forEach((k, v) -> out.append(k).append('=').append(v).append(SEPARATOR));
        return out.append(SEPARATOR).toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses the message; the exception message says what is wrong (safe to send: it contains no
     * part of the token).
     */
    static OAuthBearerClientResponse parse(byte[] bytes) throws SaslAuthenticationException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (!text.startsWith("n,") && !text.startsWith("y,")) {
            throw invalid("the GS2 header must be 'n,' (channel binding is not supported)");
        }
        int headerEnd = text.indexOf(',', 2);
        if (headerEnd < 0) {
            throw invalid("no GS2 header");
        }
        String authzPart = text.substring(2, headerEnd);
        if (!authzPart.isEmpty() && !authzPart.startsWith("a=")) {
            throw invalid("bad authorization id");
        }
        String authzid = authzPart.isEmpty() ? "" : authzPart.substring(2).replace("=2C", ",").replace("=3D", "=");
        String rest = text.substring(headerEnd + 1);
        if (rest.length() < 2 || rest.charAt(0) != SEPARATOR || !rest.endsWith("" + SEPARATOR + SEPARATOR)) {
            throw invalid("key/value pairs must be separated and ended by %x01");
        }
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String pair : rest.substring(1, rest.length() - 2).split("" + SEPARATOR, -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || !KEY.matcher(pair.substring(0, eq)).matches()) {
                throw invalid("bad key/value pair");
            }
            if (pairs.put(pair.substring(0, eq), pair.substring(eq + 1)) != null) {
                throw invalid("key " + pair.substring(0, eq) + " given twice");
            }
        }
        String auth = pairs.remove(AUTH);
        if (auth == null) {
            throw invalid("no auth=Bearer <token>");
        }
        int space = auth.indexOf(' ');
        if (space < 0 || !auth.substring(0, space).toLowerCase(Locale.ROOT).equals("bearer")) {
            throw invalid("the auth scheme must be Bearer");
        }
        String token = auth.substring(space + 1).trim();
        if (!TOKEN.matcher(token).matches()) {
            throw invalid("the bearer token has characters a token cannot have");
        }
        try {
            return new OAuthBearerClientResponse(authzid, token, pairs);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage());
        }
    }

    private static SaslAuthenticationException invalid(String why) {
        return new SaslAuthenticationException("Invalid OAUTHBEARER client first message: " + why);
    }
}

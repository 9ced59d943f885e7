package dev.wharf.server.security.sasl;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The claim checks both token validators make, on a JWT's claims as parsed JSON (times are
 * NumericDate: seconds since the epoch, possibly fractional). Each check returns null when the
 * claims pass, else the reason. Stateless.
 */
final class JwtClaimChecks {
    private JwtClaimChecks() {
    }

    /** The principal: a non-empty string claim. */
    static String principal(Map<String, Object> claims, String claimName) {
        Object v = claims.get(claimName);
        return v instanceof String s && !s.isBlank() ? s.trim() : null;
    }

    /**
     * The scope claim as Kafka reads it: a list of strings, or one string taken as one scope item;
     * absent is empty. Null when the claim has another type.
     */
    static Set<String> scope(Map<String, Object> claims, String claimName) {
        Object v = claims.get(claimName);
        Set<String> out = new LinkedHashSet<>();
        if (v == null) {
            return out;
        }
        if (v instanceof String s) {
            if (!s.isBlank()) {
                out.add(s.trim());
            }
            return out;
        }
        if (v instanceof Collection<?> items) {
            for (Object item : items) {
                if (!(item instanceof String s)) {
                    return null;
                }
                out.add(s);
            }
            return out;
        }
        return null;
    }

    /** A NumericDate claim in epoch ms, or null when absent; IllegalArgumentException when not a number. */
    static Long timeMs(Map<String, Object> claims, String claimName) {
        Object v = claims.get(claimName);
        if (v == null) {
            return null;
        }
        if (v instanceof Number n) {
            return (long) (n.doubleValue() * 1000);
        }
        if (v instanceof java.util.Date d) {
            return d.getTime();
        }
        throw new IllegalArgumentException("claim " + claimName + " is not a number");
    }

    /** exp (required) not passed, iat (required or not) not in the future, nbf not in the future, exp after iat. */
    static String times(Map<String, Object> claims, long nowMs, long skewMs, boolean issuedAtRequired) {
        Long exp;
        Long iat;
        Long nbf;
        try {
            exp = timeMs(claims, "exp");
            iat = timeMs(claims, "iat");
            nbf = timeMs(claims, "nbf");
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        if (exp == null) {
            return "no exp claim";
        }
        if (iat == null && issuedAtRequired) {
            return "no iat claim";
        }
        if (nowMs - skewMs >= exp) {
            return "the token expired at " + exp + " ms (now " + nowMs + " ms, allowed clock skew " + skewMs + " ms)";
        }
        if (iat != null && iat > nowMs + skewMs) {
            return "the token was issued in the future: iat " + iat + " ms, now " + nowMs + " ms";
        }
        if (nbf != null && nbf > nowMs + skewMs) {
            return "the token is not valid before " + nbf + " ms, now " + nowMs + " ms";
        }
        if (iat != null && exp <= iat) {
            return "exp is not after iat";
        }
        return null;
    }
}

package dev.wharf.server.security.sasl;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Kafka's default OAUTHBEARER validator (when no server callback handler is configured): unsecured
 * JWTs ({@code alg} "none", empty signature, RFC 7515 appendix A.5), for development only. Options
 * from the OAuthBearerLoginModule JAAS entry, with Kafka's names and defaults:
 * {@code unsecuredValidatorPrincipalClaimName} ("sub"), {@code unsecuredValidatorScopeClaimName}
 * ("scope"), {@code unsecuredValidatorRequiredScope} (space-separated, default none),
 * {@code unsecuredValidatorAllowableClockSkewMs} (0). exp is required; iat is optional.
 *
 * <p>Immutable; any thread.
 */
final class UnsecuredJwtValidator implements TokenValidator {
    private final String principalClaim;
    private final String scopeClaim;
    private final Set<String> requiredScope;
    private final long clockSkewMs;
    private final Clock clock;

    private UnsecuredJwtValidator(String principalClaim, String scopeClaim, Set<String> requiredScope,
            long clockSkewMs, Clock clock) {
        this.principalClaim = principalClaim;
        this.scopeClaim = scopeClaim;
        this.requiredScope = requiredScope;
        this.clockSkewMs = clockSkewMs;
        this.clock = clock;
    }

    /** From the JAAS entry's options; IllegalArgumentException for a bad clock skew. */
    static UnsecuredJwtValidator fromJaas(JaasConfig.Entry jaas, Clock clock) {
        String principal = option(jaas, "unsecuredValidatorPrincipalClaimName", "sub");
        String scope = option(jaas, "unsecuredValidatorScopeClaimName", "scope");
        Set<String> required = new LinkedHashSet<>();
        for (String item : option(jaas, "unsecuredValidatorRequiredScope", "").split(" ")) {
            if (!item.isBlank()) {
                required.add(item.trim());
            }
        }
        String skew = option(jaas, "unsecuredValidatorAllowableClockSkewMs", "0");
        long skewMs;
        try {
            skewMs = Long.parseLong(skew);
        } catch (NumberFormatException e) {
            skewMs = -1;
        }
        if (skewMs < 0) {
            throw new IllegalArgumentException("unsecuredValidatorAllowableClockSkewMs must be a non-negative "
                    + "integer, was " + skew);
        }
        return new UnsecuredJwtValidator(principal, scope, Set.copyOf(required), skewMs, clock);
    }

    @Override
    public Result validate(String token) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3 || !parts[2].isEmpty()) {
            return Invalid.token("not an unsecured JWS: expected header.payload. with an empty signature");
        }
        Map<String, Object> header;
        Map<String, Object> claims;
        try {
            header = json(parts[0]);
            claims = json(parts[1]);
        } catch (ParseException | IllegalArgumentException e) {
            return Invalid.token("the token is not base64url-encoded JSON: " + e.getMessage());
        }
        if (header.containsKey("alg") && !"none".equals(header.get("alg"))) {
            return Invalid.token("an unsecured JWS has alg none, not " + header.get("alg"));
        }
        String principal = JwtClaimChecks.principal(claims, principalClaim);
        if (principal == null) {
            return Invalid.token("no principal: the " + principalClaim + " claim must be a non-empty string");
        }
        String timeProblem = JwtClaimChecks.times(claims, clock.millis(), clockSkewMs, false);
        if (timeProblem != null) {
            return Invalid.token(timeProblem);
        }
        Set<String> scope = JwtClaimChecks.scope(claims, scopeClaim);
        if (scope == null) {
            return Invalid.token("the " + scopeClaim + " claim is neither a string nor a list of strings");
        }
        if (!scope.containsAll(requiredScope)) {
            return new Invalid("insufficient_scope", String.join(" ", requiredScope),
                    "the token's scope " + scope + " lacks some of " + requiredScope);
        }
        return new Valid(principal, scope, JwtClaimChecks.timeMs(claims, "exp"));
    }

    private static Map<String, Object> json(String base64url) throws ParseException {
        return JSONObjectUtils.parse(new String(Base64.getUrlDecoder().decode(base64url), StandardCharsets.UTF_8));
    }

    private static String option(JaasConfig.Entry jaas, String name, String fallback) {
        String v = jaas.option(name);
        return v == null || v.isBlank() ? fallback : v.trim();
    }
}

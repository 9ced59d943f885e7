package dev.wharf.server.security.sasl;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import dev.wharf.server.config.ListenerSettings;
import java.net.URI;
import java.security.Key;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Validates signed JWTs against the keys of a JWKS, as Kafka's
 * {@code OAuthBearerValidatorCallbackHandler} does (KIP-768), with Kafka's broker keys (read for
 * the OAUTHBEARER mechanism of the listener): {@code sasl.oauthbearer.jwks.endpoint.url},
 * {@code .expected.audience} (any of a list), {@code .expected.issuer},
 * {@code .sub.claim.name} ("sub"), {@code .scope.claim.name} ("scope"),
 * {@code .clock.skew.seconds} (30), {@code .jwks.endpoint.refresh.ms} (3600000) and
 * {@code .jwks.endpoint.retry.backoff.max.ms} (10000, the least time between early reloads).
 * A token needs a good signature from a key of the set (chosen by kid), exp and iat, and the
 * subject claim; nbf is honoured when present. Signatures are checked by nimbus-jose-jwt.
 *
 * <p>Thread-safe (the keys are in {@link JwksKeys}).
 */
final class JwksTokenValidator implements TokenValidator {
    /** Kafka's validator class: its 4.x name, and the 3.x one. */
    static final String HANDLER_CLASS = "org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler";
    static final Set<String> HANDLER_CLASSES = Set.of(HANDLER_CLASS,
            "org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerValidatorCallbackHandler");
    private static final String PREFIX = "sasl.oauthbearer.";
    static final String ALLOWED_URLS_PROPERTY = "org.apache.kafka.sasl.oauthbearer.allowed.urls";
    private static final DefaultJWSVerifierFactory VERIFIERS = new DefaultJWSVerifierFactory();

    private final JwksKeys keys;
    private final List<String> audiences;
    private final String issuer;
    private final String subClaim;
    private final String scopeClaim;
    private final long clockSkewMs;
    private final Clock clock;

    private JwksTokenValidator(JwksKeys keys, List<String> audiences, String issuer, String subClaim,
            String scopeClaim, long clockSkewMs, Clock clock) {
        this.keys = keys;
        this.audiences = audiences;
        this.issuer = issuer;
        this.subClaim = subClaim;
        this.scopeClaim = scopeClaim;
        this.clockSkewMs = clockSkewMs;
        this.clock = clock;
    }

    /** From the listener's OAUTHBEARER settings; IllegalArgumentException naming a missing or bad key. */
    static JwksTokenValidator fromSettings(ListenerSettings settings, Clock clock) {
        return fromSettings(settings, clock, System.getProperty(ALLOWED_URLS_PROPERTY));
    }

    /**
     * As above; {@code allowedUrls} is Kafka's allow-list system property (comma-separated). Kafka
     * 4 allows no URL when it is unset; Wharf's broker config is trusted, so unset allows any URL,
     * and set it restricts them as in Kafka.
     */
    static JwksTokenValidator fromSettings(ListenerSettings settings, Clock clock, String allowedUrls) {
        String url = setting(settings, "jwks.endpoint.url", null);
        if (url == null) {
            throw new IllegalArgumentException(PREFIX + "jwks.endpoint.url must be set to use Kafka's "
                    + "OAuthBearerValidatorCallbackHandler on listener " + settings.listenerName());
        }
        if (allowedUrls != null && Arrays.stream(allowedUrls.split(",")).map(String::trim).noneMatch(url::equals)) {
            throw new IllegalArgumentException(PREFIX + "jwks.endpoint.url " + url + " is not in the system property "
                    + ALLOWED_URLS_PROPERTY + " (" + allowedUrls + ")");
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + "jwks.endpoint.url is not a URL: " + url, e);
        }
        List<String> audiences = new ArrayList<>();
        String audienceList = setting(settings, "expected.audience", "");
        for (String a : audienceList.split(",")) {
            if (!a.isBlank()) {
                audiences.add(a.trim());
            }
        }
        long skewMs = number(settings, "clock.skew.seconds", 30) * 1000;
        JwksKeys keys = new JwksKeys(uri, number(settings, "jwks.endpoint.refresh.ms", 3_600_000),
                number(settings, "jwks.endpoint.retry.backoff.max.ms", 10_000), clock);
        return new JwksTokenValidator(keys, List.copyOf(audiences), setting(settings, "expected.issuer", null),
                setting(settings, "sub.claim.name", "sub"), setting(settings, "scope.claim.name", "scope"), skewMs,
                clock);
    }

    @Override
    public Result validate(String token) {
        SignedJWT jwt;
        Map<String, Object> claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet().toJSONObject();
        } catch (ParseException e) {
            return Invalid.token("not a signed JWT: " + e.getMessage());
        }
        Verification verification = verify(jwt, keys.current());
        if (verification == Verification.NO_KEY && keys.reloadForUnknownKey()) {
            verification = verify(jwt, keys.current());
        }
        if (verification != Verification.VERIFIED) {
            return Invalid.token(verification == Verification.NO_KEY
                    ? "no key in the JWKS for kid " + jwt.getHeader().getKeyID() + " and alg "
                            + jwt.getHeader().getAlgorithm()
                    : "bad signature");
        }
        String timeProblem = JwtClaimChecks.times(claims, clock.millis(), clockSkewMs, true);
        if (timeProblem != null) {
            return Invalid.token(timeProblem);
        }
        if (issuer != null && !issuer.equals(claims.get("iss"))) {
            return Invalid.token("issuer " + claims.get("iss") + " is not the expected " + issuer);
        }
        if (!audiences.isEmpty() && !hasExpectedAudience(claims.get("aud"))) {
            return Invalid.token("audience " + claims.get("aud") + " is none of the expected " + audiences);
        }
        String principal = JwtClaimChecks.principal(claims, subClaim);
        if (principal == null) {
            return Invalid.token("no principal: the " + subClaim + " claim must be a non-empty string");
        }
        Set<String> scope = JwtClaimChecks.scope(claims, scopeClaim);
        if (scope == null) {
            return Invalid.token("the " + scopeClaim + " claim is neither a string nor a list of strings");
        }
        return new Valid(principal, scope, JwtClaimChecks.timeMs(claims, "exp"));
    }

    private enum Verification { VERIFIED, BAD_SIGNATURE, NO_KEY }

    /** Tries the keys the header can mean: the kid's (or all, without a kid) of a type for its alg. */
    private static Verification verify(SignedJWT jwt, JWKSet set) {
        JWSHeader header = jwt.getHeader();
        String kid = header.getKeyID();
        boolean candidate = false;
        for (JWK jwk : set.getKeys()) {
            if ((kid != null && !kid.equals(jwk.getKeyID())) || KeyUse.ENCRYPTION.equals(jwk.getKeyUse())
                    || (jwk.getAlgorithm() != null && !jwk.getAlgorithm().equals(header.getAlgorithm()))) {
                continue;
            }
            try {
                Key key = publicKey(jwk);
                if (key == null) {
                    continue;
                }
                JWSVerifier verifier = VERIFIERS.createJWSVerifier(header, key);
                candidate = true;
                if (jwt.verify(verifier)) {
                    return Verification.VERIFIED;
                }
            } catch (JOSEException | IllegalStateException e) {
                // a key of the wrong type or size for this alg: not a candidate
            }
        }
        return candidate ? Verification.BAD_SIGNATURE : Verification.NO_KEY;
    }

    private static Key publicKey(JWK jwk) throws JOSEException {
        if (jwk instanceof RSAKey rsa) {
            return rsa.toRSAPublicKey();
        }
        if (jwk instanceof ECKey ec) {
            return ec.toECPublicKey();
        }
        if (jwk instanceof OctetSequenceKey oct) {
            return oct.toSecretKey();
        }
        return null;
    }

    private boolean hasExpectedAudience(Object aud) {
        if (aud instanceof String s) {
            return audiences.contains(s);
        }
        if (aud instanceof Collection<?> c) {
            return c.stream().anyMatch(audiences::contains);
        }
        return false;
    }

    private static String setting(ListenerSettings settings, String key, String fallback) {
        String v = settings.get(OAuthBearerServerMechanism.NAME, PREFIX + key);
        return v == null || v.isEmpty() ? fallback : v;
    }

    private static long number(ListenerSettings settings, String key, long fallback) {
        String v = setting(settings, key, null);
        if (v == null) {
            return fallback;
        }
        try {
            long n = Long.parseLong(v);
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(PREFIX + key + " must be a non-negative integer, was " + v);
    }
}

package dev.wharf.server.security.sasl;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes unsecured JWTs as Kafka's default OAUTHBEARER login does, from the OAuthBearerLoginModule
 * JAAS options: {@code unsecuredLoginStringClaim_<name>="value"},
 * {@code unsecuredLoginNumberClaim_<name>="number"}, {@code unsecuredLoginListClaim_<name>=",a,b"}
 * (the first character separates the items), {@code unsecuredLoginPrincipalClaimName} ("sub"),
 * {@code unsecuredLoginLifetimeSeconds} (3600), and the SASL extensions
 * {@code unsecuredLoginExtension_<name>="value"}. iat and exp are set from the clock.
 *
 * <p>Immutable; any thread.
 */
final class UnsecuredLoginToken {
    private static final String STRING = "unsecuredLoginStringClaim_";
    private static final String NUMBER = "unsecuredLoginNumberClaim_";
    private static final String LIST = "unsecuredLoginListClaim_";
    private static final String EXTENSION = "unsecuredLoginExtension_";

    private final Map<String, Object> claims;
    private final Map<String, String> extensions;
    private final long lifetimeSeconds;
    private final Clock clock;

    private UnsecuredLoginToken(Map<String, Object> claims, Map<String, String> extensions, long lifetimeSeconds,
            Clock clock) {
        this.claims = claims;
        this.extensions = extensions;
        this.lifetimeSeconds = lifetimeSeconds;
        this.clock = clock;
    }

    /** IllegalArgumentException naming the option when the options cannot make a token. */
    static UnsecuredLoginToken fromJaas(JaasConfig.Entry jaas, Clock clock) {
        Map<String, Object> claims = new LinkedHashMap<>();
        Map<String, String> extensions = new LinkedHashMap<>();
        jaas.options().forEach((key, value) -> {
            if (key.startsWith(STRING)) {
                claims.put(claimName(key, STRING), value);
            } else if (key.startsWith(NUMBER)) {
                try {
                    claims.put(claimName(key, NUMBER), new BigDecimal(value));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("JAAS option " + key + " is not a number: " + value);
                }
            } else if (key.startsWith(LIST)) {
                claims.put(claimName(key, LIST), listItems(value));
            } else if (key.startsWith(EXTENSION)) {
                extensions.put(key.substring(EXTENSION.length()), value);
            }
        });
        String principalClaim = jaas.options().getOrDefault("unsecuredLoginPrincipalClaimName", "sub");
        if (!(claims.get(principalClaim) instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException("The OAUTHBEARER JAAS config needs option " + STRING + principalClaim
                    + " (the principal of the unsecured token)");
        }
        long lifetime;
        try {
            lifetime = Long.parseLong(jaas.options().getOrDefault("unsecuredLoginLifetimeSeconds", "3600"));
        } catch (NumberFormatException e) {
            lifetime = -1;
        }
        if (lifetime <= 0) {
            throw new IllegalArgumentException("unsecuredLoginLifetimeSeconds must be a positive integer");
        }
        // checks the extensions now, not at the first login
        new OAuthBearerClientResponse("", "x", extensions);
        return new UnsecuredLoginToken(Map.copyOf(claims), Map.copyOf(extensions), lifetime, clock);
    }

    /** A new token dated now: {@code base64url(header).base64url(claims).} */
    String token() {
        Map<String, Object> payload = new LinkedHashMap<>(claims);
        long now = clock.millis() / 1000;
        payload.put("iat", now);
        payload.put("exp", now + lifetimeSeconds);
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString(JSONObjectUtils.toJSONString(Map.of("alg", "none"))
                .getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(JSONObjectUtils.toJSONString(payload).getBytes(StandardCharsets.UTF_8)) + ".";
    }

    Map<String, String> extensions() {
        return extensions;
    }

    private static String claimName(String key, String prefix) {
        String name = key.substring(prefix.length());
        if (name.isEmpty() || name.equals("iat") || name.equals("exp")) {
            throw new IllegalArgumentException("JAAS option " + key + " cannot set a claim "
                    + (name.isEmpty() ? "without a name" : name + " (it is set from the clock and the lifetime)"));
        }
        return name;
    }

    private static List<String> listItems(String value) {
        List<String> items = new ArrayList<>();
        if (value.isEmpty()) {
            return items;
        }
        String separator = value.substring(0, 1);
        for (String item : value.substring(1).split(java.util.regex.Pattern.quote(separator), -1)) {
            if (!item.isEmpty()) {
                items.add(item);
            }
        }
        return items;
    }
}

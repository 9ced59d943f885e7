package dev.wharf.server.security.sasl;

import dev.wharf.server.config.ListenerSettings;
import dev.wharf.server.security.ScramCredentials;
import dev.wharf.server.security.ScramMechanism;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The SASL mechanisms one listener serves: {@code sasl.enabled.mechanisms} (Kafka's default is
 * GSSAPI, which Wharf does not serve, so it must be set), each with its JAAS config and, for
 * OAUTHBEARER, its validator. Everything is checked at construction, so a broker with a bad
 * SASL setting fails at start-up with a message naming the key, not at a client's first login.
 *
 * <p>Immutable after construction; {@link #create} may be called from any thread.
 */
public final class SaslServerMechanisms {
    public static final String ENABLED_MECHANISMS = "sasl.enabled.mechanisms";
    static final String SERVER_CALLBACK_HANDLER = "sasl.server.callback.handler.class";
    private static final String UNSECURED_VALIDATOR =
            "org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredValidatorCallbackHandler";
    /** What Wharf serves, in the order an error message lists them. */
    public static final List<String> SUPPORTED = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER");

    private final Map<String, Supplier<SaslServerMechanism>> factories;

    private SaslServerMechanisms(Map<String, Supplier<SaslServerMechanism>> factories) {
        this.factories = factories;
    }

    /**
     * The mechanisms of the listener {@code settings} describe.
     *
     * @param scram where SCRAM credentials are looked up
     * @param clock the time OAUTHBEARER tokens are checked against
     * @throws IllegalArgumentException when a mechanism is not served or its config is missing or invalid
     */
    public static SaslServerMechanisms forListener(ListenerSettings settings, ScramCredentials scram, Clock clock) {
        Map<String, Supplier<SaslServerMechanism>> factories = new LinkedHashMap<>();
        for (String mechanism : enabledMechanisms(settings)) {
            factories.put(mechanism, factory(settings, mechanism, scram, clock));
        }
        return new SaslServerMechanisms(factories);
    }

    /** The enabled mechanisms, in the configured order (what SaslHandshake answers). */
    public List<String> enabled() {
        return List.copyOf(factories.keySet());
    }

    /** A new exchange of {@code mechanism}, which must be one of {@link #enabled()}. */
    public SaslServerMechanism create(String mechanism) {
        Supplier<SaslServerMechanism> factory = factories.get(mechanism);
        if (factory == null) {
            throw new IllegalArgumentException("SASL mechanism " + mechanism + " is not enabled; enabled: "
                    + enabled());
        }
        return factory.get();
    }

    private static List<String> enabledMechanisms(ListenerSettings settings) {
        String value = settings.get(ENABLED_MECHANISMS);
        if (value == null) {
            throw new IllegalArgumentException(ENABLED_MECHANISMS + " is not set for listener "
                    + settings.listenerName() + ", and its Kafka default GSSAPI (Kerberos) is not served by Wharf: "
                    + "set it to some of " + SUPPORTED);
        }
        List<String> out = new ArrayList<>();
        for (String item : value.split(",")) {
            String mechanism = item.trim();
            if (mechanism.isEmpty() || out.contains(mechanism)) {
                continue;
            }
            if (!SUPPORTED.contains(mechanism)) {
                throw new IllegalArgumentException("SASL mechanism " + mechanism + " in " + ENABLED_MECHANISMS
                        + " of listener " + settings.listenerName() + " is not served by Wharf; it serves "
                        + SUPPORTED);
            }
            out.add(mechanism);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(ENABLED_MECHANISMS + " of listener " + settings.listenerName()
                    + " is empty: a SASL listener needs at least one of " + SUPPORTED);
        }
        return out;
    }

    private static Supplier<SaslServerMechanism> factory(ListenerSettings settings, String mechanism,
            ScramCredentials scram, Clock clock) {
        JaasConfig.Entry jaas = SaslSettings.jaasEntry(settings, mechanism);
        String handler = settings.get(mechanism, SERVER_CALLBACK_HANDLER);
        if (handler != null && !handler.isEmpty() && !mechanism.equals("OAUTHBEARER")) {
            throw new IllegalArgumentException(callbackKey(settings, mechanism) + "=" + handler
                    + " is not supported: Wharf loads no callback handler classes for " + mechanism);
        }
        switch (mechanism) {
            case "PLAIN" -> {
                Map<String, byte[]> digests = PlainServerMechanism.passwordDigests(jaas);
                byte[] unknown = PlainServerMechanism.randomDigest();
                return () -> new PlainServerMechanism(digests, unknown);
            }
            case "SCRAM-SHA-256", "SCRAM-SHA-512" -> {
                ScramMechanism scramMechanism = ScramMechanism.byName(mechanism).orElseThrow();
                byte[] secret = new byte[32];
                new SecureRandom().nextBytes(secret);
                return () -> new ScramServerMechanism(scramMechanism, scram, secret);
            }
            case "OAUTHBEARER" -> {
                TokenValidator validator = tokenValidator(settings, jaas, handler, clock);
                return () -> new OAuthBearerServerMechanism(validator);
            }
            default -> throw new IllegalArgumentException("SASL mechanism " + mechanism + " is not supported");
        }
    }

    /** Kafka's unsecured validator by default, its JWKS validator when that handler class is named. */
    private static TokenValidator tokenValidator(ListenerSettings settings, JaasConfig.Entry jaas, String handler,
            Clock clock) {
        if (handler == null || handler.isEmpty() || handler.equals(UNSECURED_VALIDATOR)) {
            return UnsecuredJwtValidator.fromJaas(jaas, clock);
        }
        if (JwksTokenValidator.HANDLER_CLASSES.contains(handler)) {
            return JwksTokenValidator.fromSettings(settings, clock);
        }
        throw new IllegalArgumentException(callbackKey(settings, "OAUTHBEARER") + "=" + handler
                + " is not supported: Wharf validates OAUTHBEARER tokens as Kafka's unsecured validator (no handler) "
                + "or as " + JwksTokenValidator.HANDLER_CLASS + " (JWKS)");
    }

    static String callbackKey(ListenerSettings settings, String mechanism) {
        return "listener.name." + settings.listenerName().toLowerCase(Locale.ROOT) + "."
                + mechanism.toLowerCase(Locale.ROOT) + "." + SERVER_CALLBACK_HANDLER;
    }
}

package dev.wharf.server.security.sasl;

import dev.wharf.server.config.ListenerSettings;
import dev.wharf.server.security.ScramMechanism;
import java.time.Clock;

/**
 * Builds the client side of the inter-broker SASL mechanism ({@code sasl.mechanism.inter.broker.protocol})
 * from that mechanism's JAAS config on the inter-broker listener: {@code username}/{@code password}
 * for PLAIN and SCRAM, the {@code unsecuredLogin*} options for OAUTHBEARER. Stateless.
 */
public final class SaslClientMechanisms {
    private static final String LOGIN_CALLBACK_HANDLER = "sasl.login.callback.handler.class";
    private static final String UNSECURED_LOGIN =
            "org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredLoginCallbackHandler";

    private SaslClientMechanisms() {
    }

    /**
     * A new client exchange of {@code mechanism}.
     *
     * @throws IllegalArgumentException when the mechanism is not served or its JAAS config lacks what it needs
     */
    public static SaslClientMechanism forInterBroker(ListenerSettings settings, String mechanism) {
        return forInterBroker(settings, mechanism, Clock.systemUTC());
    }

    /** As {@link #forInterBroker(ListenerSettings, String)}, with the clock OAUTHBEARER tokens are dated by. */
    public static SaslClientMechanism forInterBroker(ListenerSettings settings, String mechanism, Clock clock) {
        JaasConfig.Entry jaas = SaslSettings.jaasEntry(settings, mechanism);
        return switch (mechanism) {
            case "PLAIN" -> new PlainClientMechanism(SaslSettings.requiredOption(jaas, "username", mechanism),
                    SaslSettings.requiredOption(jaas, "password", mechanism));
            case "SCRAM-SHA-256", "SCRAM-SHA-512" -> new ScramClientMechanism(
                    ScramMechanism.byName(mechanism).orElseThrow(),
                    SaslSettings.requiredOption(jaas, "username", mechanism),
                    SaslSettings.requiredOption(jaas, "password", mechanism));
            case "OAUTHBEARER" -> {
                String handler = settings.get(mechanism, LOGIN_CALLBACK_HANDLER);
                if (handler != null && !handler.isEmpty() && !handler.equals(UNSECURED_LOGIN)) {
                    throw new IllegalArgumentException(LOGIN_CALLBACK_HANDLER + "=" + handler + " is not supported "
                            + "for inter-broker OAUTHBEARER: Wharf makes unsecured tokens from the "
                            + "unsecuredLoginStringClaim_* options of the JAAS config");
                }
                yield new OAuthBearerClientMechanism(UnsecuredLoginToken.fromJaas(jaas, clock));
            }
            default -> throw new IllegalArgumentException("SASL mechanism " + mechanism
                    + " is not supported for inter-broker authentication");
        };
    }
}

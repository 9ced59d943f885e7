package dev.wharf.server.security;

import dev.wharf.server.BrokerConfig;
import dev.wharf.server.api.SaslListener;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.config.ListenerSettings;
import dev.wharf.server.network.InterBrokerListener;
import dev.wharf.server.network.ListenerSecurity;
import dev.wharf.server.security.sasl.SaslClientMechanism;
import dev.wharf.server.security.sasl.SaslClientMechanisms;
import dev.wharf.server.security.sasl.SaslServerMechanisms;
import dev.wharf.server.security.ssl.SslPrincipals;
import dev.wharf.server.security.ssl.SslSettings;
import java.time.Clock;
import java.util.function.Supplier;

/**
 * Builds each listener's security from the broker's configuration: the server side of every
 * listener ({@link ListenerSecurity}) and the client side of the inter-broker listener
 * ({@link InterBrokerListener}), from Kafka's keys with {@code listener.name.<l>.} prefixes. A
 * listener whose settings are incomplete or wrong fails the broker's start with a message naming
 * the listener and the key.
 */
public final class ListenerSecurities {
    private static final String INTER_BROKER_MECHANISM = "sasl.mechanism.inter.broker.protocol";

    private ListenerSecurities() {}

    /** The server side of listener {@code name}; SCRAM credentials are looked up in {@code scram}. */
    public static ListenerSecurity server(BrokerConfig config, String name, ScramCredentials scram) {
        String protocol = config.securityProtocol(name);
        ListenerSettings settings = config.listenerSettings(name);
        try {
            return switch (protocol) {
                case "PLAINTEXT" -> ListenerSecurity.PLAINTEXT;
                case "SSL" -> {
                    SslSettings ssl = serverTls(settings);
                    yield new ListenerSecurity(protocol, ssl.serverContext(),
                            session -> SslPrincipals.principalOf(session, ssl.principalMapper()), null);
                }
                case "SASL_PLAINTEXT" -> new ListenerSecurity(protocol, null, null, sasl(config, settings, scram));
                case "SASL_SSL" -> new ListenerSecurity(protocol, serverTls(settings).serverContext(), null,
                        sasl(config, settings, scram));
                default -> throw new IllegalArgumentException("unknown security protocol " + protocol);
            };
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("listener " + name + " (" + protocol + "): " + e.getMessage(), e);
        }
    }

    /** How this broker connects to the others' inter-broker listener. */
    public static InterBrokerListener interBroker(BrokerConfig config) {
        String name = config.interBrokerListenerName();
        String protocol = config.securityProtocol(name);
        ListenerSettings settings = config.listenerSettings(name);
        try {
            SslSettings ssl = protocol.endsWith("SSL") ? SslSettings.of(settings.withPrefix("ssl.")) : null;
            Supplier<SaslClientMechanism> sasl = null;
            if (protocol.startsWith("SASL_")) {
                String mechanism = settings.getOrDefault(INTER_BROKER_MECHANISM, "GSSAPI");
                SaslClientMechanisms.forInterBroker(settings, mechanism); // its settings are checked now
                sasl = () -> SaslClientMechanisms.forInterBroker(settings, mechanism);
            }
            return new InterBrokerListener(name, protocol, ssl == null ? null : ssl.clientSocketFactory(),
                    ssl != null && ssl.verifyHostname(), sasl);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("inter-broker listener " + name + " (" + protocol + "): " + e.getMessage(), e);
        }
    }

    private static SslSettings serverTls(ListenerSettings settings) {
        SslSettings ssl = SslSettings.of(settings.withPrefix("ssl."));
        if (!ssl.hasKeyStore()) {
            throw new IllegalArgumentException("a TLS listener needs a key store (ssl.keystore.location, or "
                    + "ssl.keystore.key with ssl.keystore.certificate.chain)");
        }
        return ssl;
    }

    private static SaslListener sasl(BrokerConfig config, ListenerSettings settings, ScramCredentials scram) {
        SaslServerMechanisms mechanisms = SaslServerMechanisms.forListener(settings, scram, Clock.systemUTC());
        String reauth = settings.get(BrokerKeys.CONNECTIONS_MAX_REAUTH_MS.name());
        long maxReauthMs = reauth == null ? config.get(BrokerKeys.CONNECTIONS_MAX_REAUTH_MS) : Long.parseLong(reauth);
        return new SaslListener(mechanisms.enabled(), mechanisms::create,
                config.get(BrokerKeys.CONNECTION_FAILED_AUTHENTICATION_DELAY_MS), maxReauthMs);
    }
}

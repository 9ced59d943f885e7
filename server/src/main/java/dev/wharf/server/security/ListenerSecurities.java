package dev.wharf.server.security;

import dev.wharf.server.BrokerConfig;
import dev.wharf.server.network.InterBrokerListener;
import dev.wharf.server.network.ListenerSecurity;

/**
 * Builds each listener's security from the broker's configuration: the server side of every
 * listener ({@link ListenerSecurity}) and the client side of the inter-broker listener
 * ({@link InterBrokerListener}). A listener whose settings are incomplete or wrong fails the
 * broker's start with a message naming the key.
 */
public final class ListenerSecurities {
    private ListenerSecurities() {}

    /** The server side of listener {@code name}. */
    public static ListenerSecurity server(BrokerConfig config, String name, ScramCredentials scram) {
        String protocol = config.securityProtocol(name);
        if (protocol.equals("PLAINTEXT")) {
            return ListenerSecurity.PLAINTEXT;
        }
        throw new IllegalArgumentException("listener " + name + " uses security protocol " + protocol
                + ", which Wharf does not serve yet (PLAINTEXT only)");
    }

    /** How this broker connects to the others' inter-broker listener. */
    public static InterBrokerListener interBroker(BrokerConfig config) {
        String name = config.interBrokerListenerName();
        String protocol = config.securityProtocol(name);
        if (protocol.equals("PLAINTEXT")) {
            return InterBrokerListener.plaintext(name);
        }
        throw new IllegalArgumentException("inter-broker listener " + name + " uses security protocol " + protocol
                + ", which Wharf does not serve yet (PLAINTEXT only)");
    }
}

package dev.wharf.server.network;

import dev.wharf.server.security.sasl.SaslClientMechanism;
import java.util.function.Supplier;
import javax.net.ssl.SSLSocketFactory;

/**
 * How this broker reaches other brokers ({@code inter.broker.listener.name}): the listener name
 * whose registered endpoints it connects to, and that listener's security as a client: TLS
 * ({@code tls}, checking the peer's host name unless {@code ssl.endpoint.identification.algorithm}
 * is empty) and SASL ({@code sasl.mechanism.inter.broker.protocol} with the credentials of its
 * JAAS config: a new exchange per connection).
 *
 * <p>Immutable; shared by every inter-broker connection (replica fetchers, transaction markers).
 */
public record InterBrokerListener(String name, String protocol, SSLSocketFactory tls, boolean verifyHostname,
        Supplier<SaslClientMechanism> sasl) {
    public static InterBrokerListener plaintext(String name) {
        return new InterBrokerListener(name, "PLAINTEXT", null, false, null);
    }
}

package dev.wharf.server.security.ssl;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.security.Security;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS settings of one listener, parsed once from Kafka's {@code ssl.*} keys with Kafka's
 * defaults, with the key and trust stores already loaded (so a bad store fails at start-up, not at
 * the first handshake). From them: the Netty context a TLS listener serves with, and the socket
 * factory this broker connects to another broker's TLS listener with.
 *
 * <p>The server side uses BoringSSL (netty-tcnative) when it loads on this machine, else the JDK's
 * provider; {@code ssl.provider} and {@code ssl.secure.random.implementation} name JDK pieces, so
 * either of them selects the JDK. The client side is always the JDK's (a blocking socket).
 *
 * <p>Immutable after {@link #of}; any thread.
 */
public final class SslSettings {
    private static final Logger log = LoggerFactory.getLogger(SslSettings.class);

    /** Kafka's defaults for the keys that have one. */
    private static final Map<String, String> DEFAULTS = Map.of(
            SslKeys.PROTOCOL, "TLSv1.3",
            SslKeys.ENABLED_PROTOCOLS, "TLSv1.2,TLSv1.3",
            SslKeys.KEYSTORE_TYPE, "JKS",
            SslKeys.TRUSTSTORE_TYPE, "JKS",
            SslKeys.CLIENT_AUTH, "none",
            SslKeys.ENDPOINT_IDENTIFICATION_ALGORITHM, "https",
            SslKeys.PRINCIPAL_MAPPING_RULES, "DEFAULT",
            SslKeys.KEYMANAGER_ALGORITHM, KeyManagerFactory.getDefaultAlgorithm(),
            SslKeys.TRUSTMANAGER_ALGORITHM, TrustManagerFactory.getDefaultAlgorithm());

    private final String protocol;
    private final List<String> enabledProtocols;
    private final List<String> cipherSuites; // empty: the provider's defaults
    private final String provider; // null: the default JSSE provider
    private final String secureRandomImplementation; // null: the JDK's default
    private final ClientAuth clientAuth;
    private final String endpointIdentificationAlgorithm; // "" when host names are not checked
    private final SslPrincipalMapper principalMapper;
    private final KeyManagerFactory keyManagers; // null when no key store is configured
    private final TrustManagerFactory trustManagers;

    private SslSettings(Map<String, String> ssl) {
        provider = ssl.get(SslKeys.PROVIDER);
        if (provider != null && Security.getProvider(provider) == null) {
            throw new IllegalArgumentException(SslKeys.PROVIDER + ": no security provider named " + provider);
        }
        protocol = ssl.get(SslKeys.PROTOCOL);
        try {
            newContext();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException(SslKeys.PROTOCOL + ": unknown protocol " + protocol, e);
        }
        SSLParameters supported = supportedParameters();
        enabledProtocols = list(ssl.get(SslKeys.ENABLED_PROTOCOLS));
        if (enabledProtocols.isEmpty()) {
            throw new IllegalArgumentException(SslKeys.ENABLED_PROTOCOLS + ": at least one protocol is needed");
        }
        requireKnown(enabledProtocols, supported.getProtocols(), SslKeys.ENABLED_PROTOCOLS, "protocol");
        cipherSuites = list(ssl.get(SslKeys.CIPHER_SUITES));
        requireKnown(cipherSuites, supported.getCipherSuites(), SslKeys.CIPHER_SUITES, "cipher suite");
        secureRandomImplementation = ssl.get(SslKeys.SECURE_RANDOM_IMPLEMENTATION);
        secureRandom(); // fails now on an unknown one
        clientAuth = clientAuth(ssl.get(SslKeys.CLIENT_AUTH));
        endpointIdentificationAlgorithm = endpointIdentification(ssl.get(SslKeys.ENDPOINT_IDENTIFICATION_ALGORITHM));
        principalMapper = SslPrincipalMapper.of(ssl.get(SslKeys.PRINCIPAL_MAPPING_RULES));
        keyManagers = SslStores.keyManagers(ssl, ssl.get(SslKeys.KEYMANAGER_ALGORITHM));
        trustManagers = SslStores.trustManagers(ssl, ssl.get(SslKeys.TRUSTMANAGER_ALGORITHM));
    }

    /**
     * Parses and validates the {@code ssl.*} keys of one listener (keys keep their "ssl." prefix;
     * listener overrides already applied, e.g. by {@code ListenerSettings.withPrefix("ssl.")}),
     * and loads the stores they name. Other keys are ignored; a blank value counts as not given,
     * except for {@code ssl.endpoint.identification.algorithm}, where it turns the check off.
     *
     * @throws IllegalArgumentException naming the key at fault
     */
    public static SslSettings of(Map<String, String> ssl) {
        Map<String, String> values = new HashMap<>(DEFAULTS);
        ssl.forEach((key, value) -> {
            String v = value == null ? "" : value.trim();
            if (!v.isEmpty() || key.equals(SslKeys.ENDPOINT_IDENTIFICATION_ALGORITHM)) {
                values.put(key, v);
            }
        });
        return new SslSettings(values);
    }

    /** The names of the keys {@link #of} reads. */
    public static List<String> keys() {
        return SslKeys.ALL;
    }

    /**
     * A Netty server context for a TLS listener: the key store as the server's identity, the trust
     * store for client certificates, {@code ssl.client.auth}, the enabled protocols and cipher suites.
     * With OpenSSL, {@code ssl.protocol} is only validated (the enabled protocols decide). Each call
     * builds a new context and logs which provider serves it.
     *
     * @throws IllegalArgumentException when no key store is configured or the context cannot be built
     */
    public SslContext serverContext() {
        if (keyManagers == null) {
            throw new IllegalArgumentException(SslKeys.KEYSTORE_LOCATION
                    + ": a TLS listener needs a key store (or " + SslKeys.KEYSTORE_KEY + " with PEM)");
        }
        String jdkReason = jdkReason();
        try {
            if (jdkReason == null) {
                SslContext context = SslContextBuilder.forServer(keyManagers)
                        .sslProvider(SslProvider.OPENSSL)
                        .trustManager(trustManagers)
                        .clientAuth(clientAuth)
                        .protocols(enabledProtocols)
                        .ciphers(cipherSuites.isEmpty() ? null : cipherSuites)
                        .build();
                log.info("TLS listener context built: provider=OpenSSL version={} protocols={} clientAuth={}",
                        OpenSsl.versionString(), enabledProtocols, clientAuth);
                return context;
            }
            SSLContext jdk = newContext();
            jdk.init(keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), secureRandom());
            SslContext context = new JdkSslContext(jdk, false, cipherSuites.isEmpty() ? null : cipherSuites,
                    IdentityCipherSuiteFilter.INSTANCE, ApplicationProtocolConfig.DISABLED, clientAuth,
                    enabledProtocols.toArray(new String[0]), false);
            log.info("TLS listener context built: provider=JDK ({}) jsse={} protocols={} clientAuth={}",
                    jdkReason, jdk.getProvider().getName(), enabledProtocols, clientAuth);
            return context;
        } catch (SSLException | GeneralSecurityException e) {
            throw new IllegalArgumentException("ssl.*: cannot build the TLS listener context: " + e.getMessage(), e);
        }
    }

    /**
     * The socket factory for this broker connecting to another broker's TLS listener with a
     * blocking socket: the trust store to check the other broker, the key store (when configured)
     * for mutual TLS. Each socket it makes has the enabled protocols and cipher suites set, and
     * checks the host name when {@link #verifyHostname()}; so connect by host name, as the other
     * broker advertises itself.
     */
    public SSLSocketFactory clientSocketFactory() {
        SSLContext context = clientContext();
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(enabledProtocols.toArray(new String[0]));
        parameters.setCipherSuites(cipherSuites.isEmpty()
                ? context.getDefaultSSLParameters().getCipherSuites()
                : cipherSuites.toArray(new String[0]));
        if (verifyHostname()) {
            parameters.setEndpointIdentificationAlgorithm(endpointIdentificationAlgorithm.toUpperCase(Locale.ROOT));
        }
        return new ConfiguredSocketFactory(context.getSocketFactory(), parameters);
    }

    /** A client's TLS context: the trust store to check the server, the key store (when configured) for mutual TLS. */
    public SSLContext clientContext() {
        try {
            SSLContext context = newContext();
            context.init(keyManagers == null ? null : keyManagers.getKeyManagers(), trustManagers.getTrustManagers(), secureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("ssl.*: cannot build the TLS client context: " + e.getMessage(), e);
        }
    }

    /** True when {@code ssl.endpoint.identification.algorithm} is set (Kafka's default, "https"): clients check the host name. */
    public boolean verifyHostname() {
        return !endpointIdentificationAlgorithm.isEmpty();
    }

    public SslPrincipalMapper principalMapper() {
        return principalMapper;
    }

    /** The {@code ssl.client.auth} setting, as Netty names it (none, requested = OPTIONAL, required = REQUIRE). */
    public ClientAuth clientAuth() {
        return clientAuth;
    }

    /** Whether a key store is configured (a TLS listener needs one; a client only for mutual TLS). */
    public boolean hasKeyStore() {
        return keyManagers != null;
    }

    /** Why the server context will use the JDK's provider, or null when it will use OpenSSL. */
    private String jdkReason() {
        if (provider != null) {
            return SslKeys.PROVIDER + "=" + provider;
        }
        if (secureRandomImplementation != null) {
            return SslKeys.SECURE_RANDOM_IMPLEMENTATION + "=" + secureRandomImplementation;
        }
        if (!OpenSsl.isAvailable()) {
            Throwable cause = OpenSsl.unavailabilityCause();
            return "OpenSSL unavailable: " + (cause == null ? "unknown" : cause.getMessage());
        }
        if (!OpenSsl.supportsKeyManagerFactory()) {
            return "OpenSSL cannot take a KeyManagerFactory";
        }
        return null;
    }

    private SSLContext newContext() throws NoSuchAlgorithmException {
        try {
            return provider == null ? SSLContext.getInstance(protocol) : SSLContext.getInstance(protocol, provider);
        } catch (java.security.NoSuchProviderException e) {
            throw new IllegalArgumentException(SslKeys.PROVIDER + ": no security provider named " + provider, e);
        }
    }

    private SecureRandom secureRandom() {
        if (secureRandomImplementation == null) {
            return null;
        }
        try {
            return SecureRandom.getInstance(secureRandomImplementation);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException(SslKeys.SECURE_RANDOM_IMPLEMENTATION + ": unknown implementation "
                    + secureRandomImplementation, e);
        }
    }

    private SSLParameters supportedParameters() {
        try {
            SSLContext context = newContext();
            context.init(null, null, null);
            return context.getSupportedSSLParameters();
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(SslKeys.PROTOCOL + ": cannot make a " + protocol + " context", e);
        }
    }

    private static ClientAuth clientAuth(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "none" -> ClientAuth.NONE;
            case "requested" -> ClientAuth.OPTIONAL;
            case "required" -> ClientAuth.REQUIRE;
            default -> throw new IllegalArgumentException(
                    SslKeys.CLIENT_AUTH + ": " + value + " is not one of none, requested, required");
        };
    }

    private static String endpointIdentification(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        if (!v.isEmpty() && !v.equals("https")) {
            throw new IllegalArgumentException(SslKeys.ENDPOINT_IDENTIFICATION_ALGORITHM + ": " + value
                    + " is not supported (https, or empty for no host name check)");
        }
        return v;
    }

    private static List<String> list(String value) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    out.add(item.trim());
                }
            }
        }
        return List.copyOf(out);
    }

    private static void requireKnown(List<String> given, String[] supported, String key, String what) {
        Set<String> known = Set.copyOf(Arrays.asList(supported));
        for (String item : given) {
            if (!known.contains(item)) {
                throw new IllegalArgumentException(key + ": unsupported " + what + " " + item);
            }
        }
    }
}

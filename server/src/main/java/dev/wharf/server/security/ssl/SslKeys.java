package dev.wharf.server.security.ssl;

import java.util.List;

/**
 * The names of the {@code ssl.*} keys a TLS listener reads, as Kafka's broker config spells them.
 * Defaults are Kafka's and live with {@link SslSettings}.
 */
public final class SslKeys {
    public static final String PROTOCOL = "ssl.protocol";
    public static final String ENABLED_PROTOCOLS = "ssl.enabled.protocols";
    public static final String CIPHER_SUITES = "ssl.cipher.suites";
    public static final String PROVIDER = "ssl.provider";
    public static final String KEYSTORE_TYPE = "ssl.keystore.type";
    public static final String KEYSTORE_LOCATION = "ssl.keystore.location";
    public static final String KEYSTORE_PASSWORD = "ssl.keystore.password";
    public static final String KEY_PASSWORD = "ssl.key.password";
    public static final String KEYSTORE_KEY = "ssl.keystore.key";
    public static final String KEYSTORE_CERTIFICATE_CHAIN = "ssl.keystore.certificate.chain";
    public static final String TRUSTSTORE_TYPE = "ssl.truststore.type";
    public static final String TRUSTSTORE_LOCATION = "ssl.truststore.location";
    public static final String TRUSTSTORE_PASSWORD = "ssl.truststore.password";
    public static final String TRUSTSTORE_CERTIFICATES = "ssl.truststore.certificates";
    public static final String CLIENT_AUTH = "ssl.client.auth";
    public static final String ENDPOINT_IDENTIFICATION_ALGORITHM = "ssl.endpoint.identification.algorithm";
    public static final String PRINCIPAL_MAPPING_RULES = "ssl.principal.mapping.rules";
    public static final String KEYMANAGER_ALGORITHM = "ssl.keymanager.algorithm";
    public static final String TRUSTMANAGER_ALGORITHM = "ssl.trustmanager.algorithm";
    public static final String SECURE_RANDOM_IMPLEMENTATION = "ssl.secure.random.implementation";

    /** Every key above. */
    public static final List<String> ALL = List.of(PROTOCOL, ENABLED_PROTOCOLS, CIPHER_SUITES, PROVIDER,
            KEYSTORE_TYPE, KEYSTORE_LOCATION, KEYSTORE_PASSWORD, KEY_PASSWORD, KEYSTORE_KEY,
            KEYSTORE_CERTIFICATE_CHAIN, TRUSTSTORE_TYPE, TRUSTSTORE_LOCATION, TRUSTSTORE_PASSWORD,
            TRUSTSTORE_CERTIFICATES, CLIENT_AUTH, ENDPOINT_IDENTIFICATION_ALGORITHM, PRINCIPAL_MAPPING_RULES,
            KEYMANAGER_ALGORITHM, TRUSTMANAGER_ALGORITHM, SECURE_RANDOM_IMPLEMENTATION);

    private SslKeys() {}
}

package dev.wharf.server.security.sasl;

import dev.wharf.server.config.ListenerSettings;
import java.util.Locale;

/**
 * How the SASL keys of one listener are read, shared by the server and client factories: a
 * mechanism's JAAS config from {@code listener.name.<l>.<mechanism>.sasl.jaas.config}, else
 * {@code listener.name.<l>.sasl.jaas.config}, else {@code sasl.jaas.config}; the login module
 * must be the one Kafka uses for the mechanism (Kafka finds its options by that class name).
 * Stateless.
 */
final class SaslSettings {
    static final String JAAS_CONFIG = "sasl.jaas.config";
    static final String PLAIN_LOGIN_MODULE = "org.apache.kafka.common.security.plain.PlainLoginModule";
    static final String SCRAM_LOGIN_MODULE = "org.apache.kafka.common.security.scram.ScramLoginModule";
    static final String OAUTHBEARER_LOGIN_MODULE = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule";

    private SaslSettings() {
    }

    /** The login module entry for {@code mechanism}; IllegalArgumentException naming the key if missing or wrong. */
    static JaasConfig.Entry jaasEntry(ListenerSettings settings, String mechanism) {
        String key = "listener.name." + settings.listenerName().toLowerCase(Locale.ROOT) + "."
                + mechanism.toLowerCase(Locale.ROOT) + "." + JAAS_CONFIG;
        String text = settings.get(mechanism, JAAS_CONFIG);
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("SASL mechanism " + mechanism + " on listener "
                    + settings.listenerName() + " has no JAAS config: set " + key
                    + " (a static JAAS file is not read by Wharf)");
        }
        JaasConfig.Entry entry;
        try {
            entry = JaasConfig.parse(text).single("The JAAS config");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid sasl.jaas.config for " + mechanism + " on listener "
                    + settings.listenerName() + ": " + e.getMessage(), e);
        }
        String expected = loginModule(mechanism);
        if (!entry.loginModule().equals(expected)) {
            throw new IllegalArgumentException("Invalid sasl.jaas.config for " + mechanism + " on listener "
                    + settings.listenerName() + ": " + mechanism + " needs login module " + expected + ", not "
                    + entry.loginModule());
        }
        return entry;
    }

    private static String loginModule(String mechanism) {
        return switch (mechanism) {
            case "PLAIN" -> PLAIN_LOGIN_MODULE;
            case "SCRAM-SHA-256", "SCRAM-SHA-512" -> SCRAM_LOGIN_MODULE;
            case "OAUTHBEARER" -> OAUTHBEARER_LOGIN_MODULE;
            default -> throw new IllegalArgumentException("SASL mechanism " + mechanism + " is not supported");
        };
    }

    /** An option that must be present and non-empty. */
    static String requiredOption(JaasConfig.Entry entry, String option, String mechanism) {
        String v = entry.option(option);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException("The JAAS config of " + mechanism + " needs option " + option);
        }
        return v;
    }
}

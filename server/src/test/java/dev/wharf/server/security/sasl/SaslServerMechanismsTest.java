package dev.wharf.server.security.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.config.ListenerSettings;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a listener serves and the start-up errors for SASL settings that cannot work. */
class SaslServerMechanismsTest {
    private static final String PLAIN_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "user_alice=\"alice-secret\";";
    private static final String SCRAM_JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required;";

    private static SaslServerMechanisms of(ListenerSettings settings) {
        return SaslServerMechanisms.forListener(settings, new Users(), Clock.systemUTC());
    }

    // The enabled mechanisms are served in the configured order (what SaslHandshake lists).
    @Test
    void enabledInConfiguredOrder() {
        SaslServerMechanisms m = of(Users.listener("sasl.enabled.mechanisms", "SCRAM-SHA-512, PLAIN,SCRAM-SHA-256",
                Users.jaasKey("PLAIN"), PLAIN_JAAS, "sasl.jaas.config", SCRAM_JAAS));
        assertEquals(List.of("SCRAM-SHA-512", "PLAIN", "SCRAM-SHA-256"), m.enabled());
        assertTrue(m.create("SCRAM-SHA-512") instanceof ScramServerMechanism);
        assertThrows(IllegalArgumentException.class, () -> m.create("OAUTHBEARER"));
    }

    // Kafka's default mechanism is GSSAPI; left unset, the broker says so instead of failing at a client's login.
    @Test
    void unsetMechanismsNameKafkasGssapiDefault() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> of(Users.listener("sasl.jaas.config", PLAIN_JAAS)));
        assertTrue(e.getMessage().contains("GSSAPI") && e.getMessage().contains("sasl.enabled.mechanisms"),
                e.getMessage());
    }

    // A mechanism Wharf does not serve is refused by name.
    @Test
    void unservedMechanismIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> of(Users.listener("sasl.enabled.mechanisms", "PLAIN,GSSAPI", "sasl.jaas.config", PLAIN_JAAS)));
        assertTrue(e.getMessage().contains("GSSAPI"), e.getMessage());
    }

    // A mechanism without a JAAS config is refused with the key to set.
    @Test
    void missingJaasConfigNamesTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> of(Users.listener("sasl.enabled.mechanisms", "PLAIN")));
        assertTrue(e.getMessage().contains(Users.jaasKey("PLAIN")), e.getMessage());
    }

    // A JAAS config that does not parse, or names another mechanism's login module, is refused with the reason.
    @Test
    void invalidJaasConfigIsRefused() {
        IllegalArgumentException syntax = assertThrows(IllegalArgumentException.class, () -> of(Users.listener(
                "sasl.enabled.mechanisms", "PLAIN", Users.jaasKey("PLAIN"), "PlainLoginModule required user_a=1")));
        assertTrue(syntax.getMessage().contains("';'"), syntax.getMessage());
        IllegalArgumentException module = assertThrows(IllegalArgumentException.class, () -> of(Users.listener(
                "sasl.enabled.mechanisms", "PLAIN", Users.jaasKey("PLAIN"), SCRAM_JAAS)));
        assertTrue(module.getMessage().contains("PlainLoginModule"), module.getMessage());
    }

    // A custom callback handler class cannot be loaded by Wharf; it is refused rather than silently ignored.
    @Test
    void customCallbackHandlerIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> of(Users.listener(
                "sasl.enabled.mechanisms", "PLAIN", Users.jaasKey("PLAIN"), PLAIN_JAAS,
                "listener.name.sasl_plaintext.plain.sasl.server.callback.handler.class", "com.example.MyHandler")));
        assertTrue(e.getMessage().contains("com.example.MyHandler"), e.getMessage());
    }

    // The mechanism-specific JAAS config on the listener wins over the broker-wide one.
    @Test
    void listenerMechanismJaasConfigWins() throws Exception {
        SaslServerMechanisms m = of(Users.listener("sasl.enabled.mechanisms", "PLAIN",
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required user_bob=b;",
                Users.jaasKey("PLAIN"), PLAIN_JAAS));
        SaslServerMechanism server = m.create("PLAIN");
        server.evaluate("\u0000alice\u0000alice-secret".getBytes(StandardCharsets.UTF_8));
        assertEquals("alice", server.authorizedId());
        assertThrows(SaslAuthenticationException.class,
                () -> m.create("PLAIN").evaluate("\u0000bob\u0000b".getBytes(StandardCharsets.UTF_8)));
    }
}

package dev.wharf.server.security.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The inter-broker client's settings: what it needs from the JAAS config, refused before any login when missing. */
class SaslClientMechanismsTest {
    // PLAIN and SCRAM need a username and a password; the message names the missing option.
    @Test
    void credentialsAreRequired() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SaslClientMechanisms
                .forInterBroker(Users.listener(Users.jaasKey("SCRAM-SHA-256"),
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"b\";"),
                        "SCRAM-SHA-256"));
        assertTrue(e.getMessage().contains("password"), e.getMessage());
    }

    // A mechanism Wharf does not speak, or a login callback handler it cannot load, is refused by name.
    @Test
    void unsupportedSettingsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> SaslClientMechanisms.forInterBroker(Users.listener("sasl.jaas.config", "x required;"), "GSSAPI"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SaslClientMechanisms
                .forInterBroker(Users.listener(Users.jaasKey("OAUTHBEARER"),
                        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;",
                        "sasl.login.callback.handler.class",
                        "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginCallbackHandler"), "OAUTHBEARER"));
        assertTrue(e.getMessage().contains("OAuthBearerLoginCallbackHandler"), e.getMessage());
    }

    // The mechanism's name is what SaslHandshake must request.
    @Test
    void mechanismNameIsReported() {
        SaslClientMechanism client = SaslClientMechanisms.forInterBroker(Users.listener(Users.jaasKey("SCRAM-SHA-512"),
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=b password=p;"),
                "SCRAM-SHA-512");
        assertEquals("SCRAM-SHA-512", client.mechanismName());
    }
}

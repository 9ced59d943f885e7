package dev.wharf.server.security.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.security.plain.PlainAuthenticateCallback;
import org.junit.jupiter.api.Test;

/** SASL/PLAIN: our server against the JDK's PLAIN client (what Kafka's client uses), our client against Kafka's server. */
class PlainMechanismTest {
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"alice-secret\";";

    private final SaslServerMechanisms mechanisms = SaslServerMechanisms.forListener(
            Users.listener("sasl.enabled.mechanisms", "PLAIN", Users.jaasKey("PLAIN"), JAAS), new Users(),
            Clock.systemUTC());

    // A user listed as user_<name> in the JAAS config logs in with the real client and is named by it.
    @Test
    void userFromJaasConfigAuthenticates() throws Exception {
        SaslServerMechanism server = mechanisms.create("PLAIN");
        KafkaSasl.run(KafkaSasl.client("PLAIN", credentials("alice", "alice-secret")), server);
        assertTrue(server.isComplete());
        assertEquals("alice", server.authorizedId());
        assertEquals(Long.MAX_VALUE, server.credentialExpiryMs());
    }

    // A wrong password and an unknown user get the same answer, so the answer does not reveal who exists.
    @Test
    void wrongPasswordAndUnknownUserAreRefusedAlike() throws Exception {
        SaslAuthenticationException wrong = assertThrows(SaslAuthenticationException.class, () -> KafkaSasl.run(
                KafkaSasl.client("PLAIN", credentials("alice", "alice-secreT")), mechanisms.create("PLAIN")));
        SaslAuthenticationException unknown = assertThrows(SaslAuthenticationException.class, () -> KafkaSasl.run(
                KafkaSasl.client("PLAIN", credentials("mallory", "alice-secret")), mechanisms.create("PLAIN")));
        assertEquals("Authentication failed: Invalid username or password", wrong.getMessage());
        assertEquals(wrong.getMessage(), unknown.getMessage());
    }

    // An authorization id other than the user name is refused, as Kafka refuses it; the same name is fine.
    @Test
    void authzidMustEqualUserName() throws Exception {
        SaslServerMechanism other = mechanisms.create("PLAIN");
        SaslAuthenticationException e = assertThrows(SaslAuthenticationException.class,
                () -> other.evaluate("admin\u0000alice\u0000alice-secret".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("authorization id"), e.getMessage());
        SaslServerMechanism same = mechanisms.create("PLAIN");
        same.evaluate("alice\u0000alice\u0000alice-secret".getBytes(StandardCharsets.UTF_8));
        assertEquals("alice", same.authorizedId());
    }

    // A message that is not authzid NUL user NUL password is refused with a reason, not an exception of another kind.
    @Test
    void malformedMessageIsRefused() {
        SaslAuthenticationException e = assertThrows(SaslAuthenticationException.class,
                () -> mechanisms.create("PLAIN").evaluate("alice\u0000alice-secret".getBytes(StandardCharsets.UTF_8)));
        assertEquals("Invalid SASL/PLAIN response: expected 3 tokens, got 2", e.getMessage());
    }

    // The inter-broker client logs in to Kafka's own PLAIN server with the JAAS username and password.
    @Test
    void clientAuthenticatesToKafkasServer() throws Exception {
        SaslClientMechanism client = SaslClientMechanisms.forInterBroker(
                Users.listener(Users.jaasKey("PLAIN"), JAAS), "PLAIN");
        SaslServer server = KafkaSasl.server("PLAIN", kafkaPlainUsers("admin", "admin-secret"));
        KafkaSasl.run(client, server);
        assertTrue(client.isComplete());
        assertEquals("admin", server.getAuthorizationID());
    }

    // Kafka's server refuses our client when the password is not the one it knows.
    @Test
    void clientWithWrongPasswordIsRefusedByKafkasServer() throws Exception {
        SaslClientMechanism client = SaslClientMechanisms.forInterBroker(
                Users.listener(Users.jaasKey("PLAIN"), JAAS), "PLAIN");
        SaslServer server = KafkaSasl.server("PLAIN", kafkaPlainUsers("admin", "other-secret"));
        assertThrows(org.apache.kafka.common.errors.SaslAuthenticationException.class,
                () -> KafkaSasl.run(client, server));
    }

    /** The JDK PLAIN client's callbacks: user name and password. */
    static CallbackHandler credentials(String user, String password) {
        return callbacks -> {
            for (Callback c : callbacks) {
                if (c instanceof NameCallback n) {
                    n.setName(user);
                } else if (c instanceof PasswordCallback p) {
                    p.setPassword(password.toCharArray());
                } else {
                    throw new UnsupportedCallbackException(c);
                }
            }
        };
    }

    /** Kafka's PLAIN server asks for the user name and then whether the password is right. */
    private static CallbackHandler kafkaPlainUsers(String user, String password) {
        return callbacks -> {
            String name = null;
            for (Callback c : callbacks) {
                if (c instanceof NameCallback n) {
                    name = n.getDefaultName();
                } else if (c instanceof PlainAuthenticateCallback a) {
                    a.authenticated(user.equals(name) && password.equals(new String(a.password())));
                } else {
                    throw new UnsupportedCallbackException(c);
                }
            }
        };
    }
}

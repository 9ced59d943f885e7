package dev.wharf.server.security.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.security.ScramCredential;
import dev.wharf.server.security.ScramMechanism;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.CallbackHandler;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.security.scram.ScramCredentialCallback;
import org.apache.kafka.common.security.scram.ScramExtensionsCallback;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** SCRAM-SHA-256/512: our server against Kafka's SCRAM client, our client against Kafka's SCRAM server. */
class ScramMechanismTest {
    private static final String JAAS = "org.apache.kafka.common.security.scram.ScramLoginModule required "
            + "username=\"broker\" password=\"broker-secret\";";

    private final Users users = new Users();

    private SaslServerMechanism server(ScramMechanism m) {
        return SaslServerMechanisms.forListener(Users.listener("sasl.enabled.mechanisms", m.mechanismName,
                Users.jaasKey(m.mechanismName), JAAS), users, Clock.systemUTC()).create(m.mechanismName);
    }

    // A user with a stored credential logs in with Kafka's client, which also accepts the server's signature.
    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void kafkaClientAuthenticates(ScramMechanism m) throws Exception {
        users.add("alice", "alice-secret", m);
        SaslServerMechanism server = server(m);
        SaslClient client = KafkaSasl.client(m.mechanismName, credentials("alice", "alice-secret", Map.of()));
        KafkaSasl.run(client, server);
        assertTrue(server.isComplete());
        assertTrue(client.isComplete(), "the client verified the server's final message");
        assertEquals("alice", server.authorizedId());
    }

    // User names with ',' and '=' travel escaped (=2C, =3D) and are looked up unescaped.
    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void userNamesWithSpecialCharacters(ScramMechanism m) throws Exception {
        users.add("a,b=c", "pw-secret", m);
        SaslServerMechanism server = server(m);
        KafkaSasl.run(KafkaSasl.client(m.mechanismName, credentials("a,b=c", "pw-secret", Map.of())), server);
        assertEquals("a,b=c", server.authorizedId());
    }

    // A wrong password and an unknown user fail at the same step with the same message: nothing tells who exists.
    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void wrongPasswordAndUnknownUserAreRefusedAlike(ScramMechanism m) throws Exception {
        users.add("alice", "alice-secret", m);
        SaslServerMechanism wrongServer = server(m);
        SaslClient wrong = KafkaSasl.client(m.mechanismName, credentials("alice", "not-it", Map.of()));
        byte[] first = wrongServer.evaluate(wrong.evaluateChallenge(new byte[0]));
        SaslAuthenticationException e1 = assertThrows(SaslAuthenticationException.class,
                () -> wrongServer.evaluate(wrong.evaluateChallenge(first)));

        SaslServerMechanism unknownServer = server(m);
        SaslClient unknown = KafkaSasl.client(m.mechanismName, credentials("nobody", "not-it", Map.of()));
        byte[] unknownFirst = unknownServer.evaluate(unknown.evaluateChallenge(new byte[0]));
        SaslAuthenticationException e2 = assertThrows(SaslAuthenticationException.class,
                () -> unknownServer.evaluate(unknown.evaluateChallenge(unknownFirst)));

        assertEquals("Authentication failed during authentication due to invalid credentials with SASL mechanism "
                + m.mechanismName, e1.getMessage());
        assertEquals(e1.getMessage(), e2.getMessage());
        assertFalse(wrongServer.isComplete());
    }

    // An unknown user is offered the same salt each time, as a real user is, so repeated probes learn nothing.
    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void unknownUserGetsAStableSalt(ScramMechanism m) throws Exception {
        SaslServerMechanisms listener = SaslServerMechanisms.forListener(Users.listener("sasl.enabled.mechanisms",
                m.mechanismName, Users.jaasKey(m.mechanismName), JAAS), users, Clock.systemUTC());
        String salt1 = salt(listener.create(m.mechanismName).evaluate(clientFirst("nobody")));
        String salt2 = salt(listener.create(m.mechanismName).evaluate(clientFirst("nobody")));
        assertEquals(salt1, salt2);
    }

    // A final message whose nonce does not end with the one the server extended is refused (a
    // prefix is tolerated, as Kafka tolerates librdkafka's).
    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void wrongNonceIsRefused(ScramMechanism m) throws Exception {
        users.add("alice", "alice-secret", m);
        SaslServerMechanism server = server(m);
        SaslClient client = KafkaSasl.client(m.mechanismName, credentials("alice", "alice-secret", Map.of()));
        byte[] serverFirst = server.evaluate(client.evaluateChallenge(new byte[0]));
        String clientFinal = new String(client.evaluateChallenge(serverFirst), StandardCharsets.UTF_8);
        String tampered = clientFinal.replaceFirst(",p=", "X,p=");
        SaslAuthenticationException e = assertThrows(SaslAuthenticationException.class,
                () -> server.evaluate(tampered.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("nonce"), e.getMessage());
    }

    // A final message with a forged proof is refused.
    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void wrongProofIsRefused(ScramMechanism m) throws Exception {
        users.add("alice", "alice-secret", m);
        SaslServerMechanism server = server(m);
        SaslClient client = KafkaSasl.client(m.mechanismName, credentials("alice", "alice-secret", Map.of()));
        byte[] serverFirst = server.evaluate(client.evaluateChallenge(new byte[0]));
        String clientFinal = new String(client.evaluateChallenge(serverFirst), StandardCharsets.UTF_8);
        int p = clientFinal.lastIndexOf(",p=") + 3;
        byte[] proof = Base64.getDecoder().decode(clientFinal.substring(p));
        proof[0] ^= 1;
        String forged = clientFinal.substring(0, p) + Base64.getEncoder().encodeToString(proof);
        assertThrows(SaslAuthenticationException.class, () -> server.evaluate(forged.getBytes(StandardCharsets.UTF_8)));
        assertFalse(server.isComplete());
    }

    // Kafka's delegation-token login (tokenauth=true) is refused: Wharf issues no delegation tokens.
    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void delegationTokenLoginIsRefused(ScramMechanism m) throws Exception {
        users.add("alice", "alice-secret", m);
        SaslClient client = KafkaSasl.client(m.mechanismName,
                credentials("alice", "alice-secret", Map.of("tokenauth", "true")));
        SaslAuthenticationException e = assertThrows(SaslAuthenticationException.class,
                () -> KafkaSasl.run(client, server(m)));
        assertTrue(e.getMessage().contains("delegation token"), e.getMessage());
    }

    // A client asking for channel binding is refused: only "n,," is spoken, as by Kafka.
    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void channelBindingIsRefused(ScramMechanism m) {
        assertThrows(SaslAuthenticationException.class, () -> server(m).evaluate(
                "p=tls-unique,,n=alice,r=abc".getBytes(StandardCharsets.UTF_8)));
    }

    // The inter-broker client logs in to Kafka's own SCRAM server with the JAAS username and password.
    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void clientAuthenticatesToKafkasServer(ScramMechanism m) throws Exception {
        users.add("broker", "broker-secret", m);
        SaslClientMechanism client = SaslClientMechanisms.forInterBroker(
                Users.listener(Users.jaasKey(m.mechanismName), JAAS), m.mechanismName);
        SaslServer server = KafkaSasl.server(m.mechanismName, kafkaCredential(users.lookup("broker", m).orElseThrow()));
        KafkaSasl.run(client, server);
        assertTrue(client.isComplete());
        assertEquals("broker", server.getAuthorizationID());
    }

    // Kafka's server refuses our client when the stored credential is for another password.
    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void clientWithWrongPasswordIsRefusedByKafkasServer(ScramMechanism m) throws Exception {
        users.add("broker", "another-secret", m);
        SaslClientMechanism client = SaslClientMechanisms.forInterBroker(
                Users.listener(Users.jaasKey(m.mechanismName), JAAS), m.mechanismName);
        SaslServer server = KafkaSasl.server(m.mechanismName, kafkaCredential(users.lookup("broker", m).orElseThrow()));
        assertThrows(SaslException.class, () -> KafkaSasl.run(client, server));
    }

    // Our client checks the server's signature: a server that does not know the credential is caught out.
    @ParameterizedTest
    @EnumSource(ScramMechanism.class)
    void clientRefusesAForgedServerSignature(ScramMechanism m) throws Exception {
        users.add("broker", "broker-secret", m);
        SaslClientMechanism honest = interBrokerClient(m);
        SaslServerMechanism server = server(m);
        byte[] serverFinal = server.evaluate(honest.evaluate(server.evaluate(honest.initialResponse())));
        honest.evaluate(serverFinal);
        assertTrue(honest.isComplete());

        SaslClientMechanism fooled = interBrokerClient(m);
        SaslServerMechanism other = server(m);
        other.evaluate(fooled.evaluate(other.evaluate(fooled.initialResponse())));
        String forged = "v=" + Base64.getEncoder().encodeToString(new byte[m == ScramMechanism.SCRAM_SHA_256 ? 32 : 64]);
        assertThrows(SaslAuthenticationException.class, () -> fooled.evaluate(forged.getBytes(StandardCharsets.UTF_8)));
        assertFalse(fooled.isComplete());
    }

    private static SaslClientMechanism interBrokerClient(ScramMechanism m) {
        return SaslClientMechanisms.forInterBroker(Users.listener(Users.jaasKey(m.mechanismName), JAAS), m.mechanismName);
    }

    private static byte[] clientFirst(String user) {
        return ("n,,n=" + user + ",r=fixednonce").getBytes(StandardCharsets.UTF_8);
    }

    private static String salt(byte[] serverFirst) {
        for (String part : new String(serverFirst, StandardCharsets.UTF_8).split(",")) {
            if (part.startsWith("s=")) {
                return part;
            }
        }
        throw new AssertionError("no salt in server first message");
    }

    /** Kafka's SCRAM client's callbacks: name, password, and its extensions. */
    private static CallbackHandler credentials(String user, String password, Map<String, String> extensions) {
        return callbacks -> {
            for (Callback c : callbacks) {
                if (c instanceof NameCallback n) {
                    n.setName(user);
                } else if (c instanceof PasswordCallback p) {
                    p.setPassword(password.toCharArray());
                } else if (c instanceof ScramExtensionsCallback e) {
                    e.extensions(extensions);
                } else {
                    throw new UnsupportedCallbackException(c);
                }
            }
        };
    }

    /** Kafka's SCRAM server asks for the credential of the user it names. */
    private static CallbackHandler kafkaCredential(ScramCredential credential) {
        return callbacks -> {
            for (Callback c : callbacks) {
                if (c instanceof NameCallback) {
                    continue;
                } else if (c instanceof ScramCredentialCallback s) {
                    s.scramCredential(new org.apache.kafka.common.security.scram.ScramCredential(credential.salt(),
                            credential.storedKey(), credential.serverKey(), credential.iterations()));
                } else {
                    throw new UnsupportedCallbackException(c);
                }
            }
        };
    }
}

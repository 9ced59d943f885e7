package dev.wharf.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.config.ListenerSettings;
import dev.wharf.server.security.sasl.SaslServerMechanisms;
import dev.wharf.wire.message.ApiKey;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A SASL connection's states with the real PLAIN mechanism and a manual clock. */
class SaslSessionTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final SaslServerMechanisms mechanisms = SaslServerMechanisms.forListener(new ListenerSettings("SASL", Map.of(
            "sasl.enabled.mechanisms", "PLAIN",
            "listener.name.sasl.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                    + "user_alice=\"alice-secret\" user_bob=\"bob-secret\";")),
            (user, mechanism) -> Optional.empty(), Clock.systemUTC());

    private SaslSession session(long maxReauthMs) {
        return new SaslSession(new SaslListener(mechanisms.enabled(), mechanisms::create, 0, maxReauthMs), now::get);
    }

    private static byte[] plain(String user, String password) {
        return ("\0" + user + "\0" + password).getBytes(StandardCharsets.UTF_8);
    }

    // before authentication only ApiVersions and the handshake are served; after it, everything
    @Test
    void onlyTheSaslExchangeBeforeAuthentication() {
        SaslSession s = session(0);
        assertTrue(s.permits(ApiKey.API_VERSIONS));
        assertTrue(s.permits(ApiKey.SASL_HANDSHAKE));
        assertFalse(s.permits(ApiKey.METADATA));
        assertFalse(s.permits(ApiKey.SASL_AUTHENTICATE));
        assertEquals(ErrorCode.NONE, s.handshake("PLAIN", (short) 1));
        assertFalse(s.permits(ApiKey.PRODUCE));
        SaslSession.Step step = s.authenticate(plain("alice", "alice-secret"));
        assertEquals(ErrorCode.NONE, step.error());
        assertEquals("User:alice", step.principal());
        assertEquals(0, step.sessionLifetimeMs());
        assertTrue(s.permits(ApiKey.PRODUCE));
    }

    // a mechanism not enabled is refused and nothing more is served on the connection
    @Test
    void unknownMechanismFailsTheConnection() {
        SaslSession s = session(0);
        assertEquals(ErrorCode.UNSUPPORTED_SASL_MECHANISM, s.handshake("GSSAPI", (short) 1));
        assertFalse(s.permits(ApiKey.SASL_HANDSHAKE));
        assertFalse(s.permits(ApiKey.API_VERSIONS));
    }

    // a wrong password gets SASL_AUTHENTICATION_FAILED, no principal, and nothing more is served
    @Test
    void wrongPasswordFails() {
        SaslSession s = session(0);
        s.handshake("PLAIN", (short) 1);
        SaslSession.Step step = s.authenticate(plain("alice", "nope"));
        assertEquals(ErrorCode.SASL_AUTHENTICATION_FAILED, step.error());
        assertNull(step.principal());
        assertFalse(s.permits(ApiKey.METADATA));
    }

    // KIP-368: the session lasts connections.max.reauth.ms; then only a re-authentication, as the same user
    @Test
    void sessionExpiresAndReauthenticationKeepsThePrincipal() {
        SaslSession s = session(5_000);
        s.handshake("PLAIN", (short) 1);
        assertEquals(5_000, s.authenticate(plain("alice", "alice-secret")).sessionLifetimeMs());
        now.addAndGet(4_999);
        assertTrue(s.permits(ApiKey.FETCH));
        now.addAndGet(2);
        assertFalse(s.permits(ApiKey.FETCH));
        assertTrue(s.permits(ApiKey.SASL_HANDSHAKE));
        assertEquals(ErrorCode.NONE, s.handshake("PLAIN", (short) 1));
        assertEquals("User:alice", s.authenticate(plain("alice", "alice-secret")).principal());
        assertTrue(s.permits(ApiKey.FETCH));

        now.addAndGet(6_000);
        s.handshake("PLAIN", (short) 1);
        SaslSession.Step asBob = s.authenticate(plain("bob", "bob-secret"));
        assertEquals(ErrorCode.SASL_AUTHENTICATION_FAILED, asBob.error());
        assertTrue(asBob.message().contains("Cannot change principals"), asBob.message());
        assertFalse(s.permits(ApiKey.FETCH));
    }

    // after a v0 handshake the tokens come bare, until the exchange completes
    @Test
    void bareTokensAfterVersion0() {
        SaslSession s = session(0);
        s.handshake("PLAIN", (short) 0);
        assertTrue(s.expectsBareToken());
        ClientConnection connection = new ClientConnection("SASL", "SASL_PLAINTEXT", ClientConnection.ANONYMOUS, null, s);
        assertEquals(0, s.authenticateBare(plain("alice", "alice-secret"), connection).length);
        assertFalse(s.expectsBareToken());
        assertEquals("User:alice", connection.principal());
    }
}

package dev.wharf.server.security.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredValidatorCallbackHandler;
import org.junit.jupiter.api.Test;

/** OAUTHBEARER with unsecured JWTs (Kafka's default): our server against Kafka's client, our client against Kafka's server. */
class OAuthBearerUnsecuredTest {
    private static final String MODULE = "org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule";
    private static final long NOW_S = 1_800_000_000L;
    private static final Clock CLOCK = Clock.fixed(Instant.ofEpochSecond(NOW_S), ZoneOffset.UTC);

    private static SaslServerMechanism server(String jaasOptions) {
        return SaslServerMechanisms.forListener(Users.listener("sasl.enabled.mechanisms", "OAUTHBEARER",
                Users.jaasKey("OAUTHBEARER"), MODULE + " required " + jaasOptions + ";"), new Users(), CLOCK)
                .create("OAUTHBEARER");
    }

    private static Map<String, Object> claims(String sub, long iat, long exp, Object scope) {
        return scope == null ? Map.of("sub", sub, "iat", iat, "exp", exp)
                : Map.of("sub", sub, "iat", iat, "exp", exp, "scope", scope);
    }

    // Kafka's client with an unsecured token logs in as the token's subject, until the token's exp.
    @Test
    void kafkaClientAuthenticates() throws Exception {
        SaslServerMechanism server = server("");
        String token = KafkaOAuthClient.unsecuredJwt(claims("alice", NOW_S, NOW_S + 600, List.of("read")));
        KafkaSasl.run(KafkaOAuthClient.withToken(token, Map.of("traceId", "abc")), server);
        assertTrue(server.isComplete());
        assertEquals("alice", server.authorizedId());
        assertEquals((NOW_S + 600) * 1000, server.credentialExpiryMs());
        assertEquals(Map.of("traceId", "abc"), ((OAuthBearerServerMechanism) server).extensions());
    }

    // An expired token gets RFC 7628's error JSON, the client's %x01, and then the failure carrying that JSON.
    @Test
    void expiredTokenFailsWithErrorJson() throws Exception {
        SaslServerMechanism server = server("");
        String token = KafkaOAuthClient.unsecuredJwt(claims("alice", NOW_S - 600, NOW_S - 1, null));
        SaslAuthenticationException e = assertThrows(SaslAuthenticationException.class,
                () -> KafkaSasl.run(KafkaOAuthClient.withToken(token, Map.of()), server));
        assertEquals("{\"status\":\"invalid_token\"}", e.getMessage());
        assertFalse(server.isComplete());
    }

    // The allowed clock skew accepts a token that expired moments ago by our clock.
    @Test
    void clockSkewIsAllowed() throws Exception {
        SaslServerMechanism server = server("unsecuredValidatorAllowableClockSkewMs=\"5000\"");
        String token = KafkaOAuthClient.unsecuredJwt(claims("alice", NOW_S - 600, NOW_S - 1, null));
        KafkaSasl.run(KafkaOAuthClient.withToken(token, Map.of()), server);
        assertEquals("alice", server.authorizedId());
    }

    // A token without the required scope is refused as insufficient_scope, naming the scope it needs.
    @Test
    void requiredScopeIsEnforced() throws Exception {
        String options = "unsecuredValidatorRequiredScope=\"write\"";
        String unscoped = KafkaOAuthClient.unsecuredJwt(claims("alice", NOW_S, NOW_S + 600, List.of("read")));
        SaslAuthenticationException e = assertThrows(SaslAuthenticationException.class,
                () -> KafkaSasl.run(KafkaOAuthClient.withToken(unscoped, Map.of()), server(options)));
        assertEquals("{\"status\":\"insufficient_scope\",\"scope\":\"write\"}", e.getMessage());

        SaslServerMechanism server = server(options);
        String scoped = KafkaOAuthClient.unsecuredJwt(claims("alice", NOW_S, NOW_S + 600, List.of("read", "write")));
        KafkaSasl.run(KafkaOAuthClient.withToken(scoped, Map.of()), server);
        assertEquals("alice", server.authorizedId());
    }

    // The principal comes from the configured claim; a token without it is refused.
    @Test
    void principalClaimNameIsConfigurable() throws Exception {
        SaslServerMechanism server = server("unsecuredValidatorPrincipalClaimName=\"client_id\"");
        String token = KafkaOAuthClient.unsecuredJwt(Map.of("client_id", "svc", "exp", NOW_S + 60));
        KafkaSasl.run(KafkaOAuthClient.withToken(token, Map.of()), server);
        assertEquals("svc", server.authorizedId());
        String noClientId = KafkaOAuthClient.unsecuredJwt(claims("alice", NOW_S, NOW_S + 60, null));
        assertThrows(SaslAuthenticationException.class, () -> KafkaSasl.run(KafkaOAuthClient.withToken(noClientId,
                Map.of()), server("unsecuredValidatorPrincipalClaimName=\"client_id\"")));
    }

    // A signed token is not an unsecured one, and a malformed message is refused with a reason.
    @Test
    void signedOrMalformedTokensAreRefused() throws Exception {
        String signed = KafkaOAuthClient.unsecuredJwt(claims("alice", NOW_S, NOW_S + 60, null)) + "c2lnbmF0dXJl";
        assertThrows(SaslAuthenticationException.class,
                () -> KafkaSasl.run(KafkaOAuthClient.withToken(signed, Map.of()), server("")));
        SaslAuthenticationException e = assertThrows(SaslAuthenticationException.class,
                () -> server("").evaluate("n,,auth=Bearer x".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith("Invalid OAUTHBEARER client first message"), e.getMessage());
    }

    // The inter-broker client's unsecured token is accepted by Kafka's own unsecured validator.
    @Test
    void clientAuthenticatesToKafkasServer() throws Exception {
        SaslClientMechanism client = interBrokerClient(
                "unsecuredLoginStringClaim_sub=\"broker\" unsecuredLoginListClaim_scope=\",read,write\" "
                        + "unsecuredLoginNumberClaim_level=\"2.5\" unsecuredLoginExtension_traceId=\"t1\"");
        SaslServer server = KafkaSasl.server("OAUTHBEARER", kafkaValidator(Map.of()));
        KafkaSasl.run(client, server);
        assertTrue(client.isComplete());
        assertEquals("broker", server.getAuthorizationID());
    }

    // When Kafka's server refuses the token, our client acknowledges the error JSON and the exchange fails.
    @Test
    void clientSeesKafkasRefusal() throws Exception {
        OAuthBearerClientMechanism client = (OAuthBearerClientMechanism) interBrokerClient(
                "unsecuredLoginStringClaim_sub=\"broker\"");
        SaslServer server = KafkaSasl.server("OAUTHBEARER",
                kafkaValidator(Map.of("unsecuredValidatorRequiredScope", "admin")));
        assertThrows(org.apache.kafka.common.errors.SaslAuthenticationException.class,
                () -> KafkaSasl.run(client, server));
        assertTrue(client.serverError().contains("insufficient_scope"), client.serverError());
        assertFalse(client.isComplete());
    }

    // Our client and our server agree: the token's subject and lifetime come from the JAAS options.
    @Test
    void clientAuthenticatesToOurServer() throws Exception {
        SaslClientMechanism client = interBrokerClient(
                "unsecuredLoginStringClaim_sub=\"broker\" unsecuredLoginLifetimeSeconds=\"120\"", CLOCK);
        SaslServerMechanism server = server("");
        assertEquals(0, server.evaluate(client.initialResponse()).length);
        assertEquals("broker", server.authorizedId());
        assertEquals((NOW_S + 120) * 1000, server.credentialExpiryMs());
    }

    // An inter-broker OAUTHBEARER config without a subject claim is refused before any login.
    @Test
    void clientNeedsASubject() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> interBrokerClient("unsecuredLoginStringClaim_name=\"x\""));
        assertTrue(e.getMessage().contains("unsecuredLoginStringClaim_sub"), e.getMessage());
    }

    /** Dated by the system clock, which Kafka's validator uses. */
    private static SaslClientMechanism interBrokerClient(String options) {
        return interBrokerClient(options, Clock.systemUTC());
    }

    private static SaslClientMechanism interBrokerClient(String options, Clock clock) {
        return SaslClientMechanisms.forInterBroker(
                Users.listener(Users.jaasKey("OAUTHBEARER"), MODULE + " required " + options + ";"), "OAUTHBEARER",
                clock);
    }

    /** Kafka's own unsecured validator, configured as a broker would configure it. */
    private static OAuthBearerUnsecuredValidatorCallbackHandler kafkaValidator(Map<String, String> options) {
        OAuthBearerUnsecuredValidatorCallbackHandler handler = new OAuthBearerUnsecuredValidatorCallbackHandler();
        handler.configure(Map.of(), "OAUTHBEARER", List.of(new AppConfigurationEntry(MODULE,
                AppConfigurationEntry.LoginModuleControlFlag.REQUIRED, options)));
        return handler;
    }
}

package dev.wharf.server.security.sasl;

import java.util.Map;
import javax.security.auth.callback.CallbackHandler;
import javax.security.sasl.Sasl;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.security.oauthbearer.internals.OAuthBearerSaslClientProvider;
import org.apache.kafka.common.security.oauthbearer.internals.OAuthBearerSaslServerProvider;
import org.apache.kafka.common.security.plain.internals.PlainSaslServerProvider;
import org.apache.kafka.common.security.scram.internals.ScramSaslClientProvider;
import org.apache.kafka.common.security.scram.internals.ScramSaslServerProvider;

/**
 * Runs SASL exchanges between our mechanisms and kafka-clients' own implementations, reached
 * through javax.security.sasl as Kafka's authenticators reach them (Kafka's providers registered
 * once; PLAIN's client is the JDK's, as in Kafka).
 */
final class KafkaSasl {
    private static final int MAX_ROUNDS = 10;

    static {
        ScramSaslClientProvider.initialize();
        ScramSaslServerProvider.initialize();
        PlainSaslServerProvider.initialize();
        OAuthBearerSaslClientProvider.initialize();
        OAuthBearerSaslServerProvider.initialize();
    }

    private KafkaSasl() {
    }

    static SaslClient client(String mechanism, CallbackHandler handler) throws SaslException {
        SaslClient client = Sasl.createSaslClient(new String[] {mechanism}, null, "kafka", "localhost", Map.of(),
                handler);
        if (client == null) {
            throw new IllegalStateException("no SASL client for " + mechanism);
        }
        return client;
    }

    static SaslServer server(String mechanism, CallbackHandler handler) throws SaslException {
        SaslServer server = Sasl.createSaslServer(mechanism, "kafka", "localhost", Map.of(), handler);
        if (server == null) {
            throw new IllegalStateException("no SASL server for " + mechanism);
        }
        return server;
    }

    /** Kafka's client against our server until both are done; throws what either side throws. */
    static void run(SaslClient client, SaslServerMechanism server) throws Exception {
        byte[] token = client.hasInitialResponse() ? client.evaluateChallenge(new byte[0]) : new byte[0];
        for (int round = 0; round < MAX_ROUNDS; round++) {
            byte[] challenge = server.evaluate(token);
            if (server.isComplete()) {
                if (!client.isComplete()) {
                    client.evaluateChallenge(challenge);
                }
                return;
            }
            token = client.evaluateChallenge(challenge);
        }
        throw new AssertionError("no outcome after " + MAX_ROUNDS + " rounds");
    }

    /**
     * Our client against Kafka's server, driven as the broker's BrokerConnection drives it: send a
     * token, stop once the client is complete, else send what it makes of the answer (null: done).
     * Throws what either side throws; at the end both sides must agree the exchange is complete.
     */
    static void run(SaslClientMechanism client, SaslServer server) throws Exception {
        byte[] token = client.initialResponse();
        for (int round = 0; round < MAX_ROUNDS; round++) {
            byte[] challenge = server.evaluateResponse(token == null ? new byte[0] : token);
            if (client.isComplete()) {
                break;
            }
            token = client.evaluate(challenge == null ? new byte[0] : challenge);
            if (client.isComplete() && token == null) {
                break;
            }
        }
        if (!client.isComplete() || !server.isComplete()) {
            throw new AssertionError("exchange incomplete: client " + client.isComplete() + ", server "
                    + server.isComplete());
        }
    }
}

package dev.wharf.server.security.sasl;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of OAUTHBEARER (RFC 7628, Kafka's KIP-255): one client message carrying a bearer
 * token. A good token completes the exchange with an empty challenge. A refused token is answered
 * with RFC 7628's error JSON ({@code {"status":"invalid_token"}}); the client must answer that
 * with %x01, and the exchange then fails with the JSON as the message, as Kafka's server does.
 * The reason a token was refused goes to the broker's log, not to the client.
 *
 * <p>One exchange; not thread-safe.
 */
final class OAuthBearerServerMechanism implements SaslServerMechanism {
    static final String NAME = "OAUTHBEARER";
    private static final Logger LOG = LoggerFactory.getLogger(OAuthBearerServerMechanism.class);

    private final TokenValidator validator;
    private String errorJson;
    private TokenValidator.Valid valid;
    private Map<String, String> extensions = Map.of();
    private boolean failed;

    OAuthBearerServerMechanism(TokenValidator validator) {
        this.validator = validator;
    }

    @Override
    public byte[] evaluate(byte[] clientToken) throws SaslAuthenticationException {
        if (failed || valid != null) {
            throw new SaslAuthenticationException("Authentication failed: unexpected OAUTHBEARER message");
        }
        if (errorJson != null) {
            // The client's %x01 acknowledges our error; anything else is as final.
            failed = true;
            throw new SaslAuthenticationException(errorJson);
        }
        failed = true;
        OAuthBearerClientResponse response = OAuthBearerClientResponse.parse(clientToken);
        TokenValidator.Result result = validator.validate(response.token());
        if (result instanceof TokenValidator.Invalid invalid) {
            LOG.info("OAUTHBEARER token refused: status={} reason={}", invalid.status(), invalid.reason());
            errorJson = errorJson(invalid);
            failed = false;
            return errorJson.getBytes(StandardCharsets.UTF_8);
        }
        TokenValidator.Valid good = (TokenValidator.Valid) result;
        if (!response.authzid().isEmpty() && !response.authzid().equals(good.principal())) {
            throw new SaslAuthenticationException("Authentication failed: Client requested an authorization id ("
                    + response.authzid() + ") that is different from the token's principal name ("
                    + good.principal() + ")");
        }
        extensions = response.extensions();
        valid = good;
        failed = false;
        return new byte[0];
    }

    @Override
    public boolean isComplete() {
        return valid != null;
    }

    @Override
    public String authorizedId() {
        if (valid == null) {
            throw new IllegalStateException("OAUTHBEARER authentication is not complete");
        }
        return valid.principal();
    }

    @Override
    public long credentialExpiryMs() {
        if (valid == null) {
            throw new IllegalStateException("OAUTHBEARER authentication is not complete");
        }
        return valid.expiryMs();
    }

    /** The SASL extensions the client sent (KIP-342), after completion. */
    Map<String, String> extensions() {
        return extensions;
    }

    private static String errorJson(TokenValidator.Invalid invalid) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", invalid.status());
        if (invalid.scope() != null) {
            json.put("scope", invalid.scope());
        }
        return JSONObjectUtils.toJSONString(json);
    }
}

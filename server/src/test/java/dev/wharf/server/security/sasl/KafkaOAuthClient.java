package dev.wharf.server.security.sasl;

import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.sasl.SaslClient;
import javax.security.sasl.SaslException;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.auth.SaslExtensions;
import org.apache.kafka.common.security.auth.SaslExtensionsCallback;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerToken;
import org.apache.kafka.common.security.oauthbearer.OAuthBearerTokenCallback;

/** Kafka's OAUTHBEARER SaslClient, given a compact token and extensions as its login would give them. */
final class KafkaOAuthClient {
    private KafkaOAuthClient() {
    }

    static SaslClient withToken(String compact, Map<String, String> extensions) throws SaslException {
        OAuthBearerToken token = new OAuthBearerToken() {
            @Override
            public String value() {
                return compact;
            }

            @Override
            public Set<String> scope() {
                return Set.of();
            }

            @Override
            public long lifetimeMs() {
                return Long.MAX_VALUE;
            }

            @Override
            public String principalName() {
                return "unused-by-the-client";
            }

            @Override
            public Long startTimeMs() {
                return null;
            }
        };
        return KafkaSasl.client("OAUTHBEARER", new AuthenticateCallbackHandler() {
            @Override
            public void configure(Map<String, ?> configs, String mechanism, List<AppConfigurationEntry> jaas) {
            }

            @Override
            public void handle(Callback[] callbacks) throws UnsupportedCallbackException {
                for (Callback c : callbacks) {
                    if (c instanceof OAuthBearerTokenCallback t) {
                        t.token(token);
                    } else if (c instanceof SaslExtensionsCallback e) {
                        e.extensions(new SaslExtensions(extensions));
                    } else {
                        throw new UnsupportedCallbackException(c);
                    }
                }
            }

            @Override
            public void close() {
            }
        });
    }

    /** An unsecured JWT ({"alg":"none"}, empty signature) with these claims. */
    static String unsecuredJwt(Map<String, Object> claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(JSONObjectUtils.toJSONString(claims).getBytes(StandardCharsets.UTF_8)) + ".";
    }
}

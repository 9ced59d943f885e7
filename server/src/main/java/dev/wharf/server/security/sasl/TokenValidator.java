package dev.wharf.server.security.sasl;

import java.util.Set;

/**
 * Checks an OAUTHBEARER bearer token. Implementations are shared by all exchanges of a listener
 * and are thread-safe.
 */
interface TokenValidator {
    /** The outcome for {@code token} (the compact JWT from {@code auth=Bearer <token>}). */
    Result validate(String token);

    sealed interface Result permits Valid, Invalid {
    }

    /** A good token: who it names, its scope, and when it expires (epoch ms). */
    record Valid(String principal, Set<String> scope, long expiryMs) implements Result {
    }

    /**
     * A refused token: RFC 7628's status ("invalid_token", or "insufficient_scope" with the scope
     * that was required) for the client, and the reason for the broker's log only.
     */
    record Invalid(String status, String scope, String reason) implements Result {
        static Invalid token(String reason) {
            return new Invalid("invalid_token", null, reason);
        }
    }
}

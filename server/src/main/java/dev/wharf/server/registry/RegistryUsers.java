package dev.wharf.server.registry;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.wharf.registry.RegistryAccess;
import dev.wharf.registry.RegistryException;
import dev.wharf.server.security.ScramCredential;
import dev.wharf.server.security.ScramCredentials;
import dev.wharf.server.security.ScramFormatter;
import dev.wharf.server.security.ScramMechanism;
import dev.wharf.server.security.acl.AclAuthorizer;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.server.security.ssl.SslPrincipalMapper;
import dev.wharf.server.security.ssl.SslPrincipals;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.SSLSession;

/**
 * The registry's users are the broker's: with {@code schema.registry.authentication.method=BASIC}
 * a request authenticates with HTTP basic credentials checked against the SCRAM credentials
 * {@code kafka-configs} stores (SCRAM-SHA-512, else SCRAM-SHA-256), as {@code User:<name>};
 * otherwise a caller is the principal of its client certificate on an https listener (mapped by
 * {@code ssl.principal.mapping.rules}), or {@code User:ANONYMOUS}. With an authorizer on the broker, what a
 * caller may do follows the broker's ACLs, a subject standing for its topic as Confluent's topic
 * naming puts it ({@code orders-value} and {@code orders-key} for {@code orders}; any other
 * subject for the topic resource of its own name): reading a subject needs DESCRIBE on the topic
 * (which READ and WRITE imply), registering needs WRITE, deleting DELETE, and changing its level
 * or mode ALTER_CONFIGS; the registry's own settings need ALTER_CONFIGS on the cluster.
 */
final class RegistryUsers implements RegistryAccess {
    /** A verified header stays verified this long: SCRAM's key derivation is too slow to repeat on every request. */
    private static final Duration VERIFIED_FOR = Duration.ofSeconds(60);

    private final boolean basic;
    private final ScramCredentials credentials;
    private final Optional<AclAuthorizer> authorizer;
    /** How certificates name principals on an https listener; null for plain HTTP. */
    private final SslPrincipalMapper certificates;
    private final Cache<String, String> verified = Caffeine.newBuilder().expireAfterWrite(VERIFIED_FOR).maximumSize(10_000).build();
    /** Headers that failed lately: refused again at once rather than derived again (a flood of wrong passwords costs little). */
    private final Cache<String, Boolean> refused = Caffeine.newBuilder().expireAfterWrite(Duration.ofSeconds(5)).maximumSize(10_000).build();

    RegistryUsers(boolean basic, ScramCredentials credentials, Optional<AclAuthorizer> authorizer, SslPrincipalMapper certificates) {
        this.basic = basic;
        this.credentials = credentials;
        this.authorizer = authorizer;
        this.certificates = certificates;
    }

    @Override
    public Caller authenticate(String authorization, String host, SSLSession tls) {
        String principal = basic ? "User:" + user(authorization)
                : tls != null && certificates != null ? SslPrincipals.principalOf(tls, certificates) : "User:ANONYMOUS";
        if (authorizer.isEmpty()) {
            return named(principal, (operation, subject) -> true);
        }
        AclAuthorizer acls = authorizer.get();
        return named(principal, (operation, subject) -> subject == null
                ? operation == Operation.READ || acls.authorize(principal, host, AclOperation.ALTER_CONFIGS, ResourceType.CLUSTER,
                        ResourceType.CLUSTER_NAME)
                : acls.authorize(principal, host, aclOperation(operation), ResourceType.TOPIC, topicOf(subject)));
    }

    /** The user the basic credentials name, once their password matches its SCRAM credential; 401 otherwise. */
    private String user(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            throw RegistryException.unauthorized();
        }
        String known = verified.getIfPresent(authorization);
        if (known != null) {
            return known;
        }
        if (refused.getIfPresent(authorization) != null) {
            throw RegistryException.unauthorized();
        }
        String user = verify(authorization);
        if (user == null) {
            refused.put(authorization, Boolean.TRUE);
            throw RegistryException.unauthorized();
        }
        verified.put(authorization, user);
        return user;
    }

    /** The user whose SCRAM credential the header's password matches; null when none does. */
    private String verify(String authorization) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String user = decoded.substring(0, colon);
        String password = decoded.substring(colon + 1);
        for (ScramMechanism mechanism : new ScramMechanism[] {ScramMechanism.SCRAM_SHA_512, ScramMechanism.SCRAM_SHA_256}) {
            Optional<ScramCredential> credential = credentials.lookup(user, mechanism);
            if (credential.isPresent()) {
                return matches(mechanism, credential.get(), password) ? user : null;
            }
        }
        return null;
    }

    /** StoredKey = H(HMAC(Hi(password, salt, i), "Client Key")), as the SASL/SCRAM exchange proves it. */
    private static boolean matches(ScramMechanism mechanism, ScramCredential credential, String password) {
        byte[] salted = ScramFormatter.saltedPassword(mechanism, password, credential.salt(), credential.iterations());
        byte[] storedKey = ScramFormatter.hash(mechanism, ScramFormatter.clientKey(mechanism, salted));
        return MessageDigest.isEqual(storedKey, credential.storedKey());
    }

    private static AclOperation aclOperation(Operation operation) {
        switch (operation) {
            case READ:
                return AclOperation.DESCRIBE;
            case WRITE:
                return AclOperation.WRITE;
            case DELETE:
                return AclOperation.DELETE;
            default:
                return AclOperation.ALTER_CONFIGS;
        }
    }

    /** The topic a subject stands for under Confluent's topic naming; the subject itself otherwise. */
    static String topicOf(String subject) {
        for (String suffix : new String[] {"-value", "-key"}) {
            if (subject.endsWith(suffix) && subject.length() > suffix.length()) {
                return subject.substring(0, subject.length() - suffix.length());
            }
        }
        return subject;
    }

    private interface Rights {
        boolean may(Operation operation, String subject);
    }

    private static Caller named(String principal, Rights rights) {
        return new Caller() {
            @Override
            public boolean may(Operation operation, String subject) {
                return rights.may(operation, subject);
            }

            @Override
            public String principal() {
                return principal;
            }
        };
    }
}

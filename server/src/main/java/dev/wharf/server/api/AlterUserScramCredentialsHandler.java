package dev.wharf.server.api;

import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.controller.ClientEntity;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.security.ScramFormatter;
import dev.wharf.server.security.ScramMechanism;
import dev.wharf.wire.message.AlterUserScramCredentialsRequest;
import dev.wharf.wire.message.AlterUserScramCredentialsResponse;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AlterUserScramCredentials (KIP-554): adds, replaces and deletes users' SCRAM credentials, kept in
 * each user's config entity under the mechanism's name as Kafka's ZooKeeper mode keeps them
 * ({@link ScramFormatter}); the request carries the salt and salted password, never the password.
 * One result per user, and a user's changes are applied together or not at all; Kafka's checks:
 * an empty user name or iterations outside {@link ScramMechanism#MIN_ITERATIONS}..{@link
 * ScramMechanism#MAX_ITERATIONS} is UNACCEPTABLE_CREDENTIAL, an unknown mechanism
 * UNSUPPORTED_SASL_MECHANISM, the same user and mechanism twice DUPLICATE_RESOURCE, deleting a
 * credential that does not exist RESOURCE_NOT_FOUND.
 *
 * <p>v0: flexible.
 *
 * <p>Authorization: ALTER on the cluster, else CLUSTER_AUTHORIZATION_FAILED.
 */
public final class AlterUserScramCredentialsHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;

    public AlterUserScramCredentialsHandler(Authorization authz, ZkMetadataStore metadata) {
        this.authz = authz;
        this.metadata = metadata;
    }

    @Override
    public ApiKey api() {
        return ApiKey.ALTER_USER_SCRAM_CREDENTIALS;
    }

    /** A user's refused change. */
    private record Refusal(ErrorCode error, String message) {}

    /** The credential to delete does not exist. */
    private static final class NotFoundException extends RuntimeException {
        NotFoundException() {
            super("Attempt to delete a user credential that does not exist", null, false, false);
        }
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        AlterUserScramCredentialsRequest req = (AlterUserScramCredentialsRequest) context.body();
        Map<String, Refusal> refused = new LinkedHashMap<>();
        Map<String, Boolean> users = new LinkedHashMap<>(); // in the order named, each once
        Set<String> seen = new HashSet<>();
        for (AlterUserScramCredentialsRequest.ScramCredentialDeletion d : req.deletions()) {
            users.put(d.name(), true);
            check(d.name(), d.mechanism(), null, seen, refused);
        }
        for (AlterUserScramCredentialsRequest.ScramCredentialUpsertion u : req.upsertions()) {
            users.put(u.name(), true);
            check(u.name(), u.mechanism(), u, seen, refused);
        }
        List<AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult> results = new java.util.ArrayList<>();
        boolean allowed = authz.allowedOnCluster(context, AclOperation.ALTER);
        for (String user : users.keySet()) {
            Refusal refusal = !allowed ? new Refusal(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null)
                    : refused.containsKey(user) ? refused.get(user) : apply(user, req);
            AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult r =
                    new AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult().setUser(user);
            if (refusal != null) {
                r.setErrorCode(refusal.error().code).setErrorMessage(ErrorCode.clipped(refusal.message()));
            }
            results.add(r);
        }
        return new AlterUserScramCredentialsResponse().setResults(results);
    }

    /** Records the first reason the user's change is refused, if this part of it gives one. */
    private static void check(String user, byte mechanismId, AlterUserScramCredentialsRequest.ScramCredentialUpsertion upsert,
            Set<String> seen, Map<String, Refusal> refused) {
        Refusal refusal = null;
        var mechanism = ScramMechanism.byTypeId(mechanismId);
        if (user.isEmpty()) {
            refusal = new Refusal(ErrorCode.UNACCEPTABLE_CREDENTIAL, "Username must not be empty");
        } else if (mechanism.isEmpty()) {
            refusal = new Refusal(ErrorCode.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism");
        } else if (!seen.add(user + "\u0000" + mechanismId)) {
            refusal = new Refusal(ErrorCode.DUPLICATE_RESOURCE, "A user credential cannot be altered twice in the same request");
        } else if (upsert != null && upsert.iterations() < ScramMechanism.MIN_ITERATIONS) {
            refusal = new Refusal(ErrorCode.UNACCEPTABLE_CREDENTIAL, "Too few iterations");
        } else if (upsert != null && upsert.iterations() > ScramMechanism.MAX_ITERATIONS) {
            refusal = new Refusal(ErrorCode.UNACCEPTABLE_CREDENTIAL, "Too many iterations");
        } else if (upsert != null && (upsert.salt().length == 0 || upsert.saltedPassword().length == 0)) {
            refusal = new Refusal(ErrorCode.UNACCEPTABLE_CREDENTIAL, "Salt and salted password must not be empty");
        }
        if (refusal != null) {
            refused.putIfAbsent(user, refusal);
        }
    }

    /** Applies the user's deletions and upsertions in one write; the refusal, or null when done. */
    private Refusal apply(String user, AlterUserScramCredentialsRequest req) {
        try {
            metadata.updateClientConfigs(ClientEntity.user(ClientEntity.Name.of(user)), configs -> {
                for (AlterUserScramCredentialsRequest.ScramCredentialDeletion d : req.deletions()) {
                    if (d.name().equals(user)
                            && configs.remove(ScramMechanism.byTypeId(d.mechanism()).orElseThrow().mechanismName) == null) {
                        throw new NotFoundException();
                    }
                }
                for (AlterUserScramCredentialsRequest.ScramCredentialUpsertion u : req.upsertions()) {
                    if (u.name().equals(user)) {
                        ScramMechanism m = ScramMechanism.byTypeId(u.mechanism()).orElseThrow();
                        configs.put(m.mechanismName, ScramFormatter.format(
                                ScramFormatter.credential(m, u.saltedPassword(), u.salt(), u.iterations())));
                    }
                }
                return configs;
            });
            return null;
        } catch (NotFoundException e) {
            return new Refusal(ErrorCode.RESOURCE_NOT_FOUND, e.getMessage());
        } catch (Exception e) {
            throw new IllegalStateException("cannot store the SCRAM credentials of " + user, e);
        }
    }
}

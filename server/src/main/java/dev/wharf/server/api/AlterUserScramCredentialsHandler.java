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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * AlterUserScramCredentials (KIP-554): adds, replaces and deletes users' SCRAM credentials, kept in
 * each user's config entity under the mechanism's name as Kafka's ZooKeeper mode keeps them
 * ({@link ScramFormatter}); the request carries the salt and salted password, never the password.
 *
 * <p>As Kafka 4's controller does, a request may alter each user once: deletions are looked at
 * first, then upsertions, each in request order, and a user's first refusal is its answer (later
 * alterations of that user are not looked at). A second alteration of a user, whatever its
 * mechanism, is DUPLICATE_RESOURCE and drops the first. Otherwise an alteration is checked in
 * Kafka's order: an empty user name is UNACCEPTABLE_CREDENTIAL, an unknown mechanism
 * UNSUPPORTED_SASL_MECHANISM, deleting a credential that is not stored RESOURCE_NOT_FOUND, and
 * iterations outside {@link ScramMechanism#MIN_ITERATIONS}..{@link ScramMechanism#MAX_ITERATIONS}
 * UNACCEPTABLE_CREDENTIAL. One result per user, in the order first named.
 *
 * <p>v0: flexible.
 *
 * <p>Authorization: ALTER on the cluster, else CLUSTER_AUTHORIZATION_FAILED.
 */
public final class AlterUserScramCredentialsHandler implements ApiHandler {
    private static final String DUPLICATE = "A user credential cannot be altered twice in the same request";
    private static final String NOT_FOUND = "Attempt to delete a user credential that does not exist";

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

    /** The one change a request makes to a user: a mechanism's credential deleted, or stored (upsert). */
    private record Alteration(ScramMechanism mechanism, AlterUserScramCredentialsRequest.ScramCredentialUpsertion upsert) {}

    /** The credential to delete is not stored (any more: another request deleted it meanwhile). */
    private static final class NotFoundException extends RuntimeException {
        NotFoundException() {
            super(NOT_FOUND, null, false, false);
        }
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        AlterUserScramCredentialsRequest req = (AlterUserScramCredentialsRequest) context.body();
        Map<String, Refusal> refused = new HashMap<>();
        Map<String, Alteration> pending = new HashMap<>();
        Set<String> users = new LinkedHashSet<>(); // in the order first named
        for (AlterUserScramCredentialsRequest.ScramCredentialDeletion d : req.deletions()) {
            users.add(d.name());
            take(d.name(), d.mechanism(), null, refused, pending);
        }
        for (AlterUserScramCredentialsRequest.ScramCredentialUpsertion u : req.upsertions()) {
            users.add(u.name());
            take(u.name(), u.mechanism(), u, refused, pending);
        }
        List<AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult> results = new ArrayList<>();
        boolean allowed = authz.allowedOnCluster(context, AclOperation.ALTER);
        for (String user : users) {
            Refusal refusal = !allowed ? new Refusal(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null)
                    : refused.containsKey(user) ? refused.get(user) : apply(user, pending.get(user));
            AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult r =
                    new AlterUserScramCredentialsResponse.AlterUserScramCredentialsResult().setUser(user);
            if (refusal != null) {
                r.setErrorCode(refusal.error().code).setErrorMessage(ErrorCode.clipped(refusal.message()));
            }
            results.add(r);
        }
        return new AlterUserScramCredentialsResponse().setResults(results);
    }

    /** Takes one alteration (a deletion when {@code upsert} is null) as the user's change, or refuses the user. */
    private void take(String user, byte mechanismId, AlterUserScramCredentialsRequest.ScramCredentialUpsertion upsert,
            Map<String, Refusal> refused, Map<String, Alteration> pending) {
        if (refused.containsKey(user)) {
            return; // the user's first refusal stands
        }
        if (pending.remove(user) != null) {
            refused.put(user, new Refusal(ErrorCode.DUPLICATE_RESOURCE, DUPLICATE));
            return;
        }
        Refusal refusal = check(user, mechanismId, upsert);
        if (refusal != null) {
            refused.put(user, refusal);
        } else {
            pending.put(user, new Alteration(ScramMechanism.byTypeId(mechanismId).orElseThrow(), upsert));
        }
    }

    /** Why this alteration of a user named once so far is refused, or null. */
    private Refusal check(String user, byte mechanismId, AlterUserScramCredentialsRequest.ScramCredentialUpsertion upsert) {
        var mechanism = ScramMechanism.byTypeId(mechanismId);
        if (user.isEmpty()) {
            return new Refusal(ErrorCode.UNACCEPTABLE_CREDENTIAL, "Username must not be empty");
        }
        if (mechanism.isEmpty()) {
            return new Refusal(ErrorCode.UNSUPPORTED_SASL_MECHANISM, "Unknown SCRAM mechanism");
        }
        if (upsert == null) {
            boolean stored = metadata.clientConfigs(ClientEntity.user(ClientEntity.Name.of(user)))
                    .containsKey(mechanism.get().mechanismName);
            return stored ? null : new Refusal(ErrorCode.RESOURCE_NOT_FOUND, NOT_FOUND);
        }
        if (upsert.iterations() < ScramMechanism.MIN_ITERATIONS) {
            return new Refusal(ErrorCode.UNACCEPTABLE_CREDENTIAL, "Too few iterations");
        }
        if (upsert.iterations() > ScramMechanism.MAX_ITERATIONS) {
            return new Refusal(ErrorCode.UNACCEPTABLE_CREDENTIAL, "Too many iterations");
        }
        if (upsert.salt().length == 0 || upsert.saltedPassword().length == 0) {
            // Kafka 4.4 stores an empty salt and fails an empty salted password with UNKNOWN_SERVER_ERROR
            return new Refusal(ErrorCode.UNACCEPTABLE_CREDENTIAL, "Salt and salted password must not be empty");
        }
        return null;
    }

    /** Makes the user's one change; the refusal, or null when done. */
    private Refusal apply(String user, Alteration change) {
        try {
            metadata.updateClientConfigs(ClientEntity.user(ClientEntity.Name.of(user)), configs -> {
                String key = change.mechanism().mechanismName;
                if (change.upsert() == null) {
                    if (configs.remove(key) == null) {
                        throw new NotFoundException();
                    }
                } else {
                    AlterUserScramCredentialsRequest.ScramCredentialUpsertion u = change.upsert();
                    configs.put(key, ScramFormatter.format(
                            ScramFormatter.credential(change.mechanism(), u.saltedPassword(), u.salt(), u.iterations())));
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

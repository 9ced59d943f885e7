package dev.wharf.server.api;

import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.controller.ClientEntity;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.security.ScramFormatter;
import dev.wharf.server.security.ScramMechanism;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DescribeUserScramCredentialsRequest;
import dev.wharf.wire.message.DescribeUserScramCredentialsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DescribeUserScramCredentials (KIP-554): each user's SCRAM mechanisms and iteration counts (never
 * the keys), from the users' config entities in the metadata store's memory. No users named: every
 * user with a credential. A user named twice is DUPLICATE_RESOURCE, one without credentials
 * RESOURCE_NOT_FOUND, as in Kafka.
 *
 * <p>v0: flexible.
 *
 * <p>Authorization: DESCRIBE on the cluster, else CLUSTER_AUTHORIZATION_FAILED.
 */
public final class DescribeUserScramCredentialsHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;

    public DescribeUserScramCredentialsHandler(Authorization authz, ZkMetadataStore metadata) {
        this.authz = authz;
        this.metadata = metadata;
    }

    @Override
    public ApiKey api() {
        return ApiKey.DESCRIBE_USER_SCRAM_CREDENTIALS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        DescribeUserScramCredentialsRequest req = (DescribeUserScramCredentialsRequest) context.body();
        if (!authz.allowedOnCluster(context, AclOperation.DESCRIBE)) {
            return new DescribeUserScramCredentialsResponse().setErrorCode(ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code)
                    .setResults(List.of());
        }
        List<DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult> results = new ArrayList<>();
        if (req.users() == null || req.users().isEmpty()) {
            for (Map.Entry<ClientEntity, Map<String, String>> e : metadata.allClientConfigs().entrySet()) {
                ClientEntity entity = e.getKey();
                if (entity.clientId() == null && !entity.user().isDefault()) {
                    List<DescribeUserScramCredentialsResponse.CredentialInfo> infos = credentials(e.getValue());
                    if (!infos.isEmpty()) {
                        results.add(result(entity.user().value()).setCredentialInfos(infos));
                    }
                }
            }
            return new DescribeUserScramCredentialsResponse().setResults(results);
        }
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new LinkedHashSet<>();
        req.users().forEach(u -> {
            if (!seen.add(u.name())) {
                duplicates.add(u.name());
            }
        });
        for (String user : new LinkedHashSet<>(req.users().stream().map(DescribeUserScramCredentialsRequest.UserName::name).toList())) {
            if (duplicates.contains(user)) {
                results.add(result(user).setErrorCode(ErrorCode.DUPLICATE_RESOURCE.code).setErrorMessage(ErrorCode.clipped(
                        "Cannot describe SCRAM credentials for the same user twice in a single request: " + user)));
                continue;
            }
            List<DescribeUserScramCredentialsResponse.CredentialInfo> infos =
                    credentials(metadata.clientConfigs(ClientEntity.user(ClientEntity.Name.of(user))));
            if (infos.isEmpty()) {
                results.add(result(user).setErrorCode(ErrorCode.RESOURCE_NOT_FOUND.code)
                        .setErrorMessage(ErrorCode.clipped("Attempt to describe a user credential that does not exist: " + user)));
            } else {
                results.add(result(user).setCredentialInfos(infos));
            }
        }
        return new DescribeUserScramCredentialsResponse().setResults(results);
    }

    private static DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult result(String user) {
        return new DescribeUserScramCredentialsResponse.DescribeUserScramCredentialsResult().setUser(user);
    }

    private static List<DescribeUserScramCredentialsResponse.CredentialInfo> credentials(Map<String, String> configs) {
        List<DescribeUserScramCredentialsResponse.CredentialInfo> out = new ArrayList<>();
        for (ScramMechanism m : ScramMechanism.values()) {
            String text = configs.get(m.mechanismName);
            if (text != null) {
                try {
                    out.add(new DescribeUserScramCredentialsResponse.CredentialInfo().setMechanism(m.typeId)
                            .setIterations(ScramFormatter.parse(text).iterations()));
                } catch (IllegalArgumentException unreadable) {
                    // written by hand into ZooKeeper: not a credential
                }
            }
        }
        return out;
    }
}

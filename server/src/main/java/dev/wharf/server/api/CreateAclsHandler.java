package dev.wharf.server.api;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.security.acl.AclAdmin;
import dev.wharf.server.security.acl.AclBinding;
import dev.wharf.server.security.acl.AclEntry;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourcePattern;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.CreateAclsRequest;
import dev.wharf.wire.message.CreateAclsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CreateAcls: needs ALTER on the cluster; each valid ACL is added to its resource pattern's znode
 * (one compare-and-set write per pattern), each invalid one answered INVALID_REQUEST. Without an
 * authorizer every creation gets SECURITY_DISABLED.
 *
 * <p>Runs on the I/O pool: each write waits for ZooKeeper.
 *
 * <p>v1: pattern types (KIP-290). v2: flexible. v3: same as v2.
 */
public final class CreateAclsHandler implements ApiHandler {
    private static final Logger log = LoggerFactory.getLogger(CreateAclsHandler.class);

    private final Authorization authz;
    private final ZkMetadataStore metadata;

    public CreateAclsHandler(Authorization authz, ZkMetadataStore metadata) {
        this.authz = authz;
        this.metadata = metadata;
    }

    @Override
    public ApiKey api() {
        return ApiKey.CREATE_ACLS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        CreateAclsRequest req = (CreateAclsRequest) context.body();
        List<CreateAclsResponse.AclCreationResult> results = new ArrayList<>();
        if (authz.authorizer().isEmpty()) {
            req.creations().forEach(c -> results.add(result(ErrorCode.SECURITY_DISABLED, "No Authorizer is configured.")));
            return new CreateAclsResponse().setResults(results);
        }
        if (!authz.allowedOnCluster(context, AclOperation.ALTER)) {
            req.creations().forEach(c -> results.add(result(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null)));
            return new CreateAclsResponse().setResults(results);
        }
        AclAdmin admin = new AclAdmin(metadata, authz.authorizer().get());
        Map<ResourcePattern, List<Integer>> indexesByPattern = new LinkedHashMap<>();
        List<AclBinding> acls = new ArrayList<>();
        for (CreateAclsRequest.AclCreation c : req.creations()) {
            AclRequests.Creation read = AclRequests.creation(c.resourceType(), c.resourceName(), c.resourcePatternType(),
                    c.principal(), c.host(), c.operation(), c.permissionType());
            acls.add(read.acl());
            results.add(read.invalid() == null ? result(ErrorCode.NONE, null)
                    : result(ErrorCode.INVALID_REQUEST, read.invalid()));
            if (read.acl() != null) {
                indexesByPattern.computeIfAbsent(read.acl().pattern(), p -> new ArrayList<>()).add(results.size() - 1);
            }
        }
        indexesByPattern.forEach((pattern, indexes) -> {
            List<AclEntry> entries = indexes.stream().map(i -> acls.get(i).entry()).toList();
            try {
                admin.create(pattern, entries);
                log.info("principal={} added ACLs to resource={}: {}", context.connection().principal(), pattern, entries);
            } catch (Exception e) {
                indexes.forEach(i -> results.set(i, result(ErrorCode.forException(e), ErrorCode.messageFor(e))));
            }
        });
        return new CreateAclsResponse().setResults(results);
    }

    private static CreateAclsResponse.AclCreationResult result(ErrorCode error, String message) {
        return new CreateAclsResponse.AclCreationResult().setErrorCode(error.code).setErrorMessage(message);
    }
}

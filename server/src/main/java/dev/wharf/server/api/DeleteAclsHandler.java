package dev.wharf.server.api;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.security.acl.AclAdmin;
import dev.wharf.server.security.acl.AclBinding;
import dev.wharf.server.security.acl.AclFilter;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DeleteAclsRequest;
import dev.wharf.wire.message.DeleteAclsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DeleteAcls: removes what each filter selects and lists it; needs ALTER on the cluster. A filter
 * with an unknown code gets INVALID_REQUEST; without an authorizer every filter gets SECURITY_DISABLED.
 *
 * <p>Runs on the I/O pool: each write waits for ZooKeeper.
 *
 * <p>v1: pattern type filter (KIP-290). v2: flexible. v3: same as v2.
 */
public final class DeleteAclsHandler implements ApiHandler {
    private static final Logger log = LoggerFactory.getLogger(DeleteAclsHandler.class);

    private final Authorization authz;
    private final ZkMetadataStore metadata;

    public DeleteAclsHandler(Authorization authz, ZkMetadataStore metadata) {
        this.authz = authz;
        this.metadata = metadata;
    }

    @Override
    public ApiKey api() {
        return ApiKey.DELETE_ACLS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        DeleteAclsRequest req = (DeleteAclsRequest) context.body();
        List<DeleteAclsResponse.DeleteAclsFilterResult> results = new ArrayList<>();
        if (authz.authorizer().isEmpty()) {
            req.filters().forEach(f -> results.add(failed(ErrorCode.SECURITY_DISABLED, "No Authorizer is configured.")));
            return new DeleteAclsResponse().setFilterResults(results);
        }
        if (!authz.allowedOnCluster(context, AclOperation.ALTER)) {
            req.filters().forEach(f -> results.add(failed(ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null)));
            return new DeleteAclsResponse().setFilterResults(results);
        }
        AclAdmin admin = new AclAdmin(metadata, authz.authorizer().get());
        for (DeleteAclsRequest.DeleteAclsFilter f : req.filters()) {
            AclFilter filter = AclRequests.filter(f.resourceTypeFilter(), f.resourceNameFilter(), f.patternTypeFilter(),
                    f.principalFilter(), f.hostFilter(), f.operation(), f.permissionType());
            if (filter == null) {
                results.add(failed(ErrorCode.INVALID_REQUEST, "The filter is invalid"));
                continue;
            }
            try {
                List<AclBinding> deleted = admin.delete(filter);
                if (!deleted.isEmpty()) {
                    log.info("principal={} deleted ACLs {}", context.connection().principal(), deleted);
                }
                results.add(new DeleteAclsResponse.DeleteAclsFilterResult().setErrorCode(ErrorCode.NONE.code)
                        .setMatchingAcls(deleted.stream().map(DeleteAclsHandler::matching).toList()));
            } catch (Exception e) {
                results.add(failed(ErrorCode.forException(e), ErrorCode.messageFor(e)));
            }
        }
        return new DeleteAclsResponse().setFilterResults(results);
    }

    private static DeleteAclsResponse.DeleteAclsMatchingAcl matching(AclBinding acl) {
        return new DeleteAclsResponse.DeleteAclsMatchingAcl().setErrorCode(ErrorCode.NONE.code)
                .setResourceType(acl.pattern().type().code).setResourceName(acl.pattern().name())
                .setPatternType(acl.pattern().patternType().code).setPrincipal(acl.entry().principal())
                .setHost(acl.entry().host()).setOperation(acl.entry().operation().code)
                .setPermissionType(acl.entry().permission().code);
    }

    private static DeleteAclsResponse.DeleteAclsFilterResult failed(ErrorCode error, String message) {
        return new DeleteAclsResponse.DeleteAclsFilterResult().setErrorCode(error.code).setErrorMessage(message)
                .setMatchingAcls(List.of());
    }
}

package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.security.acl.AclBinding;
import dev.wharf.server.security.acl.AclFilter;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourcePattern;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DescribeAclsRequest;
import dev.wharf.wire.message.DescribeAclsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * DescribeAcls: the ACLs one filter selects, grouped by resource pattern, from memory; needs
 * DESCRIBE on the cluster. A filter with an unknown code gets INVALID_REQUEST; without an
 * authorizer, SECURITY_DISABLED.
 *
 * <p>Runs on the I/O pool (the default); reads only memory.
 *
 * <p>v1: pattern type filter (KIP-290). v2: flexible. v3: same as v2.
 */
public final class DescribeAclsHandler implements ApiHandler {
    private final Authorization authz;

    public DescribeAclsHandler(Authorization authz) {
        this.authz = authz;
    }

    @Override
    public ApiKey api() {
        return ApiKey.DESCRIBE_ACLS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        DescribeAclsRequest req = (DescribeAclsRequest) context.body();
        DescribeAclsResponse resp = new DescribeAclsResponse().setResources(new ArrayList<>());
        if (authz.authorizer().isEmpty()) {
            return resp.setErrorCode(ErrorCode.SECURITY_DISABLED.code).setErrorMessage("No Authorizer is configured.");
        }
        if (!authz.allowedOnCluster(context, AclOperation.DESCRIBE)) {
            return resp.setErrorCode(ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code);
        }
        AclFilter filter = AclRequests.filter(req.resourceTypeFilter(), req.resourceNameFilter(), req.patternTypeFilter(),
                req.principalFilter(), req.hostFilter(), req.operation(), req.permissionType());
        if (filter == null) {
            return resp.setErrorCode(ErrorCode.INVALID_REQUEST.code).setErrorMessage("The filter is invalid");
        }
        Map<ResourcePattern, List<DescribeAclsResponse.AclDescription>> byPattern = new LinkedHashMap<>();
        for (AclBinding acl : authz.authorizer().get().acls(filter)) {
            byPattern.computeIfAbsent(acl.pattern(), p -> new ArrayList<>()).add(new DescribeAclsResponse.AclDescription()
                    .setPrincipal(acl.entry().principal()).setHost(acl.entry().host())
                    .setOperation(acl.entry().operation().code).setPermissionType(acl.entry().permission().code));
        }
        byPattern.forEach((p, acls) -> resp.resources().add(new DescribeAclsResponse.DescribeAclsResource()
                .setResourceType(p.type().code).setResourceName(p.name()).setPatternType(p.patternType().code)
                .setAcls(acls)));
        return resp.setErrorCode(ErrorCode.NONE.code);
    }
}

package dev.wharf.server.api;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DescribeClusterRequest;
import dev.wharf.wire.message.DescribeClusterResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;

/**
 * DescribeCluster: cluster id, controller and live brokers with their racks.
 *
 * <p>v1: endpoint type. v2: fenced brokers (none: a registered broker is unfenced).
 *
 * <p>Authorization: DESCRIBE on the cluster, else CLUSTER_AUTHORIZATION_FAILED; the cluster's
 * authorized operations are filled when asked for.
 */
public final class DescribeClusterHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;

    public DescribeClusterHandler(Authorization authz, ZkMetadataStore metadata) {
        this.authz = authz;
        this.metadata = metadata;
    }

    @Override
    public ApiKey api() {
        return ApiKey.DESCRIBE_CLUSTER;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        DescribeClusterRequest req = (DescribeClusterRequest) context.body();
        if (!authz.allowedOnCluster(context, AclOperation.DESCRIBE)) {
            return new DescribeClusterResponse().setErrorCode(ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code)
                    .setClusterId(metadata.clusterId()).setControllerId(metadata.controllerId());
        }
        List<DescribeClusterResponse.DescribeClusterBroker> brokers = new ArrayList<>();
        try {
            for (BrokerInfo b : metadata.liveBrokers()) {
                b.endpoint(context.connection().listenerName()).ifPresent(e -> brokers.add(
                        new DescribeClusterResponse.DescribeClusterBroker().setBrokerId(b.id()).setHost(e.host())
                                .setPort(e.port()).setRack(b.rack().orElse(null))));
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot list brokers", e);
        }
        DescribeClusterResponse resp = new DescribeClusterResponse().setClusterId(metadata.clusterId())
                .setControllerId(metadata.controllerId()).setBrokers(brokers);
        if (req.includeClusterAuthorizedOperations()) {
            resp.setClusterAuthorizedOperations(
                    authz.authorizedOperations(context, ResourceType.CLUSTER, ResourceType.CLUSTER_NAME));
        }
        return resp;
    }
}

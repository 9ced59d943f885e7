package dev.wharf.server.api;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.GroupStore;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.server.txn.TxnStore;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.FindCoordinatorRequest;
import dev.wharf.wire.message.FindCoordinatorResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FindCoordinator: the broker leading the {@code __consumer_offsets} partition of a group, or the
 * {@code __transaction_state} partition of a transactional id; the topic is created on the first
 * lookup. Share coordinators do not exist yet: INVALID_REQUEST.
 *
 * <p>v1: key type, error message. v3: flexible. v4: batched keys (KIP-699). v5-6: no change for groups.
 */
public final class FindCoordinatorHandler implements ApiHandler {
    private static final Logger log = LoggerFactory.getLogger(FindCoordinatorHandler.class);
    private static final byte GROUP = 0;
    private static final byte TRANSACTION = 1;

    private final Authorization authz;
    private final GroupStore groups;
    private final TxnStore transactions;

    public FindCoordinatorHandler(Authorization authz, GroupStore groups, TxnStore transactions) {
        this.authz = authz;
        this.groups = groups;
        this.transactions = transactions;
    }

    @Override
    public ApiKey api() {
        return ApiKey.FIND_COORDINATOR;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        FindCoordinatorRequest req = (FindCoordinatorRequest) context.body();
        if (context.version() < 4) {
            FindCoordinatorResponse.Coordinator c = find(context, req.key(), req.keyType());
            return new FindCoordinatorResponse().setErrorCode(c.errorCode()).setErrorMessage(c.errorMessage())
                    .setNodeId(c.nodeId()).setHost(c.host()).setPort(c.port());
        }
        List<FindCoordinatorResponse.Coordinator> out = new ArrayList<>();
        for (String key : req.coordinatorKeys()) {
            out.add(find(context, key, req.keyType()));
        }
        return new FindCoordinatorResponse().setCoordinators(out);
    }

    /** The coordinator of {@code key} as reached through the listener the request came in on. */
    private FindCoordinatorResponse.Coordinator find(RequestContext context, String key, byte keyType) {
        String listenerName = context.connection().listenerName();
        FindCoordinatorResponse.Coordinator c = new FindCoordinatorResponse.Coordinator().setKey(key).setNodeId(-1)
                .setHost("").setPort(-1);
        if ((keyType != GROUP && keyType != TRANSACTION) || key.isEmpty()) {
            return c.setErrorCode(ErrorCode.INVALID_REQUEST.code)
                    .setErrorMessage(keyType != GROUP && keyType != TRANSACTION ? "unknown key type " + keyType : "empty key");
        }
        if (keyType == GROUP ? !authz.allowed(context, AclOperation.DESCRIBE, ResourceType.GROUP, key)
                : !authz.allowed(context, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, key)) {
            return c.setErrorCode(keyType == GROUP ? ErrorCode.GROUP_AUTHORIZATION_FAILED.code
                    : ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code);
        }
        try {
            Optional<BrokerInfo> broker = keyType == GROUP ? groups.coordinatorFor(key) : transactions.coordinatorFor(key);
            Optional<BrokerInfo.Endpoint> endpoint = broker.flatMap(b -> b.endpoint(listenerName));
            if (endpoint.isEmpty()) {
                return c.setErrorCode(ErrorCode.COORDINATOR_NOT_AVAILABLE.code);
            }
            return c.setErrorCode(ErrorCode.NONE.code).setNodeId(broker.get().id()).setHost(endpoint.get().host())
                    .setPort(endpoint.get().port());
        } catch (Exception e) {
            // clients ask again and again until it is there (the topic's creation says why, once)
            log.debug("no coordinator for {} yet: {}", key, e.toString());
            return c.setErrorCode(ErrorCode.COORDINATOR_NOT_AVAILABLE.code);
        }
    }
}

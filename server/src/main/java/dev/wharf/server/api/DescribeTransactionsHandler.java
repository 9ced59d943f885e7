package dev.wharf.server.api;

import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.server.txn.TxnAdmin;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DescribeTransactionsRequest;
import dev.wharf.wire.message.DescribeTransactionsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * DescribeTransactions (KIP-664): the coordinator's view of transactional ids: state name (as
 * Kafka names them), timeout, start time, producer id and epoch, partitions. NOT_COORDINATOR for
 * ids coordinated elsewhere, TRANSACTIONAL_ID_NOT_FOUND for unknown ones.
 */
public final class DescribeTransactionsHandler implements ApiHandler {
    private final Authorization authz;
    private final TxnAdmin coordinator;

    public DescribeTransactionsHandler(Authorization authz, TxnAdmin coordinator) {
        this.authz = authz;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey api() {
        return ApiKey.DESCRIBE_TRANSACTIONS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        DescribeTransactionsRequest req = (DescribeTransactionsRequest) context.body();
        List<DescribeTransactionsResponse.TransactionState> out = new ArrayList<>();
        for (String id : req.transactionalIds()) {
            DescribeTransactionsResponse.TransactionState s = new DescribeTransactionsResponse.TransactionState()
                    .setTransactionalId(id).setTransactionState("").setProducerId(-1).setProducerEpoch((short) -1)
                    .setTransactionStartTimeMs(-1).setTopics(new ArrayList<>());
            if (!authz.allowed(context, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, id)) {
                out.add(s.setErrorCode(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code));
                continue;
            }
            boolean coordinating = coordinator.coordinates(id);
            Optional<TxnAdmin.TxnView> view = coordinating ? coordinator.describe(id) : Optional.empty();
            if (!coordinating) {
                out.add(s.setErrorCode(ErrorCode.NOT_COORDINATOR.code));
            } else if (view.isEmpty() || view.get().producerId() < 0) {
                out.add(s.setErrorCode(ErrorCode.TRANSACTIONAL_ID_NOT_FOUND.code));
            } else {
                TxnAdmin.TxnView v = view.get();
                Map<String, List<Integer>> byTopic = new LinkedHashMap<>();
                for (TopicPartition tp : v.partitions()) {
                    byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(tp.partition());
                }
                // only the topics the principal may DESCRIBE, as Kafka
                byTopic.keySet().removeIf(t -> !authz.allowed(context, AclOperation.DESCRIBE, ResourceType.TOPIC, t));
                byTopic.forEach((t, ps) -> s.topics().add(new DescribeTransactionsResponse.TopicData().setTopic(t)
                        .setPartitions(ps)));
                out.add(s.setErrorCode(ErrorCode.NONE.code).setTransactionState(v.state().displayName)
                        .setTransactionTimeoutMs(v.timeoutMs()).setTransactionStartTimeMs(v.startMs())
                        .setProducerId(v.producerId()).setProducerEpoch(v.producerEpoch()));
            }
        }
        return new DescribeTransactionsResponse().setTransactionStates(out);
    }
}

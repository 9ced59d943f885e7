package dev.wharf.server.api;

import dev.wharf.logstore.TopicPartition;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.server.txn.TxnCoordinator;
import dev.wharf.server.txn.TxnVerifier;
import dev.wharf.wire.message.AddPartitionsToTxnRequest;
import dev.wharf.wire.message.AddPartitionsToTxnResponse;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * AddPartitionsToTxn: a transactional producer names the partitions it is about to write
 * (v0-3, one transaction per request); brokers batch several transactions, and with VerifyOnly
 * only ask whether the partitions are in them (v4+, KIP-890), which the coordinator answers
 * without writing anything.
 *
 * <p>v1: no change. v2: PRODUCER_FENCED instead of INVALID_PRODUCER_EPOCH (KIP-588). v3: flexible.
 * v4: batched, broker to broker. v5: TRANSACTION_ABORTABLE possible.
 */
public final class AddPartitionsToTxnHandler implements ApiHandler {
    private final Authorization authz;
    private final TxnCoordinator coordinator;
    private final TxnVerifier verifier;

    private final ZkMetadataStore metadata;

    public AddPartitionsToTxnHandler(Authorization authz, TxnCoordinator coordinator, TxnVerifier verifier,
            ZkMetadataStore metadata) {
        this.authz = authz;
        this.coordinator = coordinator;
        this.verifier = verifier;
        this.metadata = metadata;
    }

    /** Whether the partition exists: a negative index, an empty name or a missing topic never does. */
    private boolean exists(String topic, int partition) {
        return !topic.isEmpty() && partition >= 0
                && metadata.topic(topic).map(t -> partition < t.partitions().size()).orElse(false);
    }

    @Override
    public ApiKey api() {
        return ApiKey.ADD_PARTITIONS_TO_TXN;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        AddPartitionsToTxnRequest req = (AddPartitionsToTxnRequest) context.body();
        if (context.version() < 4) {
            ErrorCode refused = refusal(context, req.v3AndBelowTransactionalId(), req.v3AndBelowTopics());
            if (refused != null) {
                return CompletableFuture.completedFuture(new AddPartitionsToTxnResponse().setResultsByTopicV3AndBelow(
                        refused(context, req.v3AndBelowTopics(), refused)));
            }
            return add(req.v3AndBelowTransactionalId(), req.v3AndBelowProducerId(), req.v3AndBelowProducerEpoch(),
                    req.v3AndBelowTopics(), false, context.version() >= 2)
                    .thenApply(r -> new AddPartitionsToTxnResponse().setResultsByTopicV3AndBelow(r.topicResults()));
        }
        if (!authz.allowedOnCluster(context, AclOperation.CLUSTER_ACTION)) { // v4+: brokers verifying, not clients
            return CompletableFuture.completedFuture(new AddPartitionsToTxnResponse()
                    .setErrorCode(ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code).setResultsByTransaction(List.of()));
        }
        List<CompletableFuture<AddPartitionsToTxnResponse.AddPartitionsToTxnResult>> results = new ArrayList<>();
        for (AddPartitionsToTxnRequest.AddPartitionsToTxnTransaction t : req.transactions()) {
            results.add(add(t.transactionalId(), t.producerId(), t.producerEpoch(), t.topics(), t.verifyOnly(), true));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<AddPartitionsToTxnResponse.AddPartitionsToTxnResult> out = new ArrayList<>();
            results.forEach(f -> out.add(f.join()));
            return new AddPartitionsToTxnResponse().setResultsByTransaction(out);
        });
    }

    /**
     * A client's request (v0-3) the principal may not make: TRANSACTIONAL_ID_AUTHORIZATION_FAILED
     * without WRITE on the id, TOPIC_AUTHORIZATION_FAILED without WRITE on one of the topics; null when allowed.
     */
    private ErrorCode refusal(RequestContext context, String transactionalId,
            List<AddPartitionsToTxnRequest.AddPartitionsToTxnTopic> topics) {
        if (!authz.allowed(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, transactionalId)) {
            return ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED;
        }
        boolean allWritable = topics.stream()
                .allMatch(t -> authz.allowed(context, AclOperation.WRITE, ResourceType.TOPIC, t.name()));
        return allWritable ? null : ErrorCode.TOPIC_AUTHORIZATION_FAILED;
    }

    /** Every partition refused: the topics not writable with {@code error}, the others OPERATION_NOT_ATTEMPTED, as Kafka. */
    private List<AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult> refused(RequestContext context,
            List<AddPartitionsToTxnRequest.AddPartitionsToTxnTopic> topics, ErrorCode error) {
        List<AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult> out = new ArrayList<>();
        for (AddPartitionsToTxnRequest.AddPartitionsToTxnTopic t : topics) {
            ErrorCode e = error == ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED
                    || !authz.allowed(context, AclOperation.WRITE, ResourceType.TOPIC, t.name())
                    ? error : ErrorCode.OPERATION_NOT_ATTEMPTED;
            out.add(new AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult().setName(t.name()).setResultsByPartition(
                    t.partitions().stream().map(p -> new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult()
                            .setPartitionIndex(p).setPartitionErrorCode(e.code)).toList()));
        }
        return out;
    }

    private CompletableFuture<AddPartitionsToTxnResponse.AddPartitionsToTxnResult> add(String transactionalId,
            long producerId, short producerEpoch, List<AddPartitionsToTxnRequest.AddPartitionsToTxnTopic> topics,
            boolean verifyOnly, boolean fencedIsProducerFenced) {
        List<TopicPartition> partitions = new ArrayList<>();
        Map<String, List<AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult>> byTopic = new LinkedHashMap<>();
        for (AddPartitionsToTxnRequest.AddPartitionsToTxnTopic t : topics) {
            for (int p : t.partitions()) {
                if (!exists(t.name(), p)) { // as Kafka: every partition missing from the metadata is unknown
                    byTopic.computeIfAbsent(t.name(), k -> new ArrayList<>()).add(partitionResult(p,
                            ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
                } else {
                    partitions.add(new TopicPartition(t.name(), p));
                }
            }
        }
        CompletableFuture<Map<TopicPartition, ErrorCode>> errors;
        if (!byTopic.isEmpty()) { // as the coordinator answers an unknown partition: the others not attempted
            Map<TopicPartition, ErrorCode> notAttempted = new LinkedHashMap<>();
            partitions.forEach(tp -> notAttempted.put(tp, ErrorCode.OPERATION_NOT_ATTEMPTED));
            errors = CompletableFuture.completedFuture(notAttempted);
        } else {
            errors = verifyOnly
                    ? CompletableFuture.completedFuture(coordinator.verify(transactionalId, producerId, producerEpoch, partitions))
                    : verifier.whileBusy(() -> coordinator.addPartitions(transactionalId, producerId, producerEpoch, partitions,
                            fencedIsProducerFenced), answer -> answer.containsValue(ErrorCode.CONCURRENT_TRANSACTIONS));
        }
        return errors.thenApply(byPartition -> {
            byPartition.forEach((tp, error) -> byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>())
                    .add(partitionResult(tp.partition(), error)));
            List<AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult> out = new ArrayList<>();
            byTopic.forEach((name, ps) -> out.add(new AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult().setName(name)
                    .setResultsByPartition(ps)));
            return new AddPartitionsToTxnResponse.AddPartitionsToTxnResult().setTransactionalId(transactionalId)
                    .setTopicResults(out);
        });
    }

    private static AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult partitionResult(int partition, ErrorCode error) {
        return new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult().setPartitionIndex(partition)
                .setPartitionErrorCode(error.code);
    }
}

package dev.wharf.server.api;

import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.txn.TxnCoordinator;
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
    private final TxnCoordinator coordinator;

    public AddPartitionsToTxnHandler(TxnCoordinator coordinator) {
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey api() {
        return ApiKey.ADD_PARTITIONS_TO_TXN;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        AddPartitionsToTxnRequest req = (AddPartitionsToTxnRequest) context.body();
        if (context.version() < 4) {
            return add(req.v3AndBelowTransactionalId(), req.v3AndBelowProducerId(), req.v3AndBelowProducerEpoch(),
                    req.v3AndBelowTopics(), false, context.version() >= 2)
                    .thenApply(r -> new AddPartitionsToTxnResponse().setResultsByTopicV3AndBelow(r.topicResults()));
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

    private CompletableFuture<AddPartitionsToTxnResponse.AddPartitionsToTxnResult> add(String transactionalId,
            long producerId, short producerEpoch, List<AddPartitionsToTxnRequest.AddPartitionsToTxnTopic> topics,
            boolean verifyOnly, boolean fencedIsProducerFenced) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (AddPartitionsToTxnRequest.AddPartitionsToTxnTopic t : topics) {
            t.partitions().forEach(p -> partitions.add(new TopicPartition(t.name(), p)));
        }
        CompletableFuture<Map<TopicPartition, ErrorCode>> errors = verifyOnly
                ? CompletableFuture.completedFuture(coordinator.verify(transactionalId, producerId, producerEpoch, partitions))
                : coordinator.addPartitions(transactionalId, producerId, producerEpoch, partitions, fencedIsProducerFenced);
        return errors.thenApply(byPartition -> {
            Map<String, List<AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult>> byTopic = new LinkedHashMap<>();
            byPartition.forEach((tp, error) -> byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>())
                    .add(new AddPartitionsToTxnResponse.AddPartitionsToTxnPartitionResult().setPartitionIndex(tp.partition())
                            .setPartitionErrorCode(error.code)));
            List<AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult> out = new ArrayList<>();
            byTopic.forEach((name, ps) -> out.add(new AddPartitionsToTxnResponse.AddPartitionsToTxnTopicResult().setName(name)
                    .setResultsByPartition(ps)));
            return new AddPartitionsToTxnResponse.AddPartitionsToTxnResult().setTransactionalId(transactionalId)
                    .setTopicResults(out);
        });
    }
}

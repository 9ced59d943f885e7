package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.TopicNames;
import dev.wharf.server.replica.ReplicaManager;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.server.txn.TxnVerifier;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ProduceRequest;
import dev.wharf.wire.message.ProduceResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Produce: finds each partition's leader replica and offers it the batch ({@link ProduceAppender},
 * confirming a transaction's new partition with its coordinator first). acks=1 is answered once
 * the leader appended; acks=all once every in-sync replica has the batch (the high watermark passed
 * it; at once when the leader is the only replica), or with the error that ended the wait
 * (REQUEST_TIMED_OUT after the request's timeout, NOT_ENOUGH_REPLICAS_AFTER_APPEND, ...); acks=0
 * gets no response, and a failure closes its connection as in Kafka. Runs on the connection's
 * event loop: an append is a copy into the page cache, cheaper than two thread hand-offs; waits
 * are completed by the thread that moves the high watermark.
 *
 * <p>v3: transactional id, magic v2 only. v5: log start offset. v7: zstd. v8: record errors.
 * v9: flexible. v10-12: no format change. v13: topic ids instead of names (KIP-516).
 *
 * <p>Authorization: WRITE on each topic (else TOPIC_AUTHORIZATION_FAILED for its partitions) and,
 * for a transactional batch, WRITE on its transactional id (else, or when the request names no
 * transactional id, every partition TRANSACTIONAL_ID_AUTHORIZATION_FAILED).
 *
 * <p>ApiVersions advertises v0-2 as Kafka does (KAFKA-18659: librdkafka needs Produce v0 in the
 * list), but they are not served: such a request closes its connection, as in Kafka 4.
 */
public final class ProduceHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;

    private final int selfId;
    private final ProduceAppender appender;

    public ProduceHandler(Authorization authz, ZkMetadataStore metadata, ReplicaManager replicas, int selfId,
            TxnVerifier verifier, boolean verifyTransactions) {
        this.authz = authz;
        this.metadata = metadata;
        this.replicas = replicas;
        this.selfId = selfId;
        this.appender = new ProduceAppender(verifier, verifyTransactions);
    }

    @Override
    public ApiKey api() {
        return ApiKey.PRODUCE;
    }

    @Override
    public short advertisedLowestVersion() {
        return 0; // KAFKA-18659; v0-2 themselves are refused (lowestVersion is the spec's 3)
    }

    @Override
    public Execution execution() {
        return Execution.EVENT_LOOP;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        ProduceRequest req = (ProduceRequest) context.body();
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        ProduceResponse resp = produce(context, req, context.version(), waits);
        if (req.acks() == 0 && !waits.isEmpty()) {
            // a transactional batch being verified: acks=0 still waits, so that the request (and its records) outlives the append
            return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).thenApply(done -> acksZero(resp));
        }
        if (req.acks() == 0) {
            return CompletableFuture.completedFuture(acksZero(resp));
        }
        String listener = context.connection().listenerName();
        if (waits.isEmpty()) {
            LeaderHints.addTo(resp, metadata, listener, selfId);
            return CompletableFuture.completedFuture(resp);
        }
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).thenApply(done -> {
            LeaderHints.addTo(resp, metadata, listener, selfId);
            return resp;
        });
    }

    /** acks=0 gets no response: a failure closes the connection, after which the producer refreshes its metadata. */
    private static ApiMessage acksZero(ProduceResponse resp) {
        resp.responses().forEach(t -> t.partitionResponses().stream().filter(p -> p.errorCode() != 0).findFirst()
                .ifPresent(p -> {
                    throw new CloseConnectionException("acks=0 produce to " + t.name() + "-" + p.index()
                            + " failed with error code " + p.errorCode());
                }));
        return null;
    }

    private ProduceResponse produce(RequestContext context, ProduceRequest req, short version,
            List<CompletableFuture<Void>> waits) {
        boolean validAcks = req.acks() == -1 || req.acks() == 0 || req.acks() == 1;
        // as Kafka: transactional records (markers included) without a transactional id fail the whole request
        boolean txnAllowed = req.transactionalId() == null ? !ProduceAppender.hasTransactionalRecords(req)
                : authz.allowed(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId());
        List<ProduceResponse.TopicProduceResponse> topics = new ArrayList<>();
        for (ProduceRequest.TopicProduceData t : req.topicData()) {
            boolean byId = t.name().isEmpty();
            Optional<TopicInfo> topic = byId ? metadata.topic(t.topicId()) : metadata.topic(t.name());
            List<ProduceResponse.PartitionProduceResponse> results = new ArrayList<>();
            String name = byId ? topic.map(TopicInfo::name).orElse(null) : t.name();
            boolean writable = name == null || authz.allowed(context, AclOperation.WRITE, ResourceType.TOPIC, name);
            for (ProduceRequest.PartitionProduceData p : t.partitionData()) {
                ProduceResponse.PartitionProduceResponse r = new ProduceResponse.PartitionProduceResponse()
                        .setIndex(p.index()).setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
                if (!validAcks) {
                    results.add(r.setErrorCode(ErrorCode.INVALID_REQUIRED_ACKS.code));
                } else if (!txnAllowed) {
                    results.add(r.setErrorCode(ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code));
                } else if (!writable) {
                    results.add(r.setErrorCode(ErrorCode.TOPIC_AUTHORIZATION_FAILED.code));
                } else if (topic.isPresent() && TopicNames.isInternal(topic.get().name())) {
                    results.add(r.setErrorCode(ErrorCode.INVALID_TOPIC_EXCEPTION.code)
                            .setErrorMessage("clients cannot write to internal topics"));
                } else {
                    ReplicaManager.Lookup leader = replicas.leader(topic, p.index(), -1, byId);
                    results.add(leader.found() ? appender.verifyThenAppend(leader.partition(), p, r, req, version, waits)
                            : r.setErrorCode(leader.error().code));
                }
            }
            topics.add(new ProduceResponse.TopicProduceResponse().setName(t.name()).setTopicId(t.topicId())
                    .setPartitionResponses(results));
        }
        return new ProduceResponse().setResponses(topics);
    }
}

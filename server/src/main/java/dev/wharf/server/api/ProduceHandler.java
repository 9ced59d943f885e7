package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.TopicNames;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.Partition.AppendOutcome;
import dev.wharf.server.replica.ReplicaManager;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ProduceRequest;
import dev.wharf.wire.message.ProduceResponse;
import dev.wharf.wire.protocol.ApiMessage;
import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.CorruptRecordException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce: finds each partition's leader replica and offers it the batch ({@link
 * Partition#appendRecordsAsLeader} validates, deduplicates and appends). With this broker the only
 * in-sync replica, acks=1 and acks=all are answered once the append returns; acks=0 gets no
 * response, and a failure closes its connection as in Kafka. Runs on the connection's event
 * loop: an append is a copy into the page cache, cheaper than two thread hand-offs.
 *
 * <p>v3: transactional id, magic v2 only. v5: log start offset. v7: zstd. v8: record errors.
 * v9: flexible. v10-12: no format change. v13: topic ids instead of names (KIP-516).
 */
public final class ProduceHandler implements ApiHandler {
    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;

    public ProduceHandler(ZkMetadataStore metadata, ReplicaManager replicas) {
        this.metadata = metadata;
        this.replicas = replicas;
    }

    @Override
    public ApiKey api() {
        return ApiKey.PRODUCE;
    }

    @Override
    public Execution execution() {
        return Execution.EVENT_LOOP;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        ProduceRequest req = (ProduceRequest) context.body();
        ProduceResponse resp = produce(req);
        if (req.acks() == 0) {
            // an acks=0 producer learns of a failure only by losing its connection, after which
            // it refreshes its metadata
            resp.responses().forEach(t -> t.partitionResponses().stream().filter(p -> p.errorCode() != 0).findFirst()
                    .ifPresent(p -> {
                        throw new CloseConnectionException("acks=0 produce to " + t.name() + "-" + p.index()
                                + " failed with error code " + p.errorCode());
                    }));
            return null;
        }
        return resp;
    }

    private ProduceResponse produce(ProduceRequest req) {
        boolean validAcks = req.acks() == -1 || req.acks() == 0 || req.acks() == 1;
        List<ProduceResponse.TopicProduceResponse> topics = new ArrayList<>();
        for (ProduceRequest.TopicProduceData t : req.topicData()) {
            boolean byId = t.name().isEmpty();
            Optional<TopicInfo> topic = byId ? metadata.topic(t.topicId()) : metadata.topic(t.name());
            List<ProduceResponse.PartitionProduceResponse> results = new ArrayList<>();
            for (ProduceRequest.PartitionProduceData p : t.partitionData()) {
                ProduceResponse.PartitionProduceResponse r = new ProduceResponse.PartitionProduceResponse()
                        .setIndex(p.index()).setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
                if (!validAcks) {
                    results.add(r.setErrorCode(ErrorCode.INVALID_REQUIRED_ACKS.code));
                } else if (topic.isPresent() && TopicNames.isInternal(topic.get().name())) {
                    results.add(r.setErrorCode(ErrorCode.INVALID_TOPIC_EXCEPTION.code)
                            .setErrorMessage("clients cannot write to internal topics"));
                } else {
                    ReplicaManager.Lookup leader = replicas.leader(topic, p.index(), -1, byId);
                    results.add(leader.found() ? append(leader.partition(), p, r) : r.setErrorCode(leader.error().code));
                }
            }
            topics.add(new ProduceResponse.TopicProduceResponse().setName(t.name()).setTopicId(t.topicId())
                    .setPartitionResponses(results));
        }
        return new ProduceResponse().setResponses(topics);
    }

    private static ProduceResponse.PartitionProduceResponse append(Partition partition,
            ProduceRequest.PartitionProduceData p, ProduceResponse.PartitionProduceResponse r) {
        if (!(p.records() instanceof BufferRecords records) || records.sizeInBytes() == 0) {
            return r.setErrorCode(ErrorCode.CORRUPT_MESSAGE.code);
        }
        try {
            AppendOutcome outcome = partition.appendRecordsAsLeader(records.buffer(), System.currentTimeMillis());
            if (outcome instanceof AppendOutcome.Appended a) {
                return r.setErrorCode(ErrorCode.NONE.code).setBaseOffset(a.firstOffset())
                        .setLogStartOffset(a.logStartOffset()).setLogAppendTimeMs(a.logAppendTimeMs());
            }
            if (outcome instanceof AppendOutcome.Duplicate d) {
                return r.setErrorCode(ErrorCode.NONE.code).setBaseOffset(d.firstOffset()).setLogStartOffset(d.logStartOffset());
            }
            AppendOutcome.Rejected rejected = (AppendOutcome.Rejected) outcome;
            return r.setErrorCode(rejected.error().code).setErrorMessage(rejected.message());
        } catch (CorruptRecordException e) {
            return r.setErrorCode(ErrorCode.CORRUPT_MESSAGE.code).setErrorMessage(e.getMessage());
        } catch (Exception e) {
            log.error("append failed partition={}", partition.topicPartition(), e);
            return r.setErrorCode(ErrorCode.UNKNOWN_SERVER_ERROR.code);
        }
    }
}

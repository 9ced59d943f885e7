package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.logstore.AppendResult;
import dev.wharf.logstore.LeaderAppendResult;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.ProducerBatchInfo;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.PartitionManager;
import dev.wharf.server.TopicConfigs;
import dev.wharf.server.TopicNames;
import dev.wharf.wire.frame.Request;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ProduceRequest;
import dev.wharf.wire.message.ProduceResponse;
import dev.wharf.wire.protocol.ApiMessage;
import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.CorruptRecordException;
import dev.wharf.wire.records.RecordBatch;
import dev.wharf.wire.records.RecordBatches;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce: validates each partition's batches (magic v2, CRC-32C, size against
 * {@code message.max.bytes}) and appends them as they came, offsets assigned in place. With one
 * replica the high watermark moves with the append, so acks=1 and acks=all answer after the write;
 * acks=0 gets no response. Runs on the connection's event loop: an append is a copy into the page
 * cache, cheaper than handing the request to another thread and the response back.
 *
 * <p>v3: transactional id, magic v2 only. v5: log start offset. v7: zstd. v8: record errors.
 * v9: flexible. v10-12: no format change. v13: topic ids instead of names (KIP-516).
 */
public final class ProduceHandler implements ApiHandler {
    private static final Logger log = LoggerFactory.getLogger(ProduceHandler.class);

    private final PartitionManager partitions;
    private final long defaultBeforeMaxMs;
    private final long defaultAfterMaxMs;

    public ProduceHandler(PartitionManager partitions) {
        this.partitions = partitions;
        // the broker's defaults are fixed for its lifetime: read them once, not per batch
        Map<String, String> defaults = TopicConfigs.defaults(partitions.config());
        this.defaultBeforeMaxMs = Long.parseLong(defaults.get("message.timestamp.before.max.ms"));
        this.defaultAfterMaxMs = Long.parseLong(defaults.get("message.timestamp.after.max.ms"));
    }

    @Override
    public ApiKey api() {
        return ApiKey.PRODUCE;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(Request request) {
        return CompletableFuture.completedFuture(answer((ProduceRequest) request.body()));
    }

    private ProduceResponse answer(ProduceRequest req) {
        ProduceResponse resp = produce(req);
        if (req.acks() != 0) {
            return resp;
        }
        // as Kafka does: an acks=0 producer learns of a failure only by losing its connection,
        // after which it refreshes its metadata
        for (ProduceResponse.TopicProduceResponse t : resp.responses()) {
            for (ProduceResponse.PartitionProduceResponse p : t.partitionResponses()) {
                if (p.errorCode() != ErrorCode.NONE.code) {
                    throw new CloseConnectionException("acks=0 produce to " + t.name() + "-" + p.index()
                            + " failed with error code " + p.errorCode());
                }
            }
        }
        return null;
    }

    private ProduceResponse produce(ProduceRequest req) {
        boolean validAcks = req.acks() == -1 || req.acks() == 0 || req.acks() == 1;
        List<ProduceResponse.TopicProduceResponse> topics = new ArrayList<>();
        for (ProduceRequest.TopicProduceData t : req.topicData()) {
            Optional<TopicInfo> topic = t.name().isEmpty() ? partitions.topic(t.topicId()) : partitions.topic(t.name());
            List<ProduceResponse.PartitionProduceResponse> results = new ArrayList<>();
            for (ProduceRequest.PartitionProduceData p : t.partitionData()) {
                ProduceResponse.PartitionProduceResponse r = new ProduceResponse.PartitionProduceResponse()
                        .setIndex(p.index()).setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
                if (!validAcks) {
                    results.add(r.setErrorCode(ErrorCode.INVALID_REQUIRED_ACKS.code));
                    continue;
                }
                if (topic.isPresent() && TopicNames.isInternal(topic.get().name())) {
                    results.add(r.setErrorCode(ErrorCode.INVALID_TOPIC_EXCEPTION.code)
                            .setErrorMessage("clients cannot write to internal topics"));
                    continue;
                }
                Optional<PartitionLog> partition = topic.flatMap(ti -> partitions.log(ti, p.index()));
                if (partition.isEmpty()) {
                    results.add(r.setErrorCode(partitions.noLogError(topic, p.index(), t.name().isEmpty()).code));
                    continue;
                }
                results.add(append(topic.get(), partition.get(), p, r));
            }
            topics.add(new ProduceResponse.TopicProduceResponse().setName(t.name()).setTopicId(t.topicId())
                    .setPartitionResponses(results));
        }
        return new ProduceResponse().setResponses(topics);
    }

    /**
     * CreateTime batches must lie within message.timestamp.before.max.ms before and
     * message.timestamp.after.max.ms after now (Kafka's defaults: any time before, 1 hour ahead).
     */
    private boolean timestampAcceptable(TopicInfo topic, RecordBatch batch) {
        if (batch.timestampType() != dev.wharf.wire.records.TimestampType.CREATE_TIME || batch.isControl()) {
            return true;
        }
        String beforeOverride = topic.configs().get("message.timestamp.before.max.ms");
        String afterOverride = topic.configs().get("message.timestamp.after.max.ms");
        long before = beforeOverride == null ? defaultBeforeMaxMs : Long.parseLong(beforeOverride);
        long after = afterOverride == null ? defaultAfterMaxMs : Long.parseLong(afterOverride);
        long now = System.currentTimeMillis();
        long ts = batch.maxTimestamp();
        return (before == Long.MAX_VALUE || ts >= now - before) && ts <= now + after;
    }

    private ProduceResponse.PartitionProduceResponse append(TopicInfo topic, PartitionLog log,
            ProduceRequest.PartitionProduceData p, ProduceResponse.PartitionProduceResponse r) {
        if (!(p.records() instanceof BufferRecords records) || records.sizeInBytes() == 0) {
            return r.setErrorCode(ErrorCode.CORRUPT_MESSAGE.code);
        }
        ByteBuf data = records.buffer();
        int maxBatch = Integer.parseInt(topic.configs().getOrDefault("max.message.bytes",
                partitions.config().getString("message.max.bytes")));
        TopicPartition tp = new TopicPartition(topic.name(), p.index());
        try {
            List<RecordBatch> batches = RecordBatches.split(data);
            if (batches.size() != 1) {
                // as in Kafka: from v3 on, exactly one batch per partition, which keeps the
                // idempotence checks (one sequence range per request) sound
                return r.setErrorCode(ErrorCode.INVALID_RECORD.code)
                        .setErrorMessage("produce requests must carry exactly one record batch per partition");
            }
            for (RecordBatch batch : batches) {
                if (batch.sizeInBytes() > maxBatch) {
                    return r.setErrorCode(ErrorCode.MESSAGE_TOO_LARGE.code);
                }
                batch.ensureValid();
                if (batch.recordCount() <= 0 || batch.lastOffsetDelta() != batch.recordCount() - 1) {
                    return r.setErrorCode(ErrorCode.INVALID_RECORD.code).setErrorMessage("record count "
                            + batch.recordCount() + " does not match last offset delta " + batch.lastOffsetDelta());
                }
                if (batch.isControl()) {
                    // transaction markers are written by the broker's coordinator, never by clients
                    return r.setErrorCode(ErrorCode.INVALID_RECORD.code).setErrorMessage("clients cannot write control batches");
                }
                if (batch.isTransactional()) {
                    // no transaction coordinator yet: a transactional batch could never be committed or aborted
                    return r.setErrorCode(ErrorCode.INVALID_TXN_STATE.code)
                            .setErrorMessage("transactions are not supported yet");
                }
                if (!timestampAcceptable(topic, batch)) {
                    return r.setErrorCode(ErrorCode.INVALID_TIMESTAMP.code).setErrorMessage("timestamp "
                            + batch.maxTimestamp() + " is out of the range allowed by the topic");
                }
            }
            long appendTime = -1;
            if ("LogAppendTime".equals(topic.configs().getOrDefault("message.timestamp.type",
                    partitions.config().getString("log.message.timestamp.type")))) {
                appendTime = System.currentTimeMillis();
                for (RecordBatch batch : batches) {
                    batch.setLogAppendTime(appendTime);
                }
            }
            LeaderAppendResult result = log.appendAsLeader(data, partitions.leaderEpoch(topic, p.index()),
                    ProducerBatchInfo.of(batches.get(0)));
            if (result instanceof LeaderAppendResult.Duplicate d) {
                return r.setErrorCode(ErrorCode.NONE.code).setBaseOffset(d.firstOffset())
                        .setLogStartOffset(log.logStartOffset());
            }
            if (result instanceof LeaderAppendResult.Rejected rejected) {
                return r.setErrorCode(switch (rejected.reason()) {
                    case INVALID_PRODUCER_EPOCH -> ErrorCode.INVALID_PRODUCER_EPOCH.code;
                    case OUT_OF_ORDER_SEQUENCE_NUMBER -> ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER.code;
                });
            }
            AppendResult appended = ((LeaderAppendResult.Appended) result).result();
            log.updateHighWatermark(log.logEndOffset()); // the only replica is in sync
            partitions.appended(tp);
            return r.setErrorCode(ErrorCode.NONE.code).setBaseOffset(appended.firstOffset())
                    .setLogStartOffset(log.logStartOffset()).setLogAppendTimeMs(appendTime);
        } catch (CorruptRecordException e) {
            return r.setErrorCode(ErrorCode.CORRUPT_MESSAGE.code).setErrorMessage(e.getMessage());
        } catch (Exception e) {
            ProduceHandler.log.error("append failed topic={} partition={}", topic.name(), p.index(), e);
            return r.setErrorCode(ErrorCode.UNKNOWN_SERVER_ERROR.code);
        }
    }
}

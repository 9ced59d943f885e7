package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.group.GroupOffsets;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.TxnOffsetCommitRequest;
import dev.wharf.wire.message.TxnOffsetCommitResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * TxnOffsetCommit: a transactional producer commits a consumer group's offsets in its transaction
 * ({@code sendOffsetsToTransaction}); they become the group's committed offsets when the
 * transaction commits, and vanish when it aborts.
 *
 * <p>v1: no change. v2: committed leader epoch. v3: flexible; the consumer's generation, member
 * id and instance id (KIP-447). v4: no change. v5 (transaction version 2, the group coordinator
 * adds the partition itself) and v6 (topic ids) are not offered: Wharf runs transaction version 1.
 */
public final class TxnOffsetCommitHandler implements ApiHandler {
    private final GroupOffsets offsets;

    public TxnOffsetCommitHandler(GroupOffsets offsets) {
        this.offsets = offsets;
    }

    @Override
    public ApiKey api() {
        return ApiKey.TXN_OFFSET_COMMIT;
    }

    @Override
    public short highestVersion() {
        return 4;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        TxnOffsetCommitRequest req = (TxnOffsetCommitRequest) context.body();
        List<GroupOffsets.OffsetToCommit> toCommit = new ArrayList<>();
        for (TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic t : req.topics()) {
            for (TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition p : t.partitions()) {
                toCommit.add(new GroupOffsets.OffsetToCommit(t.name(), p.partitionIndex(), p.committedOffset(),
                        p.committedLeaderEpoch(), p.committedMetadata()));
            }
        }
        int generation = context.version() >= 3 ? req.generationIdOrMemberEpoch() : -1;
        return offsets.commitTransactionalOffsets(req.groupId(), req.producerId(), req.producerEpoch(), req.memberId(),
                req.groupInstanceId(), generation, toCommit).thenApply(errors -> {
                    Iterator<ErrorCode> next = errors.iterator();
                    List<TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic> topics = new ArrayList<>();
                    for (TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic t : req.topics()) {
                        List<TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition> ps = new ArrayList<>();
                        for (TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition p : t.partitions()) {
                            ps.add(new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition()
                                    .setPartitionIndex(p.partitionIndex()).setErrorCode(next.next().code));
                        }
                        topics.add(new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic().setName(t.name())
                                .setPartitions(ps));
                    }
                    return new TxnOffsetCommitResponse().setTopics(topics);
                });
    }
}

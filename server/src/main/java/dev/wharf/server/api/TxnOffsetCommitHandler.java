package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.group.GroupOffsets;
import dev.wharf.server.group.GroupStore;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.server.txn.TxnVerifier;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.TxnOffsetCommitRequest;
import dev.wharf.wire.message.TxnOffsetCommitResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * TxnOffsetCommit: a transactional producer commits a consumer group's offsets in its transaction
 * ({@code sendOffsetsToTransaction}); they become the group's committed offsets when the
 * transaction commits, and vanish when it aborts.
 *
 * <p>v1: no change. v2: committed leader epoch. v3: flexible; the consumer's generation, member
 * id and instance id (KIP-447). v4: no change. v5: transaction version 2, the group's partition is
 * added to the transaction here (KIP-890). v6: topics named by id (KIP-1319); an unknown id's
 * partitions are answered UNKNOWN_TOPIC_ID and not committed.
 */
public final class TxnOffsetCommitHandler implements ApiHandler {
    private final Authorization authz;
    private final GroupOffsets offsets;
    private final GroupStore groups;
    private final TxnVerifier verifier;
    private final ZkMetadataStore metadata;

    public TxnOffsetCommitHandler(Authorization authz, GroupOffsets offsets, GroupStore groups, TxnVerifier verifier,
            ZkMetadataStore metadata) {
        this.authz = authz;
        this.offsets = offsets;
        this.groups = groups;
        this.verifier = verifier;
        this.metadata = metadata;
    }

    @Override
    public ApiKey api() {
        return ApiKey.TXN_OFFSET_COMMIT;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        TxnOffsetCommitRequest req = (TxnOffsetCommitRequest) context.body();
        if (context.version() >= 6) {
            nameTopicsById(req);
        }
        if (!authz.allowed(context, AclOperation.WRITE, ResourceType.TRANSACTIONAL_ID, req.transactionalId())) {
            return CompletableFuture.completedFuture(response(req, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED));
        }
        if (!authz.allowed(context, AclOperation.READ, ResourceType.GROUP, req.groupId())) {
            return CompletableFuture.completedFuture(response(req, ErrorCode.GROUP_AUTHORIZATION_FAILED));
        }
        List<GroupOffsets.OffsetToCommit> toCommit = new ArrayList<>();
        Set<String> unreadable = new HashSet<>();
        Set<TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic> unknown = Collections.newSetFromMap(new IdentityHashMap<>());
        for (TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic t : req.topics()) {
            if (t.name().isEmpty()) {
                unknown.add(t); // no topic has that name (or, from v6, that id)
                continue;
            }
            if (!authz.allowed(context, AclOperation.READ, ResourceType.TOPIC, t.name())) {
                unreadable.add(t.name()); // answered TOPIC_AUTHORIZATION_FAILED, the others committed
                continue;
            }
            for (TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition p : t.partitions()) {
                toCommit.add(new GroupOffsets.OffsetToCommit(t.name(), p.partitionIndex(), p.committedOffset(),
                        p.committedLeaderEpoch(), p.committedMetadata()));
            }
        }
        int generation = context.version() >= 3 ? req.generationIdOrMemberEpoch() : -1;
        Answer answer = new Answer(req, unreadable, unknown, context.version());
        if (toCommit.isEmpty()) { // as Kafka: nothing left to commit, nothing to verify
            return CompletableFuture.completedFuture(answer.with(List.<ErrorCode>of().iterator()));
        }
        if (context.version() >= 5) {
            // transaction version 2: the client sent no AddOffsetsToTxn; the group's partition joins the transaction here
            OptionalInt partition = groups.partitionOf(req.groupId());
            if (partition.isEmpty()) {
                return CompletableFuture.completedFuture(response(req, ErrorCode.NOT_COORDINATOR));
            }
            return verifier.confirm(req.transactionalId(), req.producerId(), req.producerEpoch(),
                    new TopicPartition(GroupStore.OFFSETS_TOPIC, partition.getAsInt()), true).thenCompose(verified -> {
                        ErrorCode error = switch (verified) {
                            case NONE -> ErrorCode.NONE;
                            case PRODUCER_FENCED, INVALID_PRODUCER_EPOCH -> ErrorCode.INVALID_PRODUCER_EPOCH;
                            case INVALID_PRODUCER_ID_MAPPING -> ErrorCode.INVALID_PRODUCER_ID_MAPPING;
                            case INVALID_TXN_STATE, TRANSACTION_ABORTABLE -> ErrorCode.TRANSACTION_ABORTABLE;
                            default -> ErrorCode.COORDINATOR_LOAD_IN_PROGRESS; // retried by the client
                        };
                        return error == ErrorCode.NONE ? commit(req, generation, toCommit, answer)
                                : CompletableFuture.completedFuture(answer.with(java.util.stream.Stream.generate(() -> error)
                                        .iterator()));
                    });
        }
        return commit(req, generation, toCommit, answer);
    }

    private CompletableFuture<ApiMessage> commit(TxnOffsetCommitRequest req, int generation,
            List<GroupOffsets.OffsetToCommit> toCommit, Answer answer) {
        return offsets.commitTransactionalOffsets(req.groupId(), req.producerId(), req.producerEpoch(), req.memberId(),
                req.groupInstanceId(), generation, toCommit).thenApply(errors -> answer.with(errors.iterator()));
    }

    /** The response: unknown and unreadable topics with their errors, the partitions tried with theirs (in order). */
    private record Answer(TxnOffsetCommitRequest req, Set<String> unreadable,
            Set<TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic> unknown, short version) {
        ApiMessage with(Iterator<ErrorCode> tried) {
            short unknownError = (version >= 6 ? ErrorCode.UNKNOWN_TOPIC_ID : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).code;
            List<TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic> topics = new ArrayList<>();
            for (TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic t : req.topics()) {
                List<TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition> ps = new ArrayList<>();
                for (TxnOffsetCommitRequest.TxnOffsetCommitRequestPartition p : t.partitions()) {
                    ps.add(new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                            .setErrorCode(unknown.contains(t) ? unknownError : unreadable.contains(t.name())
                                    ? ErrorCode.TOPIC_AUTHORIZATION_FAILED.code : tried.next().code));
                }
                topics.add(new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic().setName(t.name())
                        .setTopicId(t.topicId()).setPartitions(ps));
            }
            return new TxnOffsetCommitResponse().setTopics(topics);
        }
    }

    /** v6 names topics by id: each gets its name here, or "" when no topic has that id. */
    private void nameTopicsById(TxnOffsetCommitRequest req) {
        req.topics().forEach(t -> t.setName(metadata.topic(t.topicId()).map(TopicInfo::name).orElse("")));
    }

    /** Every partition of the request with the same error. */
    private static ApiMessage response(TxnOffsetCommitRequest req, ErrorCode error) {
        List<TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic> topics = new ArrayList<>();
        for (TxnOffsetCommitRequest.TxnOffsetCommitRequestTopic t : req.topics()) {
            List<TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition> ps = new ArrayList<>();
            t.partitions().forEach(p -> ps.add(new TxnOffsetCommitResponse.TxnOffsetCommitResponsePartition()
                    .setPartitionIndex(p.partitionIndex()).setErrorCode(error.code)));
            topics.add(new TxnOffsetCommitResponse.TxnOffsetCommitResponseTopic().setName(t.name()).setTopicId(t.topicId())
                    .setPartitions(ps));
        }
        return new TxnOffsetCommitResponse().setTopics(topics);
    }
}

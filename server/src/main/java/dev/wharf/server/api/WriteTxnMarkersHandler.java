package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.replica.AppendOutcome;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.ReplicaManager;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.WriteTxnMarkersRequest;
import dev.wharf.wire.message.WriteTxnMarkersResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * WriteTxnMarkers: a transaction coordinator (or {@code kafka-transactions abort}) ends a
 * producer's transaction on the partitions this broker leads. Each marker is appended as a
 * control batch ({@link Partition#appendMarkerAsLeader}) and answered, like an acks=all produce,
 * once every in-sync replica has it; the coordinator retries the partitions that fail. A marker on
 * a {@code __consumer_offsets} partition also commits or drops the producer's pending offsets there.
 *
 * <p>v1: the oldest Kafka 4 serves. v2: the transaction version of each marker (KIP-1228), ignored:
 * markers are written alike for both versions.
 */
public final class WriteTxnMarkersHandler implements ApiHandler {
    private static final Logger log = LoggerFactory.getLogger(WriteTxnMarkersHandler.class);
    /** How long a marker waits for the ISR before the coordinator is told to retry it (Kafka's request timeout). */
    private static final long REPLICATION_TIMEOUT_MS = 30_000;

    /** Told when a marker was appended to a partition of {@code __consumer_offsets} (the group coordinator). */
    public interface OffsetsMarkerListener {
        void markerWritten(int offsetsPartition, long producerId, boolean commit);
    }

    private final Authorization authz;
    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;
    private final OffsetsMarkerListener offsetsListener;

    public WriteTxnMarkersHandler(Authorization authz, ZkMetadataStore metadata, ReplicaManager replicas, OffsetsMarkerListener offsetsListener) {
        this.authz = authz;
        this.metadata = metadata;
        this.replicas = replicas;
        this.offsetsListener = offsetsListener;
    }

    @Override
    public ApiKey api() {
        return ApiKey.WRITE_TXN_MARKERS;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        WriteTxnMarkersRequest req = (WriteTxnMarkersRequest) context.body();
        List<CompletableFuture<Void>> waits = new ArrayList<>();
        List<WriteTxnMarkersResponse.WritableTxnMarkerResult> markers = new ArrayList<>();
        // brokers (CLUSTER_ACTION), or administrators aborting a hanging transaction (ALTER), as Kafka's docs list
        boolean fromBroker = authz.allowedOnCluster(context, AclOperation.CLUSTER_ACTION)
                || authz.allowedOnCluster(context, AclOperation.ALTER);
        for (WriteTxnMarkersRequest.WritableTxnMarker m : req.markers()) {
            List<WriteTxnMarkersResponse.WritableTxnMarkerTopicResult> topics = new ArrayList<>();
            for (WriteTxnMarkersRequest.WritableTxnMarkerTopic t : m.topics()) {
                List<WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult> partitions = new ArrayList<>();
                for (int index : t.partitionIndexes()) {
                    WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult r =
                            new WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult().setPartitionIndex(index);
                    partitions.add(r);
                    if (fromBroker) {
                        write(m, t.name(), index, r, waits);
                    } else {
                        r.setErrorCode(ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code);
                    }
                }
                topics.add(new WriteTxnMarkersResponse.WritableTxnMarkerTopicResult().setName(t.name())
                        .setPartitions(partitions));
            }
            markers.add(new WriteTxnMarkersResponse.WritableTxnMarkerResult().setProducerId(m.producerId()).setTopics(topics));
        }
        WriteTxnMarkersResponse resp = new WriteTxnMarkersResponse().setMarkers(markers);
        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new)).thenApply(done -> resp);
    }

    private void write(WriteTxnMarkersRequest.WritableTxnMarker m, String topicName, int index,
            WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult r, List<CompletableFuture<Void>> waits) {
        Optional<TopicInfo> topic = metadata.topic(topicName);
        ReplicaManager.Lookup leader = replicas.leader(topic, index, -1, false);
        if (!leader.found()) {
            r.setErrorCode(leader.error().code);
            return;
        }
        Partition partition = leader.partition();
        try {
            AppendOutcome outcome = partition.appendMarkerAsLeader(m.producerId(), m.producerEpoch(), m.transactionResult(),
                    m.coordinatorEpoch());
            if (outcome instanceof AppendOutcome.Rejected rejected) {
                r.setErrorCode(rejected.error().code);
                return;
            }
            AppendOutcome.Appended a = (AppendOutcome.Appended) outcome;
            if (topicName.equals(dev.wharf.server.group.GroupStore.OFFSETS_TOPIC)) {
                offsetsListener.markerWritten(index, m.producerId(), m.transactionResult());
            }
            CompletableFuture<ErrorCode> replicated = partition.whenReplicated(a.lastOffset(), a.leaderEpoch(),
                    REPLICATION_TIMEOUT_MS);
            waits.add(replicated.thenAccept(error -> r.setErrorCode(error.code)));
        } catch (Exception e) {
            log.error("cannot write a transaction marker to {}-{}", topicName, index, e);
            r.setErrorCode(ErrorCode.KAFKA_STORAGE_ERROR.code);
        }
    }
}

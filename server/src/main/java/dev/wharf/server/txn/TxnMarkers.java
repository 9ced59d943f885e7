package dev.wharf.server.txn;

import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.network.BrokerConnections;
import dev.wharf.server.network.InterBrokerListener;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.WriteTxnMarkersRequest;
import dev.wharf.wire.message.WriteTxnMarkersResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a decided transaction's markers to the leaders of its partitions (WriteTxnMarkers, over
 * the inter-broker listener, to this broker too) and retries the partitions that fail until every
 * one has its marker, re-resolving leaders from the metadata cache each time, as Kafka's marker
 * channel does. A partition whose topic was deleted is dropped; a producer epoch the leader already
 * passed means a newer marker is there. It stops when the coordinator lost its partition (the new
 * coordinator sends the markers again) or a leader says a newer coordinator wrote already.
 *
 * <p>Threads: one thread of its own ({@code wharf-txn-markers}) runs every attempt and owns the
 * connections; calls block it, never an io or network thread.
 */
final class TxnMarkers {
    private static final Logger log = LoggerFactory.getLogger(TxnMarkers.class);
    private static final long MAX_BACKOFF_MS = 1_000;

    /** One decided transaction: where its markers still have to go, and what to do once they are all written. */
    record Job(String transactionalId, int txnPartition, int coordinatorEpoch, long producerId, short producerEpoch,
            boolean commit, Set<TopicPartition> remaining, Runnable done) {}

    private final ZkMetadataStore metadata;
    private final TxnStore store;
    private final ScheduledExecutorService thread;
    private final BrokerConnections connections;

    TxnMarkers(ZkMetadataStore metadata, TxnStore store, InterBrokerListener listener, int socketTimeoutMs,
            ScheduledExecutorService thread) {
        this.metadata = metadata;
        this.store = store;
        this.thread = thread;
        this.connections = new BrokerConnections("wharf-txn-markers", socketTimeoutMs, 1 << 20, metadata, listener);
    }

    void send(Job job) {
        thread.execute(() -> attempt(job, 20));
    }

    private void attempt(Job job, long backoffMs) {
        try {
            if (!store.stillCoordinating(job.txnPartition(), job.coordinatorEpoch())) {
                log.info("markers of {} stop: this broker no longer coordinates {}-{} in epoch {}", job.transactionalId(),
                        TxnStore.TOPIC, job.txnPartition(), job.coordinatorEpoch());
                return;
            }
            Map<Integer, List<TopicPartition>> byLeader = new HashMap<>();
            for (TopicPartition tp : List.copyOf(job.remaining())) {
                Optional<TopicInfo> topic = metadata.topic(tp.topic());
                if (topic.isEmpty() || tp.partition() >= topic.get().partitions().size()) {
                    job.remaining().remove(tp); // deleted: no marker needed
                    continue;
                }
                int leader = topic.get().partitions().get(tp.partition()).leader();
                if (leader >= 0) {
                    byLeader.computeIfAbsent(leader, k -> new ArrayList<>()).add(tp);
                }
            }
            for (Map.Entry<Integer, List<TopicPartition>> e : byLeader.entrySet()) {
                if (!sendTo(e.getKey(), e.getValue(), job)) {
                    return; // fenced: a newer coordinator owns this transaction
                }
            }
            if (job.remaining().isEmpty()) {
                job.done().run();
                return;
            }
            thread.schedule(() -> attempt(job, Math.min(MAX_BACKOFF_MS, backoffMs * 2)), backoffMs, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            log.error("markers of {} failed; retrying", job.transactionalId(), e);
            thread.schedule(() -> attempt(job, MAX_BACKOFF_MS), MAX_BACKOFF_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** One request to one leader; false when a leader reports this coordinator fenced. */
    private boolean sendTo(int brokerId, List<TopicPartition> partitions, Job job) {
        Map<String, List<Integer>> byTopic = new HashMap<>();
        partitions.forEach(tp -> byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(tp.partition()));
        List<WriteTxnMarkersRequest.WritableTxnMarkerTopic> topics = new ArrayList<>();
        byTopic.forEach((t, ps) -> topics.add(new WriteTxnMarkersRequest.WritableTxnMarkerTopic().setName(t)
                .setPartitionIndexes(ps)));
        WriteTxnMarkersRequest request = new WriteTxnMarkersRequest().setMarkers(List.of(
                new WriteTxnMarkersRequest.WritableTxnMarker().setProducerId(job.producerId())
                        .setProducerEpoch(job.producerEpoch()).setTransactionResult(job.commit()).setTopics(topics)
                        .setCoordinatorEpoch(job.coordinatorEpoch())));
        WriteTxnMarkersResponse response;
        try {
            response = (WriteTxnMarkersResponse) connections.to(brokerId).call(ApiKey.WRITE_TXN_MARKERS, (short) 1, request);
        } catch (IOException e) {
            log.info("markers of {} to broker {} failed, retrying: {}", job.transactionalId(), brokerId, e.toString());
            return true;
        }
        Set<String> retried = new HashSet<>();
        for (WriteTxnMarkersResponse.WritableTxnMarkerResult m : response.markers()) {
            for (WriteTxnMarkersResponse.WritableTxnMarkerTopicResult t : m.topics()) {
                for (WriteTxnMarkersResponse.WritableTxnMarkerPartitionResult p : t.partitions()) {
                    ErrorCode error = ErrorCode.forCode(p.errorCode());
                    TopicPartition tp = new TopicPartition(t.name(), p.partitionIndex());
                    switch (error) {
                        case NONE, INVALID_PRODUCER_EPOCH -> job.remaining().remove(tp);
                        case TRANSACTION_COORDINATOR_FENCED -> {
                            log.warn("markers of {} stop: broker {} has markers of a newer coordinator for {}",
                                    job.transactionalId(), brokerId, tp);
                            return false;
                        }
                        default -> retried.add(tp + " " + error);
                    }
                }
            }
        }
        if (!retried.isEmpty()) {
            log.debug("markers of {} to be retried: {}", job.transactionalId(), retried);
        }
        return true;
    }


    void close() {
        connections.close();
    }
}

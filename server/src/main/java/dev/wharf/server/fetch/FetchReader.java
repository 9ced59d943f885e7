package dev.wharf.server.fetch;

import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.logstore.AbortedTxn;
import dev.wharf.logstore.LeaderEpochCache;
import dev.wharf.logstore.ReadResult;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.FetchSessions;
import dev.wharf.server.replica.Partition;
import dev.wharf.server.replica.ReplicaManager;
import dev.wharf.wire.message.FetchRequest;
import dev.wharf.wire.message.FetchResponse;
import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.FileRecords;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the partitions of one fetch (as its session sees them) into a response, within the
 * request's limits as Kafka applies them (KIP-74): the response holds at most {@code max_bytes},
 * and a partition at most its {@code partition_max_bytes}, except that the first batch of the first
 * partition with data is returned whole even when larger, so a consumer always progresses. After
 * that, a partition's data is included only while it fits in what is left.
 *
 * <p>In an incremental session only partitions with news go into the response. Reading locates
 * batches and takes file slices; no record bytes are read. Not thread-safe: one read at a time,
 * which the delayed fetch's monitor ensures.
 */
final class FetchReader {
    private static final Logger log = LoggerFactory.getLogger(FetchReader.class);

    /** A response as read, and what sending it tells the session ({@code tell}: run once, when sent). */
    record Answer(FetchResponse response, long bytes, boolean hasErrors, Runnable tell) {
        FetchResponse told() {
            tell.run();
            return response;
        }

        /** Gives up a read that will not be sent: its file slices let go of their segment files. */
        void discard() {
            release(response.responses());
        }
    }

    private final ZkMetadataStore metadata;
    private final ReplicaManager replicas;
    private final FetchSessions sessions;
    private final FetchRequest request;
    private final FetchSessions.Context context;
    /** The follower fetching, or -1 for a consumer. */
    private final int replicaId;
    /** A read_committed consumer (isolation level 1): reads stop at the last stable offset. */
    private final boolean readCommitted;

    /** The request's version: from 11 a consumer may read from a follower (KIP-392). */
    private final short version;
    private final ReadReplicaSelector selector;
    private final int selfId;
    /** Whether the fetcher may read a topic (by name): TOPIC_AUTHORIZATION_FAILED where not. */
    private final Predicate<String> mayRead;

    FetchReader(ZkMetadataStore metadata, ReplicaManager replicas, FetchSessions sessions, FetchRequest request,
            FetchSessions.Context context, short version, ReadReplicaSelector selector, int selfId,
            Predicate<String> mayRead) {
        this.mayRead = mayRead;
        this.version = version;
        this.selector = selector;
        this.selfId = selfId;
        this.metadata = metadata;
        this.replicas = replicas;
        this.sessions = sessions;
        this.request = request;
        this.context = context;
        this.replicaId = replicaIdOf(request);
        this.readCommitted = replicaId < 0 && request.isolationLevel() == 1;
    }

    /** The broker a fetch comes from as a follower (v15+ in ReplicaState, before in ReplicaId), -1 for a consumer. */
    static int replicaIdOf(FetchRequest request) {
        if (request.replicaId() >= 0) {
            return request.replicaId();
        }
        return request.replicaState() != null ? request.replicaState().replicaId() : -1;
    }

    boolean fromFollower() {
        return replicaId >= 0;
    }

    /** The partitions whose high watermark moving may let this fetch complete. */
    List<TopicPartition> watchedPartitions() {
        List<TopicPartition> watched = new ArrayList<>();
        for (FetchSessions.Wanted w : context.partitions()) {
            resolve(w).ifPresent(topic -> watched.add(new TopicPartition(topic.name(), w.partition)));
        }
        return watched;
    }

    private Optional<TopicInfo> resolve(FetchSessions.Wanted w) {
        return w.topic.isEmpty() ? metadata.topic(w.topicId) : metadata.topic(w.topic);
    }

    /** Whether the fetcher may read {@code w}'s topic; an unknown topic id is left to the lookup (UNKNOWN_TOPIC_ID). */
    private boolean authorized(FetchSessions.Wanted w) {
        String name = w.topic.isEmpty() ? resolve(w).map(TopicInfo::name).orElse(null) : w.topic;
        return name == null || mayRead.test(name);
    }

    /** Reads every partition; a failure part-way lets go of the slices already taken. */
    Answer read() {
        LinkedHashMap<String, FetchResponse.FetchableTopicResponse> topics = new LinkedHashMap<>();
        try {
            return read(topics);
        } catch (RuntimeException e) {
            release(topics.values());
            throw e;
        }
    }

    /**
     * Whether a follower's log went past where it agrees with this one (KIP-320): its last epoch
     * ends here before its log does. Returns where this log's epoch ends, or null when they agree.
     */
    private static FetchResponse.EpochEndOffset divergence(Partition partition, FetchSessions.Wanted w) {
        int lastFetchedEpoch = w.lastFetchedEpoch();
        if (lastFetchedEpoch < 0) {
            return null;
        }
        LeaderEpochCache.EpochEndOffset end = partition.endOffsetForEpoch(lastFetchedEpoch);
        if (end.epoch() < lastFetchedEpoch || end.endOffset() < w.fetchOffset()) {
            return new FetchResponse.EpochEndOffset().setEpoch(end.epoch()).setEndOffset(end.endOffset());
        }
        return null;
    }

    /** The aborted transactions with records from {@code from} up to {@code upTo}, for the client to drop. */
    private static List<FetchResponse.AbortedTransaction> abortedIn(Partition partition, long from, long upTo) {
        List<FetchResponse.AbortedTransaction> out = new ArrayList<>();
        for (AbortedTxn t : partition.abortedTransactions(from, upTo)) {
            out.add(new FetchResponse.AbortedTransaction().setProducerId(t.producerId()).setFirstOffset(t.firstOffset()));
        }
        return out;
    }

    private static void release(Iterable<FetchResponse.FetchableTopicResponse> topics) {
        for (FetchResponse.FetchableTopicResponse t : topics) {
            for (FetchResponse.PartitionData p : t.partitions()) {
                if (p.records() instanceof FileRecords f) {
                    f.release();
                }
            }
        }
    }

    private Answer read(LinkedHashMap<String, FetchResponse.FetchableTopicResponse> topics) {
        long budget = request.maxBytes() > 0 ? request.maxBytes() : Integer.MAX_VALUE;
        long total = 0;
        boolean errors = false;
        List<FetchSessions.Wanted> served = new ArrayList<>();
        List<Runnable> told = new ArrayList<>();
        for (FetchSessions.Wanted w : context.partitions()) {
            FetchResponse.PartitionData pd = new FetchResponse.PartitionData().setPartitionIndex(w.partition)
                    .setRecords(new BufferRecords(Unpooled.EMPTY_BUFFER));
            boolean followerReads = !fromFollower() && version >= 11;
            ReplicaManager.Lookup leader = !authorized(w)
                    ? new ReplicaManager.Lookup(null, ErrorCode.TOPIC_AUTHORIZATION_FAILED)
                    : followerReads ? replicas.readable(resolve(w), w.partition, w.currentLeaderEpoch(), w.topic.isEmpty())
                    : replicas.leader(resolve(w), w.partition, w.currentLeaderEpoch(), w.topic.isEmpty());
            boolean news;
            if (!leader.found()) {
                pd.setErrorCode(leader.error().code).setHighWatermark(-1).setLastStableOffset(-1);
                errors = true;
                news = true;
            } else {
                Partition partition = leader.partition();
                long hw = partition.highWatermark();
                long start = partition.logStartOffset();
                long lso = partition.lastStableOffset();
                pd.setHighWatermark(hw).setLastStableOffset(lso).setLogStartOffset(start);
                boolean hasData = false;
                long left = budget - total;
                int maxBytes = (int) Math.min(w.maxBytes(), left);
                FetchResponse.EpochEndOffset diverging = fromFollower() ? divergence(partition, w) : null;
                int readFrom = followerReads && partition.isLeader()
                        ? selector.preferredFor(partition, selfId, request.rackId()) : -1;
                if (readFrom >= 0) {
                    // the consumer has a replica in its rack: it reads there from now on (KIP-392)
                    pd.setPreferredReadReplica(readFrom);
                    errors = true; // answered at once
                    hasData = true;
                } else if (diverging != null) {
                    // the follower's log went past where it agrees with this one: it truncates, then fetches again
                    pd.setDivergingEpoch(diverging);
                    errors = true; // answered at once, like an error: waiting would not change it
                    hasData = true;
                } else if (fromFollower() && !partition.followerFetched(replicaId, w.fetchOffset(), System.currentTimeMillis())) {
                    pd.setErrorCode(ErrorCode.NOT_LEADER_OR_FOLLOWER.code); // not a replica of this partition
                    errors = true;
                    hasData = true;
                } else if (fromFollower() && replicas.throttles().leaderHoldsBack(partition, replicaId, System.currentTimeMillis())) {
                    // over the leader replication throttle: this follower gets no records of it this time
                } else if (total == 0 || maxBytes > 0) {
                    ReadResult r;
                    try {
                        r = fromFollower() ? partition.readForFollower(w.fetchOffset(), Math.max(1, maxBytes))
                                : readCommitted ? partition.readCommitted(w.fetchOffset(), Math.max(1, maxBytes))
                                : partition.read(w.fetchOffset(), Math.max(1, maxBytes));
                    } catch (RuntimeException e) { // as Kafka: this partition answers the error, the others are served
                        r = null;
                        log.error("reading {} at offset {} for a fetch failed", partition.topicPartition(), w.fetchOffset(), e);
                        pd.setErrorCode(partition.meters().failedFetch(ErrorCode.forException(e)).code);
                        errors = true;
                        hasData = true;
                    }
                    if (r instanceof ReadResult.OutOfRange) {
                        pd.setErrorCode(ErrorCode.OFFSET_OUT_OF_RANGE.code);
                        errors = true;
                        hasData = true;
                    } else if (r instanceof ReadResult.Batches b) {
                        if (total == 0 || b.slice().length() <= maxBytes) {
                            // the records own the slice's reference from here: sent, or released by discard()
                            pd.setRecords(new FileRecords(b.slice().channel(), b.slice().position(), b.slice().length(),
                                    b.slice()));
                            total += b.slice().length();
                            hasData = true;
                            if (fromFollower()) {
                                replicas.throttles().sentToFollower(partition, replicaId, b.slice().length(),
                                        System.currentTimeMillis());
                            }
                            served.add(w);
                            if (readCommitted) {
                                pd.setAbortedTransactions(abortedIn(partition, w.fetchOffset(), lso));
                            }
                        } else {
                            // past the first partition with data, a first batch larger than what is left stays out
                            b.slice().release();
                        }
                    }
                }
                news = !context.incremental() || w.hasNews(hw, start, hasData);
                long sent = pd.records() instanceof FileRecords f ? f.sizeInBytes() : 0;
                boolean toFollower = fromFollower();
                // counted when the answer goes out (told), not for reads a waiting fetch discards;
                // partitions an incremental answer leaves out are not counted
                if (news) {
                    told.add(() -> {
                        w.sent(hw, start);
                        partition.meters().fetched(sent, toFollower);
                    });
                }
            }
            if (news) {
                topics.computeIfAbsent(w.topic + "/" + w.topicId, k -> new FetchResponse.FetchableTopicResponse()
                        .setTopic(w.topic).setTopicId(w.topicId).setPartitions(new ArrayList<>()))
                        .partitions().add(pd);
            }
        }
        Runnable tell = () -> {
            told.forEach(Runnable::run);
            // as in Kafka, only incremental responses reorder a session; the full fetch that made it keeps its order
            if (context.incremental() && !served.isEmpty()) {
                sessions.servedRecords(context.sessionId(), served);
            }
        };
        return new Answer(new FetchResponse().setSessionId(context.sessionId())
                .setResponses(new ArrayList<>(topics.values())), total, errors, tell);
    }
}

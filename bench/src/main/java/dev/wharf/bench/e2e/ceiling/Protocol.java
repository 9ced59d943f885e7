package dev.wharf.bench.e2e.ceiling;

import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.Readable;

/**
 * What the ceiling server says: one node (itself, id 0, leader of everything), one topic with one
 * partition, and the four requests a plain consumer sends. The versions advertised are those this
 * class answers: the small messages in every version kafka-clients can write (from the oldest it
 * still knows), Fetch from 4 to 11, the versions {@link FetchAnswer} writes by hand (the last ones
 * before the flexible encoding; a client without topic ids picks 11 or lower anyway). It also lists
 * Produce v3, without answering it, for librdkafka's sake (see {@link #apiVersions}).
 */
final class Protocol {
    static final short FETCH_MIN = 4;
    static final short FETCH_MAX = 11;
    private static final short API_VERSIONS_MAX = 3;
    private static final short PRODUCE_LISTED = 3;
    private static final int NODE = 0;
    /** How long an empty fetch is held at most (a broker holds it up to the request's max wait). */
    private static final int EMPTY_FETCH_WAIT_MS = 500;

    /** One partition's part of a fetch answer. */
    record PartitionAnswer(String topic, int partition, short error, long highWatermark, long logStartOffset,
            SegmentedLog.Slice records) {
    }

    private final String topic;
    private final int partition;
    private final int port;
    private final SegmentedLog log;
    private final Uuid topicId = Uuid.randomUuid();

    Protocol(String topic, int partition, int port, SegmentedLog log) {
        this.topic = topic;
        this.partition = partition;
        this.port = port;
        this.log = log;
    }

    int port() {
        return port;
    }

    boolean supports(ApiKeys api, short version) {
        return switch (api) {
            case API_VERSIONS -> version >= 0 && version <= API_VERSIONS_MAX;
            case METADATA, LIST_OFFSETS -> version >= api.oldestVersion() && version <= api.latestVersion();
            case FETCH -> version >= FETCH_MIN && version <= FETCH_MAX;
            default -> false;
        };
    }

    ApiVersionsResponseData apiVersions(boolean requestedVersionKnown) {
        ApiVersionsResponseData data = new ApiVersionsResponseData()
                .setErrorCode(requestedVersionKnown ? Errors.NONE.code() : Errors.UNSUPPORTED_VERSION.code());
        data.apiKeys().add(version(ApiKeys.API_VERSIONS, (short) 0, API_VERSIONS_MAX));
        data.apiKeys().add(version(ApiKeys.METADATA, ApiKeys.METADATA.oldestVersion(), ApiKeys.METADATA.latestVersion()));
        data.apiKeys().add(version(ApiKeys.LIST_OFFSETS, ApiKeys.LIST_OFFSETS.oldestVersion(), ApiKeys.LIST_OFFSETS.latestVersion()));
        data.apiKeys().add(version(ApiKeys.FETCH, FETCH_MIN, FETCH_MAX));
        // never answered (a consumer does not produce), but librdkafka enables record batches (magic 2, its "MsgVer2"
        // feature) only for a broker that lists both Produce v3 and Fetch v4, and fetches nothing otherwise
        data.apiKeys().add(version(ApiKeys.PRODUCE, PRODUCE_LISTED, PRODUCE_LISTED));
        return data;
    }

    private static ApiVersionsResponseData.ApiVersion version(ApiKeys api, short min, short max) {
        return new ApiVersionsResponseData.ApiVersion().setApiKey(api.id).setMinVersion(min).setMaxVersion(max);
    }

    MetadataResponseData metadata(Readable request, short version) {
        MetadataRequestData asked = new MetadataRequestData(request, version);
        MetadataResponseData data = new MetadataResponseData().setClusterId("sendfile-ceiling").setControllerId(NODE);
        data.brokers().add(new MetadataResponseData.MetadataResponseBroker().setNodeId(NODE).setHost("127.0.0.1").setPort(port));
        List<String> names = asked.topics() == null ? List.of(topic) : asked.topics().stream().map(MetadataRequestData.MetadataRequestTopic::name).toList();
        for (String name : names) {
            MetadataResponseData.MetadataResponseTopic t = new MetadataResponseData.MetadataResponseTopic().setName(name).setIsInternal(false);
            if (topic.equals(name)) {
                // topic ids from v10 and leader epochs from v7 on; older versions must not carry them
                t.setTopicId(version >= 10 ? topicId : Uuid.ZERO_UUID).setPartitions(List.of(new MetadataResponseData.MetadataResponsePartition()
                        .setPartitionIndex(partition).setLeaderId(NODE).setLeaderEpoch(version >= 7 ? 0 : -1).setReplicaNodes(List.of(NODE))
                        .setIsrNodes(List.of(NODE))));
            } else {
                t.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            }
            data.topics().add(t);
        }
        return data;
    }

    /** Earliest (-2) is the first batch's base offset; latest (-1), and anything else, the high watermark. */
    ListOffsetsResponseData listOffsets(Readable request, short version) {
        ListOffsetsRequestData asked = new ListOffsetsRequestData(request, version);
        ListOffsetsResponseData data = new ListOffsetsResponseData();
        for (ListOffsetsRequestData.ListOffsetsTopic t : asked.topics()) {
            ListOffsetsResponseData.ListOffsetsTopicResponse answer = new ListOffsetsResponseData.ListOffsetsTopicResponse().setName(t.name());
            for (ListOffsetsRequestData.ListOffsetsPartition p : t.partitions()) {
                ListOffsetsResponseData.ListOffsetsPartitionResponse r = new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                        .setPartitionIndex(p.partitionIndex()).setTimestamp(-1);
                if (!ours(t.name(), p.partitionIndex())) {
                    r.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                } else {
                    r.setOffset(p.timestamp() == -2 ? log.logStartOffset() : log.highWatermark());
                    if (version >= 4) {
                        r.setLeaderEpoch(0); // a field of v4 and later only
                    }
                }
                answer.partitions().add(r);
            }
            data.topics().add(answer);
        }
        return data;
    }

    /**
     * The batches each requested partition has from its fetch offset, within the partition's and
     * the request's byte limits. A fetch with nothing to send is held up to its max wait (at most
     * {@value #EMPTY_FETCH_WAIT_MS} ms), so that a client at the end of the log does not spin.
     */
    List<PartitionAnswer> fetch(Readable request, short version) throws InterruptedException {
        FetchRequestData asked = new FetchRequestData(request, version);
        List<PartitionAnswer> answers = new ArrayList<>();
        long budget = asked.maxBytes() > 0 ? asked.maxBytes() : Integer.MAX_VALUE;
        boolean any = false;
        for (FetchRequestData.FetchTopic t : asked.topics()) {
            for (FetchRequestData.FetchPartition p : t.partitions()) {
                if (!ours(t.topic(), p.partition())) {
                    answers.add(new PartitionAnswer(t.topic(), p.partition(), Errors.UNKNOWN_TOPIC_OR_PARTITION.code(), -1, -1,
                            SegmentedLog.Slice.EMPTY));
                    continue;
                }
                int limit = (int) Math.min(p.partitionMaxBytes(), budget);
                SegmentedLog.Slice slice = !any || budget > 0 ? log.read(p.fetchOffset(), Math.max(limit, 1)) : SegmentedLog.Slice.EMPTY;
                budget -= slice.size();
                any |= slice.size() > 0;
                answers.add(new PartitionAnswer(t.topic(), p.partition(), Errors.NONE.code(), log.highWatermark(), log.logStartOffset(), slice));
            }
        }
        if (!any && asked.maxWaitMs() > 0) {
            Thread.sleep(Math.min(asked.maxWaitMs(), EMPTY_FETCH_WAIT_MS));
        }
        return answers;
    }

    private boolean ours(String name, int p) {
        return topic.equals(name) && partition == p;
    }
}

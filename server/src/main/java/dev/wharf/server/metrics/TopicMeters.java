package dev.wharf.server.metrics;

/**
 * Kafka's {@code kafka.server:type=BrokerTopicMetrics} meters of one topic (or, for {@link
 * BrokerTopicMetrics#allTopics}, of all topics: no topic tag, and the replication meters, which
 * Kafka keeps for all topics only). Each record call marks the topic's meter and the all-topics
 * one. A partition resolves its topic's meters once, when it opens, and keeps them; recording
 * allocates nothing. {@link #NONE} records nothing (partitions made without a broker: tools, tests).
 * Thread-safe.
 */
public final class TopicMeters {
    public static final TopicMeters NONE = new TopicMeters(null, null, null);

    final KafkaMeter messagesIn;
    final KafkaMeter bytesIn;
    final KafkaMeter bytesOut;
    final KafkaMeter bytesRejected;
    final KafkaMeter totalProduceRequests;
    final KafkaMeter totalFetchRequests;
    final KafkaMeter failedProduceRequests;
    final KafkaMeter failedFetchRequests;
    final KafkaMeter produceMessageConversions;
    final KafkaMeter fetchMessageConversions;
    /** All topics only: replication is counted broker-wide, as in Kafka. */
    final KafkaMeter replicationBytesIn;
    final KafkaMeter replicationBytesOut;
    /** The all-topics meters this topic's records also go to; null for the all-topics ones. */
    private final TopicMeters all;

    /** @param topic null for the all-topics meters */
    TopicMeters(MetricsRegistry registry, String topic, TopicMeters all) {
        this.all = all;
        if (registry == null) {
            messagesIn = bytesIn = bytesOut = bytesRejected = totalProduceRequests = totalFetchRequests = null;
            failedProduceRequests = failedFetchRequests = produceMessageConversions = fetchMessageConversions = null;
            replicationBytesIn = replicationBytesOut = null;
            return;
        }
        messagesIn = registry.meter(name("MessagesInPerSec", topic), "messages");
        bytesIn = registry.meter(name("BytesInPerSec", topic), "bytes");
        bytesOut = registry.meter(name("BytesOutPerSec", topic), "bytes");
        bytesRejected = registry.meter(name("BytesRejectedPerSec", topic), "bytes");
        totalProduceRequests = registry.meter(name("TotalProduceRequestsPerSec", topic), "requests");
        totalFetchRequests = registry.meter(name("TotalFetchRequestsPerSec", topic), "requests");
        failedProduceRequests = registry.meter(name("FailedProduceRequestsPerSec", topic), "requests");
        failedFetchRequests = registry.meter(name("FailedFetchRequestsPerSec", topic), "requests");
        produceMessageConversions = registry.meter(name("ProduceMessageConversionsPerSec", topic), "requests");
        fetchMessageConversions = registry.meter(name("FetchMessageConversionsPerSec", topic), "requests");
        replicationBytesIn = topic == null ? registry.meter(name("ReplicationBytesInPerSec", null), "bytes") : null;
        replicationBytesOut = topic == null ? registry.meter(name("ReplicationBytesOutPerSec", null), "bytes") : null;
    }

    static MetricName name(String name, String topic) {
        return topic == null ? MetricName.of("kafka.server", "BrokerTopicMetrics", name)
                : MetricName.of("kafka.server", "BrokerTopicMetrics", name, "topic", topic);
    }

    private boolean records() {
        return MetricsRegistry.RECORDING && messagesIn != null;
    }

    /** A batch appended as leader: its bytes and records (Kafka counts them where the leader appends). */
    public void appended(long bytes, long messages) {
        if (!records()) {
            return;
        }
        bytesIn.mark(bytes);
        messagesIn.mark(messages);
        all.bytesIn.mark(bytes);
        all.messagesIn.mark(messages);
    }

    /** A produce request's partition of this topic, whatever became of it. */
    public void produceRequest() {
        if (records()) {
            totalProduceRequests.mark();
            all.totalProduceRequests.mark();
        }
    }

    /** A produce to this topic that failed unexpectedly (UNKNOWN_SERVER_ERROR; not a storage error, as in Kafka). */
    public void failedProduce() {
        if (records()) {
            failedProduceRequests.mark();
            all.failedProduceRequests.mark();
        }
    }

    /**
     * A fetch's read of this topic's partition failed with {@code error}, which the partition answers
     * (returned): counted as failed when unexpected (UNKNOWN_SERVER_ERROR), as Kafka counts it; not for
     * the errors a fetch expects (out of range, not leader, storage errors).
     */
    public dev.wharf.server.ErrorCode failedFetch(dev.wharf.server.ErrorCode error) {
        if (records() && error == dev.wharf.server.ErrorCode.UNKNOWN_SERVER_ERROR) {
            failedFetchRequests.mark();
            all.failedFetchRequests.mark();
        }
        return error;
    }

    /** A batch refused (too large, corrupt, invalid): its bytes. */
    public void rejected(long bytes) {
        if (records()) {
            bytesRejected.mark(bytes);
            all.bytesRejected.mark(bytes);
        }
    }

    /** A fetch's partition of this topic answered, with {@code bytes} of records; to a follower, replication. */
    public void fetched(long bytes, boolean toFollower) {
        if (!records()) {
            return;
        }
        totalFetchRequests.mark();
        all.totalFetchRequests.mark();
        if (toFollower) {
            all.replicationBytesOut.mark(bytes);
        } else {
            bytesOut.mark(bytes);
            all.bytesOut.mark(bytes);
        }
    }

    /** Bytes a follower copied from its leader and appended. */
    public void replicated(long bytes) {
        if (records()) {
            all.replicationBytesIn.mark(bytes);
        }
    }
}

package dev.wharf.server.replica;

import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.purgatory.DelayedOperationPurgatory;
import io.netty.util.Timer;

/**
 * Where requests wait on partitions, by what wakes them: consumer fetches on the high watermark,
 * follower fetches on the log end (new records to copy), and acks=all writes on the high watermark
 * or the ISR ({@link ReplicationWait}).
 */
public record PartitionWaiters(DelayedOperationPurgatory<TopicPartition> fetches,
        DelayedOperationPurgatory<TopicPartition> followerFetches,
        DelayedOperationPurgatory<TopicPartition> replication) {

    public static PartitionWaiters on(Timer timer) {
        return new PartitionWaiters(new DelayedOperationPurgatory<>("fetch", timer),
                new DelayedOperationPurgatory<>("follower-fetch", timer), new DelayedOperationPurgatory<>("replication", timer));
    }

    /** Answers everything waiting on a partition (it is going away, or its leadership changed). */
    void completeAll(TopicPartition tp) {
        fetches.completeAll(tp);
        followerFetches.completeAll(tp);
        replication.completeAll(tp);
    }
}

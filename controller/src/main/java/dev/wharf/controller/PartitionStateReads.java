package dev.wharf.controller;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;

/**
 * Reads the states of many partitions of a topic at once: every read is sent before the first
 * answer is awaited, so they cost about one round trip to ZooKeeper instead of one each (read one
 * by one, the 10,000 states of a new topic set took seconds of the time to create it).
 */
final class PartitionStateReads {
    /** How long all the answers may take; the reads are retried by Curator meanwhile. */
    private static final long TIMEOUT_MS = 60_000;

    private PartitionStateReads() {}

    /**
     * The state of each partition in {@code assigned} (in its order), each with its znode version as
     * the partition epoch and its replicas as {@code assigned} has them. Throws the error of the first
     * read that failed (NoNode when a state is gone). Not on ZooKeeper's event thread, which answers them.
     */
    static List<TopicInfo.PartitionInfo> read(CuratorFramework zk, String topic, List<TopicInfo.PartitionInfo> assigned)
            throws Exception {
        int n = assigned.size();
        TopicInfo.PartitionInfo[] states = new TopicInfo.PartitionInfo[n];
        Exception[] failures = new Exception[n];
        CountDownLatch answered = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            int slot = i;
            TopicInfo.PartitionInfo a = assigned.get(i);
            String path = ZkData.partitionState(topic, a.partition());
            zk.getData().inBackground((client, event) -> {
                try {
                    KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                    if (code == KeeperException.Code.OK) {
                        states[slot] = ZkData.partitionState(a, event.getData(), event.getStat().getVersion());
                    } else {
                        failures[slot] = KeeperException.create(code, path);
                    }
                } catch (RuntimeException e) {
                    failures[slot] = e; // a state this broker cannot parse
                } finally {
                    answered.countDown();
                }
            }).forPath(path);
        }
        if (!answered.await(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
            throw new KeeperException.OperationTimeoutException();
        }
        for (Exception failure : failures) {
            if (failure != null) {
                throw failure;
            }
        }
        return Arrays.asList(states);
    }
}

package dev.wharf.controller;

import org.apache.curator.framework.CuratorFramework;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * Producer ids no other broker and no earlier run has handed out: any broker claims blocks of
 * 1000 at {@code /latest_producer_id_block} with a znode version check (not the controller epoch:
 * every broker serves InitProducerId), so ids stay unique across brokers and restarts.
 *
 * <p>Threads: {@link #next()} must run on {@code wharf-zk-events} (the facade hands it there),
 * the only thread that touches the current block.
 */
final class ProducerIdBlocks {
    private static final int BLOCK_SIZE = 1000;

    private final CuratorFramework zk;
    private final int brokerId;
    private long next;
    private long blockEnd = -1;

    ProducerIdBlocks(ZkSession session) {
        this.zk = session.client();
        this.brokerId = session.self().id();
    }

    long next() throws Exception {
        while (next > blockEnd) {
            claimBlock();
        }
        return next++;
    }

    private void claimBlock() throws Exception {
        Stat stat = new Stat();
        long start;
        try {
            start = ZkData.producerIdBlockEnd(zk.getData().storingStatIn(stat).forPath(ZkData.PRODUCER_ID_BLOCK)) + 1;
        } catch (KeeperException.NoNodeException e) {
            stat = null;
            start = 0;
        }
        byte[] block = ZkData.producerIdBlock(brokerId, start, start + BLOCK_SIZE - 1);
        try {
            if (stat == null) {
                zk.create().forPath(ZkData.PRODUCER_ID_BLOCK, block);
            } else {
                zk.setData().withVersion(stat.getVersion()).forPath(ZkData.PRODUCER_ID_BLOCK, block);
            }
            next = start;
            blockEnd = start + BLOCK_SIZE - 1;
        } catch (KeeperException.NodeExistsException | KeeperException.BadVersionException e) {
            // another broker claimed a block meanwhile: the caller reads again
        }
    }
}

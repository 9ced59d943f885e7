package dev.wharf.server;

import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.config.BrokerKeys;
import java.util.HashSet;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Controlled shutdown, as Kafka's: the controller is told (a ZooKeeper node) and moves this
 * broker's leadership to other in-sync replicas and takes it out of the ISRs, so clients move on
 * with retriable errors and acks=all stops waiting for it, before anything closes. {@link #run}
 * waits until the broker leads no partition another live in-sync replica could lead, for at most
 * {@code controlled.shutdown.max.retries} x {@code controlled.shutdown.retry.backoff.ms}.
 *
 * <p>Threads: the thread stopping the broker.
 */
final class ControlledShutdown {
    private static final Logger log = LoggerFactory.getLogger(ControlledShutdown.class);

    private final BrokerConfig config;
    private final ZkMetadataStore metadata;

    ControlledShutdown(BrokerConfig config, ZkMetadataStore metadata) {
        this.config = config;
        this.metadata = metadata;
    }

    void run() {
        try {
            if (metadata.liveBrokers().size() <= 1) {
                return; // alone: there is nowhere to move to
            }
            long start = System.currentTimeMillis();
            metadata.announceShutdown(config.brokerId());
            long deadline = start + config.get(BrokerKeys.CONTROLLED_SHUTDOWN_MAX_RETRIES)
                    * config.get(BrokerKeys.CONTROLLED_SHUTDOWN_RETRY_BACKOFF_MS);
            int movable;
            while ((movable = movableLeaderships()) > 0 && System.currentTimeMillis() < deadline) {
                Thread.sleep(50); // the controller's writes arrive through the metadata cache
            }
            if (movable > 0) {
                log.warn("controlled shutdown: still leading {} partitions after {} ms; stopping anyway", movable,
                        System.currentTimeMillis() - start);
            } else {
                log.info("controlled shutdown: leadership moved in {} ms", System.currentTimeMillis() - start);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("controlled shutdown failed; stopping anyway: {}", e.toString());
        }
    }

    /** Partitions this broker leads that another live, in-sync broker not shutting down could lead. */
    private int movableLeaderships() throws Exception {
        Set<Integer> others = new HashSet<>();
        metadata.liveBrokers().forEach(b -> others.add(b.id()));
        others.remove(config.brokerId());
        others.removeAll(metadata.shuttingDown());
        int movable = 0;
        for (TopicInfo t : metadata.topics().values()) {
            for (TopicInfo.PartitionInfo p : t.partitions()) {
                if (p.leader() == config.brokerId() && p.isr().stream().anyMatch(others::contains)) {
                    movable++;
                }
            }
        }
        return movable;
    }
}

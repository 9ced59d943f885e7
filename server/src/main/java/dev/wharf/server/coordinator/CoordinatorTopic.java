package dev.wharf.server.coordinator;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.server.replica.Partition;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What a coordinator needs of its internal topic: its partitions, the ones this broker leads, and
 * which broker coordinates a key. {@link InternalTopic} answers from the broker; tests answer from
 * a directory of logs.
 */
public interface CoordinatorTopic {
    /** How many partitions the topic has; empty before it is created. */
    OptionalInt partitionCount();

    /** The partitions this broker leads. */
    List<Integer> ledPartitions();

    /** A partition this broker leads right now; empty otherwise. */
    Optional<Partition> partition(int partition);

    /** The live broker coordinating {@code key}, creating the topic on first use; empty while there is none. */
    Optional<BrokerInfo> coordinatorFor(String key) throws Exception;

    /** The broker coordinating {@code key} by what is known now (nothing is created); -1 if none. */
    int leaderOf(String key);
}

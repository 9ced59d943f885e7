package dev.wharf.server.group;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A server-side assignor of consumer groups (KIP-848, {@code group.consumer.assignors}): from the
 * members' subscriptions and the partition counts of the topics they subscribe to, the target
 * assignment of every member. Pure: no clock, no I/O, deterministic for the same input.
 * Implementations are stateless; any thread.
 */
interface ConsumerAssignor {
    /** The name members ask for in {@code group.remote.assignor} ("uniform", "range"). */
    String name();

    /**
     * @param members every member, in a stable order, with the topics it subscribes to and its
     *     current target (so an assignor can keep partitions where they are)
     * @param partitionCounts the partition count of each subscribed topic that exists
     * @return each member's target: topic to partitions (every member id present, maybe empty)
     */
    Map<String, Map<String, Set<Integer>>> assign(List<Subscriber> members, Map<String, Integer> partitionCounts);

    /** A member as an assignor sees it. */
    record Subscriber(String memberId, String instanceId, Set<String> topics, Map<String, Set<Integer>> current) {}

    /** The assignor with this name, from the broker's list (short names or Kafka's class names). */
    static ConsumerAssignor named(String name) {
        return switch (name.trim()) {
            case "uniform", "org.apache.kafka.coordinator.group.assignor.UniformAssignor" -> new UniformAssignor();
            case "range", "org.apache.kafka.coordinator.group.assignor.RangeAssignor" -> new RangeAssignor();
            default -> null;
        };
    }
}

package dev.wharf.server.replica;

/**
 * Reads the topic configs {@code leader.replication.throttled.replicas} and
 * {@code follower.replication.throttled.replicas}: {@code partition:broker} pairs separated by
 * commas, or {@code *} for every replica. A broker throttles a partition when the list names that
 * partition with its own id (as Kafka reads them: the leader list names the replicas that send,
 * the follower list those that copy). Stateless.
 */
public final class ThrottledReplicas {
    private ThrottledReplicas() {}

    public static boolean listed(String config, int partition, int brokerId) {
        if (config == null || config.isBlank()) {
            return false;
        }
        String wanted = partition + ":" + brokerId;
        for (String entry : config.split(",")) {
            String e = entry.trim();
            if (e.equals("*") || e.equals(wanted)) {
                return true;
            }
        }
        return false;
    }
}

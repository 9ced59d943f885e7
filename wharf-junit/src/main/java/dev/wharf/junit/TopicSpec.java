package dev.wharf.junit;

/**
 * A topic to create, from {@code name}, {@code name:partitions} or
 * {@code name:partitions:replicationFactor}; a missing replication factor is as many replicas as
 * brokers, up to 3. Immutable.
 */
record TopicSpec(String name, int partitions, int replicationFactor) {
    static TopicSpec parse(String spec, int brokers) {
        String[] parts = spec.trim().split(":");
        if (parts.length > 3 || parts[0].isEmpty()) {
            throw new IllegalArgumentException("topic '" + spec + "' is not name[:partitions[:replicationFactor]]");
        }
        try {
            int partitions = parts.length > 1 ? Integer.parseInt(parts[1]) : 1;
            int replicas = parts.length > 2 ? Integer.parseInt(parts[2]) : Math.min(3, brokers);
            return new TopicSpec(parts[0], partitions, replicas);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("topic '" + spec + "' is not name[:partitions[:replicationFactor]]", e);
        }
    }
}

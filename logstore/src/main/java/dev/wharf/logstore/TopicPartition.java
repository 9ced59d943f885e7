package dev.wharf.logstore;

/** A partition of a topic; its log lives in directory {@code <topic>-<partition>}. */
public record TopicPartition(String topic, int partition) {
    public TopicPartition {
        if (topic == null || topic.isEmpty() || partition < 0) {
            throw new IllegalArgumentException("bad topic partition " + topic + "-" + partition);
        }
    }

    public String dirName() {
        return topic + "-" + partition;
    }

    /** Parses a log directory name; topic names may themselves contain dashes. */
    public static TopicPartition fromDirName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            throw new IllegalArgumentException("not a partition directory: " + name);
        }
        try {
            return new TopicPartition(name.substring(0, dash), Integer.parseInt(name.substring(dash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a partition directory: " + name);
        }
    }

    @Override
    public String toString() {
        return dirName();
    }
}

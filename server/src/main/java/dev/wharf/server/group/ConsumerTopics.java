package dev.wharf.server.group;

import java.util.Collection;

/**
 * The topics consumer groups subscribe to, as the broker's metadata knows them at the moment of
 * the call: looked up by name for subscriptions by name, listed only when a regular expression
 * must be evaluated (internal topics left out of the list). Implementations answer on any thread.
 */
public interface ConsumerTopics {
    /** The topic's partition count; -1 when there is no such topic. */
    int partitions(String topic);

    /** Every topic a regular expression may match: all but the internal ones. */
    Collection<String> names();
}

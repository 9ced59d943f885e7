package dev.wharf.server.group;

/** The states of a classic group, named as Kafka's ListGroups and DescribeGroups name them. Immutable. */
public enum GroupState {
    EMPTY("Empty"),
    PREPARING_REBALANCE("PreparingRebalance"),
    COMPLETING_REBALANCE("CompletingRebalance"),
    STABLE("Stable"),
    DEAD("Dead");

    public final String displayName;

    GroupState(String displayName) {
        this.displayName = displayName;
    }
}

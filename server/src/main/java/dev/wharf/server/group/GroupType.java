package dev.wharf.server.group;

/** The kinds of group a coordinator keeps, named as ListGroups (v5+) names them. */
public enum GroupType {
    CLASSIC("classic"),
    /** KIP-848: members heartbeat, the coordinator assigns. */
    CONSUMER("consumer"),
    /** KIP-932: members share partitions, records acknowledged one by one. */
    SHARE("share"),
    /** KIP-1071: Kafka Streams' tasks assigned by the coordinator. */
    STREAMS("streams");

    public final String displayName;

    GroupType(String displayName) {
        this.displayName = displayName;
    }
}

package dev.wharf.server.group;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.wharf.wire.message.StreamsGroupHeartbeatResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StreamsEndpointsTest {
    // interactive queries: each endpoint's active and standby partitions, task p reading partition p of each input
    // topic that has one (a topic with fewer partitions is not read by the higher tasks)
    @Test
    void partitionsOfEachEndpoint() {
        StreamsGroup g = new StreamsGroup("app", 0);
        g.configured = new StreamsConfiguredTopology(null, null, Map.of("0", 3),
                Map.of("0", List.of("wide", "narrow")), List.of(), Map.of("wide", 3, "narrow", 2));
        StreamsMember withEndpoint = new StreamsMember("m1");
        withEndpoint.userEndpoint = new StreamsMember.Endpoint("host-a", 7000);
        withEndpoint.assigned = new StreamsTasks(Map.of("0", Set.of(1, 2)), Map.of("0", Set.of(0)), Map.of());
        g.members.put("m1", withEndpoint);
        g.members.put("m2", new StreamsMember("m2")); // no endpoint: not listed

        List<StreamsGroupHeartbeatResponse.EndpointToPartitions> out = StreamsEndpoints.partitionsByEndpoint(g);
        assertEquals(1, out.size());
        StreamsGroupHeartbeatResponse.EndpointToPartitions e = out.get(0);
        assertEquals("host-a", e.userEndpoint().host());
        assertEquals(7000, e.userEndpoint().port());
        assertEquals(List.of(new StreamsGroupHeartbeatResponse.TopicPartition().setTopic("narrow").setPartitions(List.of(1)),
                new StreamsGroupHeartbeatResponse.TopicPartition().setTopic("wide").setPartitions(List.of(1, 2))),
                e.activePartitions());
        assertEquals(List.of(new StreamsGroupHeartbeatResponse.TopicPartition().setTopic("narrow").setPartitions(List.of(0)),
                new StreamsGroupHeartbeatResponse.TopicPartition().setTopic("wide").setPartitions(List.of(0))),
                e.standbyPartitions());
    }
}

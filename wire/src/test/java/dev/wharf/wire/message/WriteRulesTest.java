package dev.wharf.wire.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.wire.protocol.InvalidMessageException;
import dev.wharf.wire.protocol.MessageReader;
import dev.wharf.wire.protocol.MessageWriter;
import dev.wharf.wire.protocol.RawTaggedField;
import dev.wharf.wire.protocol.UnsupportedVersionException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The spec's rules on writing: ignorable fields, defaults, nullability and tagged fields. */
class WriteRulesTest {

    private static ByteBuf write(dev.wharf.wire.protocol.Message m, short version) {
        ByteBuf b = Unpooled.buffer();
        m.write(new MessageWriter(b), version);
        return b;
    }

    // A non-default value a version cannot carry fails loudly unless the field is ignorable.
    @Test
    void nonIgnorableFieldAbsentFromVersionFails() {
        // AlterPartitionReassignments AllowReplicationFactorChange (v1+, default true) is not ignorable
        AlterPartitionReassignmentsRequest req =
                new AlterPartitionReassignmentsRequest().setAllowReplicationFactorChange(false);
        UnsupportedVersionException e = assertThrows(UnsupportedVersionException.class, () -> write(req, (short) 0));
        assertTrue(e.getMessage().contains("allowReplicationFactorChange"), e.getMessage());
        write(req.setAllowReplicationFactorChange(true), (short) 0); // the default is fine
        // ProduceRequest TopicData.Name is ignorable: dropped silently at v13 (topic ids)
        ProduceRequest produce = new ProduceRequest().setTopicData(List.of(
                new ProduceRequest.TopicProduceData().setName("t")));
        ProduceRequest back = new ProduceRequest(new MessageReader(write(produce, (short) 13)), (short) 13);
        assertEquals("", back.topicData().get(0).name());
    }

    // Versions outside the valid range are refused for reading and writing.
    @Test
    void outOfRangeVersionsAreRefused() {
        assertThrows(UnsupportedVersionException.class, () -> write(new ProduceRequest(), (short) 2));
        assertThrows(UnsupportedVersionException.class, () -> write(new ProduceRequest(), (short) 14));
        assertThrows(UnsupportedVersionException.class,
                () -> new ProduceRequest(new MessageReader(Unpooled.buffer()), (short) 99));
    }

    // Null in a non-nullable field is a clear error, not a NullPointerException.
    @Test
    void nullInNonNullableFieldFails() {
        MetadataRequest.MetadataRequestTopic topic = new MetadataRequest.MetadataRequestTopic().setName(null);
        MetadataRequest req = new MetadataRequest().setTopics(List.of(topic));
        InvalidMessageException e = assertThrows(InvalidMessageException.class, () -> write(req, (short) 9));
        assertTrue(e.getMessage().contains("name"), e.getMessage());
        write(req, (short) 10); // nullable from v10
    }

    // Nulls where the spec allows none are a clear error in size() and write(), for every kind of field.
    @Test
    void nullsGetClearErrors() {
        FetchResponse.PartitionData tagged = new FetchResponse.PartitionData().setCurrentLeader(null);
        assertThrows(InvalidMessageException.class, () -> tagged.size((short) 12));
        assertThrows(InvalidMessageException.class, () -> write(tagged, (short) 12));
        MetadataResponse.MetadataResponseTopic uuid = new MetadataResponse.MetadataResponseTopic().setTopicId(null);
        assertThrows(InvalidMessageException.class, () -> write(uuid, (short) 12));
        java.util.List<Integer> replicas = new java.util.ArrayList<>();
        replicas.add(null);
        MetadataResponse.MetadataResponsePartition partition =
                new MetadataResponse.MetadataResponsePartition().setReplicaNodes(replicas);
        assertThrows(InvalidMessageException.class, () -> write(partition, (short) 12));
    }

    // Unknown tagged fields survive decode and re-encode, in tag order with known ones.
    @Test
    void unknownTaggedFieldsArePreserved() {
        ApiVersionsResponse resp = new ApiVersionsResponse().setThrottleTimeMs(5).setZkMigrationReady(true);
        resp.unknownTaggedFields().add(new RawTaggedField(7, new byte[] {1, 2}));
        resp.unknownTaggedFields().add(new RawTaggedField(12, new byte[] {3}));
        ByteBuf bytes = write(resp, (short) 3);
        ApiVersionsResponse back = new ApiVersionsResponse(new MessageReader(bytes.duplicate()), (short) 3);
        assertEquals(resp, back);
        assertEquals(List.of(new RawTaggedField(7, new byte[] {1, 2}), new RawTaggedField(12, new byte[] {3})),
                back.unknownTaggedFields());
        assertEquals(bytes, write(back, (short) 3));
        // ... but a classic version has nowhere to put them
        assertThrows(UnsupportedVersionException.class, () -> write(back, (short) 2));
    }
}

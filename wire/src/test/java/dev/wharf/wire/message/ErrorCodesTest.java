package dev.wharf.wire.message;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The generated {@code forEachErrorCode} of responses: every error code field the version carries,
 * nested ones included, in field order (what the broker's ErrorsPerSec counts, as Kafka's
 * {@code errorCounts}); requests have none.
 */
class ErrorCodesTest {
    private static List<Short> codes(dev.wharf.wire.protocol.Message m, int version) {
        List<Short> codes = new ArrayList<>();
        m.forEachErrorCode((short) version, codes::add);
        return codes;
    }

    @Test
    void fetchCountsItsTopLevelCodeAndEachPartitions() {
        FetchResponse fetch = new FetchResponse().setErrorCode((short) 0).setResponses(List.of(
                new FetchResponse.FetchableTopicResponse().setTopic("t").setPartitions(List.of(
                        new FetchResponse.PartitionData().setPartitionIndex(0),
                        new FetchResponse.PartitionData().setPartitionIndex(1).setErrorCode((short) 1)))));
        assertEquals(List.of((short) 0, (short) 0, (short) 1), codes(fetch, 17));
    }

    // OffsetFetch's top-level error and topics are v0-7's; v8 answers per group
    @Test
    void onlyTheFieldsOfTheVersionAreVisited() {
        OffsetFetchResponse response = new OffsetFetchResponse().setErrorCode((short) 15)
                .setTopics(List.of(new OffsetFetchResponse.OffsetFetchResponseTopic().setName("t").setPartitions(List.of(
                        new OffsetFetchResponse.OffsetFetchResponsePartition().setErrorCode((short) 3)))))
                .setGroups(List.of(new OffsetFetchResponse.OffsetFetchResponseGroup().setGroupId("g").setTopics(List.of(
                        new OffsetFetchResponse.OffsetFetchResponseTopics().setName("t").setPartitions(List.of(
                                new OffsetFetchResponse.OffsetFetchResponsePartitions().setErrorCode((short) 0)))))));
        assertEquals(List.of((short) 3, (short) 15), codes(response, 7));
        assertEquals(List.of((short) 0, (short) 0), codes(response, 8));
    }

    @Test
    void requestsHaveNone() {
        assertEquals(List.of(), codes(new ProduceRequest(), 11));
    }
}

package dev.wharf.wire.frame;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ProduceRequest;
import dev.wharf.wire.message.RequestHeader;
import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.RecordBatchBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decoding a Produce request costs the same whatever the number of records, and copies none of them. */
class ProduceDecodeAllocationTest {
    private static final int PARTITIONS = 16;
    private static final int BATCH_BYTES = 16 * 1024;

    private static ByteBuf produceFrame(int recordsPerBatch) {
        List<ProduceRequest.PartitionProduceData> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE);
            byte[] value = new byte[(BATCH_BYTES - 64 - 12 * recordsPerBatch) / recordsPerBatch];
            for (int i = 0; i < recordsPerBatch; i++) {
                b.append(i, null, value, List.of());
            }
            partitions.add(new ProduceRequest.PartitionProduceData().setIndex(p).setRecords(new BufferRecords(b.build())));
        }
        ProduceRequest body = new ProduceRequest().setAcks((short) 1).setTimeoutMs(1000).setTopicData(List.of(
                new ProduceRequest.TopicProduceData().setName("t").setPartitionData(partitions)));
        RequestHeader header = new RequestHeader().setRequestApiKey(ApiKey.PRODUCE.id).setRequestApiVersion((short) 12)
                .setCorrelationId(1).setClientId("c");
        ByteBuf encoded = RequestFrames.encode(UnpooledByteBufAllocator.DEFAULT, header, body);
        encoded.skipBytes(4);
        // A plain heap copy: the test JVM runs Netty's paranoid leak detector, which records a
        // stack trace on every access to the buffers it tracks and would dominate the measurement.
        byte[] bytes = new byte[encoded.readableBytes()];
        encoded.readBytes(bytes);
        encoded.release();
        return Unpooled.wrappedBuffer(bytes);
    }

    private static long allocatedPerDecode(ByteBuf frame) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long id = Thread.currentThread().getId();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 200; i++) {
            long before = threads.getThreadAllocatedBytes(id);
            RequestFrames.decode(frame.duplicate());
            best = Math.min(best, threads.getThreadAllocatedBytes(id) - before);
        }
        return best;
    }

    // 16 partitions x 16 KiB: 16 or 512 records per batch allocate the same, far less than the record bytes.
    @Test
    void allocationDoesNotDependOnRecordsOrTheirBytes() {
        ByteBuf few = produceFrame(16);
        ByteBuf many = produceFrame(512);
        long fewBytes = allocatedPerDecode(few);
        long manyBytes = allocatedPerDecode(many);
        System.out.printf("produce decode (16 x 16 KiB): %d bytes allocated with 16 records per batch, %d with 512%n",
                fewBytes, manyBytes);
        assertTrue(Math.abs(fewBytes - manyBytes) < 256, fewBytes + " vs " + manyBytes);
        assertTrue(manyBytes < PARTITIONS * BATCH_BYTES / 32, "records were copied: " + manyBytes + " bytes allocated");
        few.release();
        many.release();
    }
}

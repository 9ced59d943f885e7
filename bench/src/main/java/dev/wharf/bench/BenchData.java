package dev.wharf.bench;

import dev.wharf.wire.frame.RequestFrames;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ProduceRequest;
import dev.wharf.wire.message.RequestHeader;
import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.CompressionType;
import dev.wharf.wire.records.RecordBatchBuilder;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** The workload shared by the Wharf and Kafka benchmarks: 16 partitions x one 16 KiB batch. */
final class BenchData {
    static final int PARTITIONS = 16;
    static final int BATCH_BYTES = 16 * 1024;
    static final short PRODUCE_VERSION = 12;
    static final short FETCH_VERSION = 16;

    private BenchData() {}

    /** One uncompressed batch per partition, each about 16 KiB, with this many records. */
    static List<ByteBuf> batches(int recordsPerBatch) {
        List<ByteBuf> out = new ArrayList<>(PARTITIONS);
        byte[] value = new byte[(BATCH_BYTES - 64 - recordsPerBatch * 12) / recordsPerBatch];
        for (int p = 0; p < PARTITIONS; p++) {
            RecordBatchBuilder b = new RecordBatchBuilder(CompressionType.NONE).producer(1000L + p, (short) 0, 0);
            for (int i = 0; i < recordsPerBatch; i++) {
                b.append(1_700_000_000_000L + i, null, value, List.of());
            }
            out.add(b.build());
        }
        return out;
    }

    /** A Produce request frame (length prefix removed) carrying one batch per partition. */
    static ByteBuf produceFrame(List<ByteBuf> batches) {
        List<ProduceRequest.PartitionProduceData> partitions = new ArrayList<>();
        for (int p = 0; p < batches.size(); p++) {
            partitions.add(new ProduceRequest.PartitionProduceData().setIndex(p)
                    .setRecords(new BufferRecords(batches.get(p).duplicate())));
        }
        ProduceRequest produce = new ProduceRequest().setAcks((short) -1).setTimeoutMs(30_000).setTopicData(List.of(
                new ProduceRequest.TopicProduceData().setName("bench-topic").setPartitionData(partitions)));
        RequestHeader header = new RequestHeader().setRequestApiKey(ApiKey.PRODUCE.id)
                .setRequestApiVersion(PRODUCE_VERSION).setCorrelationId(1).setClientId("bench");
        ByteBuf framed = RequestFrames.encode(UnpooledByteBufAllocator.DEFAULT, header, produce);
        framed.skipBytes(4);
        return framed;
    }

    /** Writes the batches one after the other into a new temporary log file. */
    static Path logFile(List<ByteBuf> batches) throws IOException {
        Path file = Files.createTempFile("wharf-bench", ".log");
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            for (ByteBuf b : batches) {
                ch.write(b.nioBuffer());
            }
        }
        return file;
    }
}

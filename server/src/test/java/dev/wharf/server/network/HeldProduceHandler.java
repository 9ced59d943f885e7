package dev.wharf.server.network;

import dev.wharf.server.api.ApiHandler;
import dev.wharf.server.api.RequestContext;
import dev.wharf.wire.frame.RequestFrames;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ProduceRequest;
import dev.wharf.wire.message.ProduceResponse;
import dev.wharf.wire.message.RequestHeader;
import dev.wharf.wire.protocol.ApiMessage;
import dev.wharf.wire.records.BufferRecords;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A produce handler on the event loop that answers only when the test says so, and the produce
 * frames to feed it, for the dispatcher's tests over Netty's embedded channel (one thread).
 */
final class HeldProduceHandler implements ApiHandler {
    final List<CompletableFuture<ApiMessage>> held = new ArrayList<>();

    @Override
    public ApiKey api() {
        return ApiKey.PRODUCE;
    }

    @Override
    public Execution execution() {
        return Execution.EVENT_LOOP;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        CompletableFuture<ApiMessage> f = new CompletableFuture<>();
        held.add(f);
        return f;
    }

    void answerAll() {
        new ArrayList<>(held).forEach(f -> f.complete(new ProduceResponse()));
    }

    /** A Produce v11 request for partition t-0 with {@code recordBytes} of records, as the dispatcher gets it (no length prefix). */
    static ByteBuf produceFrame(int correlationId, int recordBytes) {
        RequestHeader header = new RequestHeader().setRequestApiKey(ApiKey.PRODUCE.id).setRequestApiVersion((short) 11)
                .setCorrelationId(correlationId).setClientId("t");
        ProduceRequest body = new ProduceRequest().setAcks((short) 1).setTimeoutMs(1000).setTopicData(List.of(
                new ProduceRequest.TopicProduceData().setName("t").setPartitionData(List.of(
                        new ProduceRequest.PartitionProduceData().setIndex(0)
                                .setRecords(new BufferRecords(Unpooled.wrappedBuffer(new byte[recordBytes])))))));
        ByteBuf frame = RequestFrames.encode(UnpooledByteBufAllocator.DEFAULT, header, body);
        frame.skipBytes(4); // the frame decoder strips the length prefix before the dispatcher
        return frame;
    }
}

package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.ReadResult;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.PartitionManager;
import dev.wharf.wire.frame.Request;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.FetchRequest;
import dev.wharf.wire.message.FetchResponse;
import dev.wharf.wire.protocol.ApiMessage;
import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.FileRecords;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fetch: for each partition, whole batches from the one holding the fetch offset up to the high
 * watermark, as file regions (never read into the heap). If fewer than {@code minBytes} are
 * available the request waits up to {@code maxWaitMs}, woken by the next append to any of its
 * partitions. Fetch sessions (KIP-227) are declined by answering session id 0, which clients take
 * as "send full fetch requests".
 *
 * <p>v4: isolation level, last stable offset, aborted transactions. v5: log start offset. v7:
 * sessions. v9: current leader epoch. v11: rack, preferred read replica. v12: flexible, diverging
 * epoch. v13: topic ids. v15: replica state. v16-18: leader discovery, directory ids.
 */
public final class FetchHandler implements ApiHandler {
    private final PartitionManager partitions;
    private final Executor io;
    private final ScheduledExecutorService timer;

    public FetchHandler(PartitionManager partitions, Executor io, ScheduledExecutorService timer) {
        this.partitions = partitions;
        this.io = io;
        this.timer = timer;
    }

    @Override
    public ApiKey api() {
        return ApiKey.FETCH;
    }

    @Override
    public short lowestVersion() {
        return ApiKey.FETCH.lowestVersion;
    }

    @Override
    public short highestVersion() {
        return ApiKey.FETCH.highestVersion;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(Request request) {
        FetchRequest req = (FetchRequest) request.body();
        CompletableFuture<ApiMessage> result = new CompletableFuture<>();
        io.execute(() -> {
            Answer first = read(req);
            if (first.bytes >= Math.max(1, req.minBytes()) || req.maxWaitMs() <= 0 || first.hasErrors) {
                result.complete(first.response);
                return;
            }
            // long poll: answer again after the next append to one of the partitions, or at the deadline
            AtomicBoolean answered = new AtomicBoolean();
            List<TopicPartition> watched = new ArrayList<>();
            for (FetchRequest.FetchTopic t : req.topics()) {
                resolve(t).ifPresent(topic -> t.partitions().forEach(p ->
                        watched.add(new TopicPartition(topic.name(), p.partition()))));
            }
            Runnable[] again = new Runnable[1];
            again[0] = () -> {
                if (answered.compareAndSet(false, true)) {
                    watched.forEach(tp -> partitions.stopWaiting(tp, again[0]));
                    io.execute(() -> complete(result, req));
                }
            };
            watched.forEach(tp -> partitions.onNextAppend(tp, again[0]));
            timer.schedule(again[0], req.maxWaitMs(), TimeUnit.MILLISECONDS);
        });
        return result;
    }

    private void complete(CompletableFuture<ApiMessage> result, FetchRequest req) {
        try {
            result.complete(read(req).response);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    private record Answer(FetchResponse response, long bytes, boolean hasErrors) {}

    private Optional<TopicInfo> resolve(FetchRequest.FetchTopic t) {
        return t.topic().isEmpty() ? partitions.topic(t.topicId()) : partitions.topic(t.topic());
    }

    private Answer read(FetchRequest req) {
        long budget = req.maxBytes() > 0 ? req.maxBytes() : Integer.MAX_VALUE;
        long total = 0;
        boolean errors = false;
        List<FetchResponse.FetchableTopicResponse> topics = new ArrayList<>();
        for (FetchRequest.FetchTopic t : req.topics()) {
            Optional<TopicInfo> topic = resolve(t);
            List<FetchResponse.PartitionData> out = new ArrayList<>();
            for (FetchRequest.FetchPartition p : t.partitions()) {
                FetchResponse.PartitionData pd = new FetchResponse.PartitionData().setPartitionIndex(p.partition())
                        .setRecords(new BufferRecords(Unpooled.EMPTY_BUFFER));
                Optional<PartitionLog> log = topic.flatMap(ti -> partitions.log(ti, p.partition()));
                if (log.isEmpty()) {
                    out.add(pd.setErrorCode(t.topic().isEmpty() ? ErrorCode.UNKNOWN_TOPIC_ID.code
                            : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code).setHighWatermark(-1).setLastStableOffset(-1));
                    errors = true;
                    continue;
                }
                PartitionLog pl = log.get();
                long hw = pl.highWatermark();
                pd.setHighWatermark(hw).setLastStableOffset(hw).setLogStartOffset(pl.logStartOffset());
                int maxBytes = (int) Math.min(p.partitionMaxBytes(), budget - total);
                if (maxBytes <= 0 && total > 0) {
                    out.add(pd);
                    continue;
                }
                ReadResult r;
                try {
                    r = pl.read(p.fetchOffset(), Math.max(1, maxBytes), hw);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                if (r instanceof ReadResult.OutOfRange) {
                    pd.setErrorCode(ErrorCode.OFFSET_OUT_OF_RANGE.code);
                    errors = true;
                } else if (r instanceof ReadResult.Batches b) {
                    pd.setRecords(new FileRecords(b.slice().channel(), b.slice().position(), b.slice().length()));
                    total += b.slice().length();
                }
                out.add(pd);
            }
            topics.add(new FetchResponse.FetchableTopicResponse().setTopic(t.topic()).setTopicId(t.topicId())
                    .setPartitions(out));
        }
        return new Answer(new FetchResponse().setSessionId(0).setResponses(topics), total, errors);
    }
}

package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.ReadResult;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.FetchSessions;
import dev.wharf.server.PartitionManager;
import dev.wharf.wire.frame.Request;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.FetchRequest;
import dev.wharf.wire.message.FetchResponse;
import dev.wharf.wire.protocol.ApiMessage;
import dev.wharf.wire.records.BufferRecords;
import dev.wharf.wire.records.FileRecords;
import io.netty.buffer.Unpooled;
import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * Fetch: for each partition, whole batches from the one holding the fetch offset up to the high
 * watermark, as file regions (never read into the heap). If fewer than {@code minBytes} are
 * available the request waits up to {@code maxWaitMs}, woken by the next append to any of its
 * partitions. Incremental fetch sessions (KIP-227) are kept by {@link FetchSessions}. Reading
 * only locates batches, so it runs where the request or its wake-up happens: on the connection's
 * event loop, on the appending thread, or on the timer at the deadline.
 *
 * <p>The deadlines are kept on a hashed wheel timer: most waits end with an append long before
 * their deadline, and a wheel takes and cancels a deadline without waking any thread (a
 * scheduled executor woke its thread for every cancelled deadline when it came due, thousands of
 * times a second under a steady trickle of records).
 *
 * <p>v4: isolation level, last stable offset, aborted transactions. v5: log start offset. v7:
 * sessions. v9: current leader epoch. v11: rack, preferred read replica. v12: flexible, diverging
 * epoch. v13: topic ids. v15: replica state. v16-18: leader discovery, directory ids.
 */
public final class FetchHandler implements ApiHandler {
    private final PartitionManager partitions;
    private final Timer timer;
    private final FetchSessions sessions;

    public FetchHandler(PartitionManager partitions, Timer timer, FetchSessions sessions) {
        this.partitions = partitions;
        this.timer = timer;
        this.sessions = sessions;
    }

    @Override
    public ApiKey api() {
        return ApiKey.FETCH;
    }

    @Override
    public CompletableFuture<ApiMessage> handle(Request request) {
        FetchRequest req = (FetchRequest) request.body();
        CompletableFuture<ApiMessage> result = new CompletableFuture<>();
        try {
            serve(req, result);
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
        return result;
    }

    private void serve(FetchRequest req, CompletableFuture<ApiMessage> result) {
        FetchSessions.Context context = sessions.resolve(req);
        if (context.error() != 0) {
            result.complete(new FetchResponse().setErrorCode(context.error()).setSessionId(context.sessionId()));
            return;
        }
        if (req.maxWaitMs() <= 0) {
            result.complete(read(req, context).told());
            return;
        }
        // Waiters go in before the first read so that an append between the read and the
        // registration still wakes this request rather than leaving it to the deadline.
        AtomicBoolean answered = new AtomicBoolean();
        List<TopicPartition> watched = new ArrayList<>();
        for (FetchSessions.Wanted w : context.partitions()) {
            resolve(w).ifPresent(topic -> watched.add(new TopicPartition(topic.name(), w.partition)));
        }
        Timeout[] deadline = new Timeout[1];
        Runnable[] again = new Runnable[1];
        // the one path (append, deadline, immediate answer or failure) that wins answers the request
        BooleanSupplier claim = () -> {
            if (!answered.compareAndSet(false, true)) {
                return false;
            }
            watched.forEach(tp -> partitions.stopWaiting(tp, again[0]));
            return true;
        };
        again[0] = () -> {
            if (claim.getAsBoolean()) {
                synchronized (deadline) {
                    if (deadline[0] != null) {
                        deadline[0].cancel();
                    }
                }
                complete(result, req, context);
            }
        };
        watched.forEach(tp -> partitions.onNextAppend(tp, again[0]));
        Answer first;
        try {
            first = read(req, context);
        } catch (RuntimeException e) {
            claim.getAsBoolean();
            throw e;
        }
        if (first.bytes >= Math.max(1, req.minBytes()) || first.hasErrors) {
            if (claim.getAsBoolean()) {
                result.complete(first.told()); // answered from the read just made, not a second one
            }
            return;
        }
        synchronized (deadline) {
            if (!answered.get()) {
                deadline[0] = timer.newTimeout(expired -> again[0].run(), req.maxWaitMs(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void complete(CompletableFuture<ApiMessage> result, FetchRequest req, FetchSessions.Context context) {
        try {
            result.complete(read(req, context).told());
        } catch (RuntimeException e) {
            result.completeExceptionally(e);
        }
    }

    /** A response as read, and what sending it tells the session ({@code tell}: run once, when sent). */
    private record Answer(FetchResponse response, long bytes, boolean hasErrors, Runnable tell) {
        FetchResponse told() {
            tell.run();
            return response;
        }
    }

    private Optional<TopicInfo> resolve(FetchSessions.Wanted w) {
        return w.topic.isEmpty() ? partitions.topic(w.topicId) : partitions.topic(w.topic);
    }

    /**
     * Reads every partition of the request (as its session sees it). In an incremental session
     * only partitions with news go into the response; the answer's {@code tell} records what it told.
     */
    private Answer read(FetchRequest req, FetchSessions.Context context) {
        long budget = req.maxBytes() > 0 ? req.maxBytes() : Integer.MAX_VALUE;
        long total = 0;
        boolean errors = false;
        LinkedHashMap<String, FetchResponse.FetchableTopicResponse> topics = new LinkedHashMap<>();
        List<FetchSessions.Wanted> served = new ArrayList<>();
        List<Runnable> told = new ArrayList<>();
        for (FetchSessions.Wanted w : context.partitions()) {
            Optional<TopicInfo> topic = resolve(w);
            FetchResponse.PartitionData pd = new FetchResponse.PartitionData().setPartitionIndex(w.partition)
                    .setRecords(new BufferRecords(Unpooled.EMPTY_BUFFER));
            Optional<PartitionLog> log = topic.flatMap(ti -> partitions.log(ti, w.partition));
            boolean news;
            ErrorCode epochError = log.isEmpty() ? ErrorCode.NONE
                    : partitions.checkLeaderEpoch(topic.get(), w.partition, w.currentLeaderEpoch());
            if (epochError != ErrorCode.NONE) {
                pd.setErrorCode(epochError.code).setHighWatermark(-1).setLastStableOffset(-1);
                errors = true;
                news = true;
            } else if (log.isEmpty()) {
                pd.setErrorCode(partitions.noLogError(topic, w.partition, w.topic.isEmpty()).code)
                        .setHighWatermark(-1).setLastStableOffset(-1);
                errors = true;
                news = true;
            } else {
                PartitionLog pl = log.get();
                long hw = pl.highWatermark();
                long start = pl.logStartOffset();
                pd.setHighWatermark(hw).setLastStableOffset(hw).setLogStartOffset(start);
                int maxBytes = (int) Math.min(w.maxBytes(), budget - total);
                boolean hasData = false;
                if (maxBytes > 0 || total == 0) {
                    ReadResult r;
                    try {
                        r = pl.read(w.fetchOffset(), Math.max(1, maxBytes), hw);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    if (r instanceof ReadResult.OutOfRange) {
                        pd.setErrorCode(ErrorCode.OFFSET_OUT_OF_RANGE.code);
                        errors = true;
                        hasData = true;
                    } else if (r instanceof ReadResult.Batches b) {
                        pd.setRecords(new FileRecords(b.slice().channel(), b.slice().position(), b.slice().length(), b.slice()));
                        total += b.slice().length();
                        hasData = true;
                        served.add(w);
                    }
                }
                news = !context.incremental() || w.hasNews(hw, start, hasData);
                if (news) {
                    told.add(() -> w.sent(hw, start));
                }
            }
            if (news) {
                topics.computeIfAbsent(w.topic + "/" + w.topicId, k -> new FetchResponse.FetchableTopicResponse()
                        .setTopic(w.topic).setTopicId(w.topicId).setPartitions(new ArrayList<>()))
                        .partitions().add(pd);
            }
        }
        Runnable tell = () -> {
            told.forEach(Runnable::run);
            if (!served.isEmpty()) {
                sessions.servedRecords(context.sessionId(), served);
            }
        };
        return new Answer(new FetchResponse().setSessionId(context.sessionId()).setResponses(new ArrayList<>(topics.values())),
                total, errors, tell);
    }
}

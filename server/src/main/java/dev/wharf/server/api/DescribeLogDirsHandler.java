package dev.wharf.server.api;

import dev.wharf.logstore.LogManager;
import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DescribeLogDirsRequest;
import dev.wharf.wire.message.DescribeLogDirsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * DescribeLogDirs: each log dir with the replicas it holds, their sizes and lags, and (v4+) the
 * disk's total and usable bytes. As Kafka reports them: a current replica's offset lag is how far
 * its log end is behind its high watermark (0 but for a follower whose known high watermark ran
 * ahead); a future replica (a move to this dir under way, {@code isFutureKey}) lags by the current
 * log's end minus its own. An offline dir is KAFKA_STORAGE_ERROR with no partitions.
 *
 * <p>v1: same as v0. v2: flexible. v3: top-level error code. v4: total and usable bytes.
 */
public final class DescribeLogDirsHandler implements ApiHandler {
    private final Authorization authz;
    private final LogManager logs;

    public DescribeLogDirsHandler(Authorization authz, LogManager logs) {
        this.authz = authz;
        this.logs = logs;
    }

    @Override
    public ApiKey api() {
        return ApiKey.DESCRIBE_LOG_DIRS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        DescribeLogDirsRequest req = (DescribeLogDirsRequest) context.body();
        if (!authz.allowedOnCluster(context, AclOperation.DESCRIBE)) {
            // from v3 the refusal has a code; before, Kafka answers with no log dirs
            DescribeLogDirsResponse refused = new DescribeLogDirsResponse().setResults(List.of());
            return context.version() >= 3 ? refused.setErrorCode(ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code) : refused;
        }
        Map<TopicPartition, PartitionLog> current = logs.all();
        Map<TopicPartition, PartitionLog> future = logs.futureLogs().all();
        List<DescribeLogDirsResponse.DescribeLogDirsResult> results = new ArrayList<>();
        for (Path dir : logs.logDirs()) {
            DescribeLogDirsResponse.DescribeLogDirsResult r = new DescribeLogDirsResponse.DescribeLogDirsResult()
                    .setLogDir(dir.toAbsolutePath().toString());
            if (logs.isOffline(dir)) {
                results.add(r.setErrorCode(ErrorCode.KAFKA_STORAGE_ERROR.code).setTotalBytes(-1).setUsableBytes(-1));
                continue;
            }
            Map<String, List<DescribeLogDirsResponse.DescribeLogDirsPartition>> byTopic = new TreeMap<>();
            current.forEach((tp, pl) -> {
                if (LogManager.dirOf(pl).equals(dir) && requested(req, tp)) {
                    long lag = Math.max(pl.highWatermark() - pl.logEndOffset(), 0);
                    byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(partition(tp, pl, lag, false));
                }
            });
            future.forEach((tp, pl) -> {
                PartitionLog of = current.get(tp);
                if (LogManager.dirOf(pl).equals(dir) && of != null && requested(req, tp)) {
                    long lag = Math.max(of.logEndOffset() - pl.logEndOffset(), 0);
                    byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(partition(tp, pl, lag, true));
                }
            });
            List<DescribeLogDirsResponse.DescribeLogDirsTopic> topics = new ArrayList<>();
            byTopic.forEach((name, ps) -> topics.add(new DescribeLogDirsResponse.DescribeLogDirsTopic().setName(name)
                    .setPartitions(ps)));
            r.setErrorCode(ErrorCode.NONE.code).setTopics(topics);
            try {
                var store = Files.getFileStore(dir);
                r.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
            } catch (IOException e) {
                r.setTotalBytes(-1).setUsableBytes(-1); // the dir's own I/O errors take it offline, not this query
            }
            results.add(r);
        }
        return new DescribeLogDirsResponse().setResults(results);
    }

    private static DescribeLogDirsResponse.DescribeLogDirsPartition partition(TopicPartition tp, PartitionLog pl, long lag,
            boolean future) {
        return new DescribeLogDirsResponse.DescribeLogDirsPartition().setPartitionIndex(tp.partition())
                .setPartitionSize(pl.size()).setOffsetLag(lag).setIsFutureKey(future);
    }

    private static boolean requested(DescribeLogDirsRequest req, TopicPartition tp) {
        if (req.topics() == null) {
            return true;
        }
        for (DescribeLogDirsRequest.DescribableLogDirTopic t : req.topics()) {
            if (t.topic().equals(tp.topic()) && t.partitions().contains(tp.partition())) {
                return true;
            }
        }
        return false;
    }
}

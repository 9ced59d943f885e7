package dev.wharf.server.api;

import dev.wharf.logstore.PartitionLog;
import dev.wharf.logstore.TopicPartition;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.replica.ReplicaManager;
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
 * DescribeLogDirs: each log dir with the partitions it holds and their sizes, and (v4+) the
 * disk's total and usable bytes.
 *
 * <p>v2: flexible. v3: top-level error code. v4: total and usable bytes. v5: cordoned dirs.
 */
public final class DescribeLogDirsHandler implements ApiHandler {
    private final BrokerConfig config;
    private final ReplicaManager replicas;

    public DescribeLogDirsHandler(BrokerConfig config, ReplicaManager replicas) {
        this.config = config;
        this.replicas = replicas;
    }

    @Override
    public ApiKey api() {
        return ApiKey.DESCRIBE_LOG_DIRS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        DescribeLogDirsRequest req = (DescribeLogDirsRequest) context.body();
        List<DescribeLogDirsResponse.DescribeLogDirsResult> results = new ArrayList<>();
        for (Path dir : config.logDirs()) {
            Path abs = dir.toAbsolutePath();
            Map<String, List<DescribeLogDirsResponse.DescribeLogDirsPartition>> byTopic = new TreeMap<>();
            for (Map.Entry<TopicPartition, PartitionLog> e : replicas.logs().entrySet()) {
                TopicPartition tp = e.getKey();
                if (!e.getValue().dir().toAbsolutePath().getParent().equals(abs) || !requested(req, tp)) {
                    continue;
                }
                byTopic.computeIfAbsent(tp.topic(), k -> new ArrayList<>()).add(
                        new DescribeLogDirsResponse.DescribeLogDirsPartition().setPartitionIndex(tp.partition())
                                .setPartitionSize(e.getValue().size()).setOffsetLag(0).setIsFutureKey(false));
            }
            List<DescribeLogDirsResponse.DescribeLogDirsTopic> topics = new ArrayList<>();
            byTopic.forEach((name, ps) -> topics.add(new DescribeLogDirsResponse.DescribeLogDirsTopic().setName(name)
                    .setPartitions(ps)));
            DescribeLogDirsResponse.DescribeLogDirsResult r = new DescribeLogDirsResponse.DescribeLogDirsResult()
                    .setErrorCode(ErrorCode.NONE.code).setLogDir(abs.toString()).setTopics(topics);
            try {
                var store = Files.getFileStore(abs);
                r.setTotalBytes(store.getTotalSpace()).setUsableBytes(store.getUsableSpace());
            } catch (IOException e) {
                r.setErrorCode(ErrorCode.KAFKA_STORAGE_ERROR.code);
            }
            results.add(r);
        }
        return new DescribeLogDirsResponse().setResults(results);
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

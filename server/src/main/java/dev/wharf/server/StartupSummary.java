package dev.wharf.server;

import dev.wharf.controller.BrokerInfo;
import dev.wharf.server.config.BrokerKeys;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one INFO line an operator looks for once the broker is up: what runs, where clients reach
 * it, where its data and metadata live and how long it took, e.g. {@code Wharf 0.1.0 started:
 * broker.id=1 cluster.id=Moy… listeners=PLAINTEXT://127.0.0.1:9092 log.dirs=/var/wharf/logs
 * zookeeper=embedded 127.0.0.1:2181 in 812 ms}. Built on the thread that started the broker,
 * after {@link Broker#start()} returned.
 */
final class StartupSummary {
    private StartupSummary() {}

    static String of(String version, BrokerConfig config, Broker broker, long startedInMs) {
        List<String> listeners = broker.advertised().endpoints().stream().map(BrokerInfo.Endpoint::toString).toList();
        String zookeeper = broker.embeddedZooKeeperConnect().map(c -> "embedded " + c)
                .orElseGet(() -> config.get(BrokerKeys.ZOOKEEPER_CONNECT));
        return format(version, config.brokerId(), broker.clusterId(), listeners, config.logDirs(), zookeeper, startedInMs);
    }

    static String format(String version, int brokerId, String clusterId, List<String> listeners, List<Path> logDirs,
            String zookeeper, long startedInMs) {
        String dirs = logDirs.stream().map(p -> p.toAbsolutePath().normalize().toString()).collect(Collectors.joining(","));
        return "Wharf " + version + " started: broker.id=" + brokerId + " cluster.id=" + clusterId + " listeners="
                + String.join(",", listeners) + " log.dirs=" + dirs + " zookeeper=" + zookeeper + " in " + startedInMs + " ms";
    }
}

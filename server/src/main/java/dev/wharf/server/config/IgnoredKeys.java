package dev.wharf.server.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Kafka broker keys Wharf accepts without reading them, so that a Kafka {@code server.properties}
 * mostly just works. Each has a reason. A key is either <em>ignored</em> (it only tunes machinery
 * Wharf does not have, so ignoring it changes nothing a client can see: no warning) or <em>not
 * honoured</em> (it asks for behaviour Wharf does not have: a warning saying so). A name ending in
 * {@code .} stands for every key starting with it. Keys neither here nor in {@link BrokerKeys}
 * are unknown: a warning too (Kafka's broker says nothing about keys it does not know, so a typo
 * would pass unseen). A third kind is <em>read elsewhere</em>: TLS and SASL keys, which the
 * listeners read by prefix rather than through {@link BrokerKeys}.
 *
 * <p>The ignored keys a config sets are named once, at INFO, at start-up ({@link #notice});
 * {@code wharf-server-start.sh --ignored-configs} prints every rule ({@link #describeAll}).
 * Immutable after class initialisation: safe from any thread.
 */
public final class IgnoredKeys {
    /**
     * Why a key is accepted; {@code quietWhen} is the one value (if any) that needs no warning;
     * {@code read} when something other than {@link BrokerKeys} reads it (it is not ignored).
     */
    private record Rule(String reason, boolean warns, String quietWhen, boolean read) {}

    private static final Map<String, Rule> RULES = new LinkedHashMap<>();

    static {
        // tuning of machinery Wharf does not have
        ignored("socket.send.buffer.bytes", "socket buffers are left to the operating system");
        ignored("socket.receive.buffer.bytes", "socket buffers are left to the operating system");
        ignored("socket.listen.backlog.size", "the accept backlog is left to the operating system");
        ignored("num.recovery.threads.per.data.dir", "each log recovers as it opens; there is no recovery pool");
        ignored("num.replica.alter.log.dirs.threads", "replicas move between log dirs on one wharf-log-mover thread");
        ignored("log.flush.scheduler.interval.ms", "flushing follows flush.messages and flush.ms");
        ignored("log.flush.offset.checkpoint.interval.ms", "recovery points are kept by the log store itself");
        ignored("log.flush.start.offset.checkpoint.interval.ms", "log start offsets are kept by the log store itself");
        ignored("log.initial.task.delay.ms", "retention starts on log.retention.check.interval.ms");
        ignored("log.dir.failure.timeout.ms", "a failed log directory is not taken offline on its own");
        ignored("log.message.format.version", "one on-disk format: v2 record batches");
        ignored("log.message.timestamp.difference.max.ms", "replaced in Kafka 3.6 by the before/after keys");
        ignored("log.message.downconversion.enable", "old message formats are not served");
        ignored("log.local.retention.ms", "tiered storage is not supported; nothing is local-only");
        ignored("log.local.retention.bytes", "tiered storage is not supported; nothing is local-only");
        ignored("inter.broker.protocol.version", "each API serves the versions its handler declares");
        ignored("security.inter.broker.protocol", "followers use inter.broker.listener.name (or the PLAINTEXT listener)");
        ignored("group.coordinator.", "tunes Kafka's group coordinator threads and buffers");
        ignored("group.consumer.", "bounds on per-group overrides of the consumer group protocol, which members "
                + "cannot set here; the broker's group.consumer.* values apply to every group");
        ignored("group.share.", "tunes Kafka's share-partition and persister machinery; share groups use the "
                + "group.share.* keys Wharf reads");
        ignored("group.streams.", "bounds on per-group overrides of the streams group protocol; the broker's "
                + "group.streams.* values apply to every group");
        ignored("share.coordinator.", "share-partition state is kept with its group in __consumer_offsets, not in "
                + "__share_group_state");
        ignored("offsets.load.buffer.size", "tunes loading __consumer_offsets, which Wharf does its own way");
        ignored("offsets.commit.required.acks", "deprecated in Kafka; commits are written as acks=all");
        ignored("offsets.topic.compression.codec", "offset records are written uncompressed");
        ignored("metric.reporters", "Wharf exposes no Kafka metrics");
        ignored("metrics.", "Wharf exposes no Kafka metrics");
        ignored("kafka.metrics.", "Wharf exposes no Kafka metrics");
        ignored("auto.include.jmx.reporter", "Wharf exposes no Kafka metrics");
        ignored("queued.max.requests", "back-pressure is per connection: one whose responses do not drain is not read");
        ignored("queued.max.request.bytes", "back-pressure is per connection: one whose responses do not drain is not read");
        ignored("background.threads", "there is no shared background pool");
        ignored("fetch.purgatory.purge.interval.requests", "completed delayed operations leave the purgatory at once");
        ignored("producer.purgatory.purge.interval.requests", "completed delayed operations leave the purgatory at once");
        ignored("delete.records.purgatory.purge.interval.requests", "completed delayed operations leave the purgatory at once");
        ignored("fetch.max.bytes", "a fetch response is bounded by the sizes the client asks for");
        ignored("compression.", "batches are stored as produced; the broker never recompresses");
        ignored("zookeeper.connection.timeout.ms", "Wharf's ZooKeeper client waits 15 s for a connection");
        ignored("zookeeper.max.in.flight.requests", "ZooKeeper requests are not pipelined that way");
        ignored("broker.id.generation.enable", "ids are not generated; broker.id defaults to 0");
        ignored("reserved.broker.max.id", "ids are not generated; broker.id defaults to 0");
        ignored("unstable.api.versions.enable", "each API serves the versions its handler declares");
        ignored("unstable.feature.versions.enable", "every feature level Wharf supports is stable");
        ignored("early.start.listeners", "every listener starts once the broker is ready");
        ignored("password.encoder.", "there are no dynamic password configs");

        // behaviour Wharf does not have: a warning
        notHonoured("process.roles", "Wharf runs on ZooKeeper (zookeeper.connect, or an embedded server), not KRaft; "
                + "every Wharf node is a broker");
        notHonoured("node.id", "a KRaft setting; Wharf takes its id from broker.id");
        notHonoured("controller.quorum.", "a KRaft setting; Wharf's controller is elected through ZooKeeper");
        notHonoured("controller.listener.names", "a KRaft setting; a listener named here is still served to clients "
                + "if it is in listeners");
        notHonoured("metadata.", "a KRaft setting; cluster metadata lives in ZooKeeper");
        notHonoured("broker.heartbeat.interval.ms", "a KRaft setting; liveness is the ZooKeeper session");
        notHonoured("broker.session.timeout.ms", "a KRaft setting; see zookeeper.session.timeout.ms");
        notHonoured("initial.broker.registration.timeout.ms", "a KRaft setting; brokers register in ZooKeeper");
        readElsewhere("ssl.", "read by each TLS listener and the inter-broker client, with listener.name.<l>.ssl.* over it");
        readElsewhere("sasl.", "read by each SASL listener and the inter-broker client, with listener.name.<l>.[<mechanism>.]sasl.* over it");
        readElsewhere("listener.name.", "per-listener TLS and SASL settings, read by that listener");
        notHonoured("principal.builder.class", "there is no authentication");
        notHonoured("client.quota.callback.class", "no plug-in quota callbacks: Kafka's default quota resolution");
        notHonoured("create.topic.policy.class.name", "no plug-in policies");
        notHonoured("alter.config.policy.class.name", "no plug-in policies");
        notHonoured("config.providers", "config providers are not supported: ${...} values are taken as written");
        notHonoured("remote.log.", "tiered storage is not supported");
        notHonoured("zookeeper.ssl.", "ZooKeeper over TLS is not supported");
        notHonoured("zookeeper.clientCnxnSocket", "ZooKeeper over TLS is not supported");
        notHonouredUnless("false", "zookeeper.set.acl", "znodes are written without ACLs");
        notHonouredUnless("true", "delete.topic.enable", "topics can always be deleted");
    }

    private IgnoredKeys() {}

    private static void ignored(String key, String reason) {
        RULES.put(key, new Rule(reason, false, null, false));
    }

    private static void readElsewhere(String key, String reason) {
        RULES.put(key, new Rule(reason, false, null, true));
    }

    private static void notHonoured(String key, String reason) {
        RULES.put(key, new Rule(reason, true, null, false));
    }

    private static void notHonouredUnless(String quietValue, String key, String reason) {
        RULES.put(key, new Rule(reason, true, quietValue, false));
    }

    /** Why {@code key} is accepted without being read, or null when it is not one of these keys. */
    public static String reason(String key) {
        Rule rule = rule(key);
        return rule == null ? null : rule.reason();
    }

    /**
     * What to tell the operator about a key Wharf does not read, set to {@code value}: null for
     * an ignored key, a warning with the reason for one not honoured, "unknown" otherwise.
     */
    public static String warning(String key, String value) {
        Rule rule = rule(key);
        if (rule == null) {
            return "unknown config '" + key + "' is ignored";
        }
        if (!rule.warns() || (rule.quietWhen() != null && rule.quietWhen().equals(value.trim().toLowerCase(Locale.ROOT)))) {
            return null;
        }
        return "config '" + key + "' is not honoured: " + rule.reason();
    }

    /** The exact rule, or the longest prefix rule. */
    private static Rule rule(String key) {
        Rule exact = RULES.get(key);
        if (exact != null) {
            return exact;
        }
        for (int dot = key.lastIndexOf('.', key.length() - 2); dot > 0; dot = key.lastIndexOf('.', dot - 1)) {
            Rule prefix = RULES.get(key.substring(0, dot + 1));
            if (prefix != null) {
                return prefix;
            }
        }
        return null;
    }

    /**
     * Whether {@code key}, set to {@code value}, is accepted and changes nothing here: an ignored
     * key, or a key not honoured set to the one value Wharf behaves as (no warning for either).
     */
    public static boolean isIgnored(String key, String value) {
        Rule rule = rule(key);
        return rule != null && !rule.read() && warning(key, value) == null;
    }

    /** The one INFO line naming the ignored keys a config sets, or null when it sets none. */
    public static String notice(Collection<String> ignoredKeys) {
        if (ignoredKeys.isEmpty()) {
            return null;
        }
        return "ignored configs (Kafka settings with no effect on Wharf; wharf-server-start.sh --ignored-configs "
                + "says why for each): " + String.join(", ", ignoredKeys.stream().sorted().toList());
    }

    /** Every rule as "key (ignored|not honoured|read by the listeners): reason", for --ignored-configs. */
    public static List<String> describeAll() {
        List<String> lines = new ArrayList<>();
        RULES.forEach((key, rule) -> {
            String kind = rule.read() ? "read by the listeners" : !rule.warns() ? "ignored"
                    : rule.quietWhen() == null ? "not honoured, warns" : "not honoured, warns unless " + rule.quietWhen();
            lines.add(key + (key.endsWith(".") ? "*" : "") + " (" + kind + "): " + rule.reason());
        });
        return lines;
    }
}

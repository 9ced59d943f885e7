package dev.wharf.compat;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;
import org.apache.kafka.clients.admin.UserScramCredentialAlteration;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Brings a shared external broker back to what a freshly started one looks like, so that tests
 * written for a broker of their own (topic names reused across classes, "list every topic/group"
 * assertions, offsets from 0) see nothing a previous test left: every group (classic, consumer,
 * share, streams), every non-internal topic, every ACL, client quota and SCRAM user, and the
 * dynamic broker configs and finalized feature levels a test changed. Kafka deletes topics asynchronously, so it waits (bounded) until the
 * deleted names are gone from the metadata before the test may create them again.
 * <p>
 * Each call uses its own Admin client on the calling test thread; the only state kept is the
 * broker's initial dynamic configs.
 */
final class BrokerReset {
    private static final Duration WITHIN = Duration.ofSeconds(45);
    private static final long CALL_SECONDS = 30;
    /** The broker's own dynamic configs, as found by the first reset; test threads only, one at a time. */
    private static Map<ConfigResource, Map<String, String>> initialDynamicConfigs;
    /** The finalized feature levels found by the first reset (FeaturesIT changes them). */
    private static Map<String, Short> initialFeatures;

    private BrokerReset() {
    }

    static void toFreshState(String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000"))) {
            deleteGroups(admin);
            deleteTopics(admin);
            ignoringUnsupported(() -> admin.deleteAcls(List.of(AclBindingFilter.ANY)).all().get(CALL_SECONDS, TimeUnit.SECONDS));
            ignoringUnsupported(() -> deleteQuotas(admin));
            ignoringUnsupported(() -> deleteScramUsers(admin));
            ignoringUnsupported(() -> restoreDynamicBrokerConfigs(admin));
            restoreFeatures(admin);
        } catch (Exception e) {
            throw new IllegalStateException("could not reset the external broker " + bootstrap + " to a fresh state", e);
        }
    }

    /** Groups still holding members (a client of an earlier test not yet timed out) are emptied first. */
    private static void deleteGroups(Admin admin) throws Exception {
        try {
            await().atMost(WITHIN).pollInterval(Duration.ofMillis(300)).until(() -> {
                Collection<GroupListing> groups = admin.listGroups().all().get(CALL_SECONDS, TimeUnit.SECONDS);
                for (GroupListing g : groups) {
                    deleteGroup(admin, g);
                }
                return admin.listGroups().all().get(CALL_SECONDS, TimeUnit.SECONDS).isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("groups left after " + WITHIN.toSeconds() + " s: "
                    + admin.listGroups().all().get(CALL_SECONDS, TimeUnit.SECONDS), e);
        }
    }

    private static void deleteGroup(Admin admin, GroupListing g) throws Exception {
        String id = g.groupId();
        GroupType type = g.type().orElse(GroupType.CLASSIC);
        try {
            switch (type) {
                case SHARE -> admin.deleteShareGroups(List.of(id)).all().get(CALL_SECONDS, TimeUnit.SECONDS);
                case STREAMS -> admin.deleteStreamsGroups(List.of(id)).all().get(CALL_SECONDS, TimeUnit.SECONDS);
                default -> admin.deleteConsumerGroups(List.of(id)).all().get(CALL_SECONDS, TimeUnit.SECONDS);
            }
        } catch (ExecutionException notEmpty) {
            if (type == GroupType.CLASSIC || type == GroupType.CONSUMER) {
                try {
                    admin.removeMembersFromConsumerGroup(id, new RemoveMembersFromConsumerGroupOptions())
                            .all().get(CALL_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException ignored) {
                    // members that cannot be removed leave by their session timeout; the caller polls
                }
            }
        }
    }

    private static void deleteTopics(Admin admin) throws Exception {
        Set<String> topics = admin.listTopics().names().get(CALL_SECONDS, TimeUnit.SECONDS);
        if (topics.isEmpty()) {
            return;
        }
        try {
            admin.deleteTopics(topics).all().get(CALL_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            // one already gone (deleted by its own test meanwhile) fails the batch; the wait below decides
        }
        try {
            await().atMost(WITHIN).pollInterval(Duration.ofMillis(200)).until(() -> {
                Set<String> left = admin.listTopics().names().get(CALL_SECONDS, TimeUnit.SECONDS);
                left.retainAll(topics);
                if (!left.isEmpty()) {
                    admin.deleteTopics(left);
                }
                return left.isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException("topics not deleted within " + WITHIN.toSeconds() + " s", e);
        }
    }

    private static void deleteQuotas(Admin admin) throws Exception {
        List<ClientQuotaAlteration> removals = new ArrayList<>();
        admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get(CALL_SECONDS, TimeUnit.SECONDS)
                .forEach((entity, quotas) -> removals.add(new ClientQuotaAlteration(entity,
                        quotas.keySet().stream().map(k -> new ClientQuotaAlteration.Op(k, null)).toList())));
        if (!removals.isEmpty()) {
            admin.alterClientQuotas(removals).all().get(CALL_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Kafka alters a user once per request: each round deletes one credential of every user left. */
    private static void deleteScramUsers(Admin admin) throws Exception {
        for (int round = 0; round < 10; round++) {
            List<UserScramCredentialAlteration> deletions = new ArrayList<>();
            admin.describeUserScramCredentials().all().get(CALL_SECONDS, TimeUnit.SECONDS).forEach((user, d) ->
                    deletions.add(new UserScramCredentialDeletion(user, d.credentialInfos().get(0).mechanism())));
            if (deletions.isEmpty()) {
                return;
            }
            admin.alterUserScramCredentials(deletions).all().get(CALL_SECONDS, TimeUnit.SECONDS);
        }
    }

    /**
     * Dynamic broker configs (per broker and cluster defaults) go back to what they were when the
     * suite first reset the broker: a broker may start with some of its own (Kafka with ELR keeps a
     * cluster-level {@code min.insync.replicas} that cannot be removed), so "none" is not the goal.
     */
    private static void restoreDynamicBrokerConfigs(Admin admin) throws Exception {
        Map<ConfigResource, Map<String, String>> now = dynamicBrokerConfigs(admin);
        if (initialDynamicConfigs == null) {
            initialDynamicConfigs = now;
            return;
        }
        Map<ConfigResource, Collection<AlterConfigOp>> changes = new HashMap<>();
        now.forEach((resource, current) -> {
            Map<String, String> initial = initialDynamicConfigs.getOrDefault(resource, Map.of());
            List<AlterConfigOp> ops = new ArrayList<>();
            current.forEach((name, value) -> {
                if (!initial.containsKey(name)) {
                    ops.add(new AlterConfigOp(new ConfigEntry(name, null), AlterConfigOp.OpType.DELETE));
                } else if (initial.get(name) != null && !initial.get(name).equals(value)) {
                    ops.add(new AlterConfigOp(new ConfigEntry(name, initial.get(name)), AlterConfigOp.OpType.SET));
                }
            });
            initial.forEach((name, value) -> {
                if (!current.containsKey(name) && value != null) {
                    ops.add(new AlterConfigOp(new ConfigEntry(name, value), AlterConfigOp.OpType.SET));
                }
            });
            if (!ops.isEmpty()) {
                changes.put(resource, ops);
            }
        });
        if (!changes.isEmpty()) {
            admin.incrementalAlterConfigs(changes).all().get(CALL_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Feature levels a test upgraded or downgraded go back to the broker's own. */
    private static void restoreFeatures(Admin admin) throws Exception {
        Map<String, Short> now = new HashMap<>();
        admin.describeFeatures().featureMetadata().get(CALL_SECONDS, TimeUnit.SECONDS).finalizedFeatures()
                .forEach((name, range) -> now.put(name, range.maxVersionLevel()));
        if (initialFeatures == null) {
            initialFeatures = now;
            return;
        }
        Map<String, FeatureUpdate> updates = new HashMap<>();
        Set<String> names = new java.util.TreeSet<>(now.keySet());
        names.addAll(initialFeatures.keySet());
        for (String name : names) {
            short want = initialFeatures.getOrDefault(name, (short) 0);
            short have = now.getOrDefault(name, (short) 0);
            if (want != have) {
                updates.put(name, new FeatureUpdate(want, want > have
                        ? FeatureUpdate.UpgradeType.UPGRADE : FeatureUpdate.UpgradeType.SAFE_DOWNGRADE));
            }
        }
        if (!updates.isEmpty()) {
            admin.updateFeatures(updates, new UpdateFeaturesOptions()).all().get(CALL_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static Map<ConfigResource, Map<String, String>> dynamicBrokerConfigs(Admin admin) throws Exception {
        List<ConfigResource> brokers = new ArrayList<>(List.of(new ConfigResource(ConfigResource.Type.BROKER, "")));
        admin.describeCluster().nodes().get(CALL_SECONDS, TimeUnit.SECONDS)
                .forEach(n -> brokers.add(new ConfigResource(ConfigResource.Type.BROKER, n.idString())));
        Map<ConfigResource, Map<String, String>> out = new HashMap<>();
        admin.describeConfigs(brokers).all().get(CALL_SECONDS, TimeUnit.SECONDS).forEach((resource, config) -> {
            ConfigEntry.ConfigSource own = resource.name().isEmpty()
                    ? ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG : ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG;
            Map<String, String> values = new HashMap<>();
            config.entries().stream().filter(e -> e.source() == own).forEach(e -> values.put(e.name(), e.value()));
            out.put(resource, values);
        });
        return out;
    }

    private interface AdminCall {
        void run() throws Exception;
    }

    /** A broker without an authorizer (or SCRAM, quotas) has nothing of that kind to remove. */
    private static void ignoringUnsupported(AdminCall call) throws Exception {
        try {
            call.run();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof SecurityDisabledException) && !(e.getCause() instanceof UnsupportedVersionException)) {
                throw e;
            }
        }
    }
}

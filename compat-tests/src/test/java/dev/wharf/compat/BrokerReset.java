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
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.RemoveMembersFromConsumerGroupOptions;
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
 * share, streams), every non-internal topic, every ACL, client quota and SCRAM user, and every
 * dynamic broker config. Kafka deletes topics asynchronously, so it waits (bounded) until the
 * deleted names are gone from the metadata before the test may create them again.
 * <p>
 * Stateless; each call uses its own Admin client on the calling thread.
 */
final class BrokerReset {
    private static final Duration WITHIN = Duration.ofSeconds(45);
    private static final long CALL_SECONDS = 30;

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
            ignoringUnsupported(() -> deleteDynamicBrokerConfigs(admin));
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

    private static void deleteScramUsers(Admin admin) throws Exception {
        List<UserScramCredentialAlteration> deletions = new ArrayList<>();
        admin.describeUserScramCredentials().all().get(CALL_SECONDS, TimeUnit.SECONDS).forEach((user, d) ->
                d.credentialInfos().forEach(info -> deletions.add(new UserScramCredentialDeletion(user, info.mechanism()))));
        if (!deletions.isEmpty()) {
            admin.alterUserScramCredentials(deletions).all().get(CALL_SECONDS, TimeUnit.SECONDS);
        }
    }

    /** Settings a test changed with AlterConfigs on the broker (or the cluster default) go back to static. */
    private static void deleteDynamicBrokerConfigs(Admin admin) throws Exception {
        List<ConfigResource> brokers = new ArrayList<>(List.of(new ConfigResource(ConfigResource.Type.BROKER, "")));
        admin.describeCluster().nodes().get(CALL_SECONDS, TimeUnit.SECONDS)
                .forEach(n -> brokers.add(new ConfigResource(ConfigResource.Type.BROKER, n.idString())));
        Map<ConfigResource, Config> configs = admin.describeConfigs(brokers).all().get(CALL_SECONDS, TimeUnit.SECONDS);
        Map<ConfigResource, Collection<AlterConfigOp>> deletions = new HashMap<>();
        configs.forEach((resource, config) -> {
            List<AlterConfigOp> ops = config.entries().stream()
                    .filter(e -> e.source() == (resource.name().isEmpty()
                            ? ConfigEntry.ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG
                            : ConfigEntry.ConfigSource.DYNAMIC_BROKER_CONFIG))
                    .map(e -> new AlterConfigOp(new ConfigEntry(e.name(), null), AlterConfigOp.OpType.DELETE))
                    .toList();
            if (!ops.isEmpty()) {
                deletions.put(resource, ops);
            }
        });
        if (!deletions.isEmpty()) {
            admin.incrementalAlterConfigs(deletions).all().get(CALL_SECONDS, TimeUnit.SECONDS);
        }
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

package dev.wharf.compat;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.FeatureUpdate;
import org.apache.kafka.clients.admin.UpdateFeaturesOptions;

/**
 * Switches an external broker's finalized feature levels for one test and back, with UpdateFeatures
 * (a safe downgrade or an upgrade), as an operator would with kafka-features: a test written for a
 * broker started at {@code transaction.version=1} runs against one that finalizes 2. Test threads only.
 */
final class BrokerFeatures {
    private static final long CALL_SECONDS = 30;
    private static final Duration SEEN_WITHIN = Duration.ofSeconds(15);

    private BrokerFeatures() {
    }

    /**
     * Finalizes each feature at the wanted level, noting in {@code switched} the level it had before;
     * returns null when done, else why not (and what was switched is put back).
     */
    static String switchTo(String address, Map<String, Short> wanted, Map<String, Short> switched) throws Exception {
        if (wanted.isEmpty()) {
            return null;
        }
        try (Admin admin = admin(address)) {
            Map<String, Short> now = finalized(admin);
            for (Map.Entry<String, Short> e : wanted.entrySet()) {
                short have = now.getOrDefault(e.getKey(), (short) 0);
                if (have == e.getValue()) {
                    continue;
                }
                try {
                    update(admin, e.getKey(), e.getValue(), have);
                } catch (ExecutionException refused) {
                    switchBack(admin, switched);
                    return "needs feature " + e.getKey() + " at level " + e.getValue() + " (the broker finalizes " + have
                            + " and refused to switch: " + refused.getCause() + ")";
                }
                switched.putIfAbsent(e.getKey(), have);
            }
            awaitLevels(admin, wanted);
        }
        return null;
    }

    /** Puts the switched features back to their levels from before, and forgets them. */
    static void switchBack(String address, Map<String, Short> switched) throws Exception {
        try (Admin admin = admin(address)) {
            switchBack(admin, switched);
        }
    }

    private static void switchBack(Admin admin, Map<String, Short> switched) throws Exception {
        Map<String, Short> now = finalized(admin);
        for (Map.Entry<String, Short> e : switched.entrySet()) {
            update(admin, e.getKey(), e.getValue(), now.getOrDefault(e.getKey(), (short) 0));
        }
        Map<String, Short> back = new HashMap<>(switched);
        switched.clear();
        awaitLevels(admin, back);
    }

    private static void update(Admin admin, String feature, short level, short have) throws Exception {
        admin.updateFeatures(Map.of(feature, new FeatureUpdate(level, level > have
                ? FeatureUpdate.UpgradeType.UPGRADE : FeatureUpdate.UpgradeType.SAFE_DOWNGRADE)),
                new UpdateFeaturesOptions()).all().get(CALL_SECONDS, TimeUnit.SECONDS);
    }

    /** The new levels are what clients connecting from now on are told (ApiVersions), not just committed. */
    private static void awaitLevels(Admin admin, Map<String, Short> levels) {
        await().atMost(SEEN_WITHIN).pollInterval(Duration.ofMillis(100)).until(() -> {
            Map<String, Short> now = finalized(admin);
            return levels.entrySet().stream().allMatch(e -> now.getOrDefault(e.getKey(), (short) 0).equals(e.getValue()));
        });
    }

    private static Map<String, Short> finalized(Admin admin) throws Exception {
        Map<String, Short> out = new HashMap<>();
        admin.describeFeatures().featureMetadata().get(CALL_SECONDS, TimeUnit.SECONDS).finalizedFeatures()
                .forEach((name, range) -> out.put(name, range.maxVersionLevel()));
        return out;
    }

    private static Admin admin(String address) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, address));
    }
}

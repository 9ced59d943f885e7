package dev.wharf.server.api;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.feature.Feature;
import dev.wharf.server.feature.FinalizedFeatures;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.UpdateFeaturesRequest;
import dev.wharf.wire.message.UpdateFeaturesResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * UpdateFeatures ({@code kafka-features upgrade|downgrade|disable}, KIP-584): sets finalized
 * feature levels in ZooKeeper, where every broker follows them. All or nothing, as Kafka's
 * controller applies them: one invalid update fails the request with INVALID_UPDATE_VERSION.
 * An upgrade may not lower a level; a downgrade (safe or unsafe) may not raise one; level 0
 * (or below) disables a feature. Needs ALTER on the cluster. Any broker answers: each writes
 * ZooKeeper itself.
 *
 * <p>v0: AllowDowngrade. v1: UpgradeType (1 upgrade, 2 safe downgrade, 3 unsafe downgrade),
 * ValidateOnly. v2: no per-feature results, the top-level error speaks for all.
 */
public final class UpdateFeaturesHandler implements ApiHandler {
    private static final Logger log = LoggerFactory.getLogger(UpdateFeaturesHandler.class);
    private static final byte UPGRADE = 1;
    private static final byte UNSAFE_DOWNGRADE = 3;

    /** An update refused, and why. */
    private static final class Refused extends RuntimeException {
        final ErrorCode error;

        Refused(ErrorCode error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }

    private final Authorization authz;
    private final ZkMetadataStore metadata;
    private final FinalizedFeatures features;

    public UpdateFeaturesHandler(Authorization authz, ZkMetadataStore metadata, FinalizedFeatures features) {
        this.authz = authz;
        this.metadata = metadata;
        this.features = features;
    }

    @Override
    public ApiKey api() {
        return ApiKey.UPDATE_FEATURES;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        UpdateFeaturesRequest req = (UpdateFeaturesRequest) context.body();
        List<String> names = req.featureUpdates().stream().map(UpdateFeaturesRequest.FeatureUpdateKey::feature).toList();
        if (!authz.allowedOnCluster(context, AclOperation.ALTER)) {
            return response(context, names, ErrorCode.CLUSTER_AUTHORIZATION_FAILED, null);
        }
        try {
            Map<Feature, Short> wanted = decide(context.version(), req, features.levels());
            if (!req.validateOnly()) {
                metadata.updateFeatures(stored -> {
                    // decided again on what is stored: another broker may have changed it meanwhile
                    Map<Feature, Short> levels = decide(context.version(), req, features.levelsOf(stored));
                    Map<String, String> next = new HashMap<>(stored);
                    levels.forEach((f, level) -> next.put(f.featureName, Short.toString(level)));
                    return next;
                });
                log.info("finalized features changed: {}", wanted);
            }
            return response(context, names, ErrorCode.NONE, null);
        } catch (Refused e) {
            return response(context, names, e.error, e.getMessage());
        } catch (Exception e) {
            log.warn("cannot update features", e);
            return response(context, names, ErrorCode.FEATURE_UPDATE_FAILED, e.getMessage());
        }
    }

    /** The new level of every feature named; throws {@link Refused} for the first invalid update. */
    private static Map<Feature, Short> decide(short version, UpdateFeaturesRequest req, FinalizedFeatures.Levels current) {
        Map<Feature, Short> out = new HashMap<>();
        for (UpdateFeaturesRequest.FeatureUpdateKey u : req.featureUpdates()) {
            Feature f = Feature.named(u.feature()).orElseThrow(() -> new Refused(ErrorCode.INVALID_UPDATE_VERSION,
                    "Feature " + u.feature() + " is not supported by this cluster"));
            short level = (short) Math.max(0, u.maxVersionLevel());
            short now = current.level(f);
            byte type = version == 0 ? (u.allowDowngrade() ? UNSAFE_DOWNGRADE : UPGRADE) : u.upgradeType();
            if (type < UPGRADE || type > UNSAFE_DOWNGRADE) {
                throw new Refused(ErrorCode.INVALID_REQUEST, "Unknown upgrade type " + type + " for " + f.featureName);
            }
            if (level > f.maxLevel) {
                throw new Refused(ErrorCode.INVALID_UPDATE_VERSION, "Invalid update version " + level + " for feature "
                        + f.featureName + ": the supported range is [0, " + f.maxLevel + "]");
            }
            if (type == UPGRADE && level < now) {
                throw new Refused(ErrorCode.INVALID_UPDATE_VERSION, "Invalid update version " + level + " for feature "
                        + f.featureName + ": cannot downgrade from " + now + " without a downgrade type");
            }
            if (type != UPGRADE && level > now) {
                throw new Refused(ErrorCode.INVALID_UPDATE_VERSION, "Invalid update version " + level + " for feature "
                        + f.featureName + ": cannot upgrade from " + now + " with a downgrade type");
            }
            out.put(f, level);
        }
        return out;
    }

    private static UpdateFeaturesResponse response(RequestContext context, List<String> names, ErrorCode error,
            String message) {
        UpdateFeaturesResponse out = new UpdateFeaturesResponse().setErrorCode(error.code).setErrorMessage(message);
        if (context.version() < 2) {
            List<UpdateFeaturesResponse.UpdatableFeatureResult> results = new ArrayList<>();
            for (String name : names) {
                results.add(new UpdateFeaturesResponse.UpdatableFeatureResult().setFeature(name).setErrorCode(error.code)
                        .setErrorMessage(message));
            }
            out.setResults(results);
        }
        return out;
    }
}

package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.feature.Feature;
import dev.wharf.server.feature.FinalizedFeatures;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ApiVersionsRequest;
import dev.wharf.wire.message.ApiVersionsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * ApiVersions: every served handler's version range, in API key order (an API whose feature is
 * finalized at level 0 is listed, as Kafka lists it, and refused when used), and the features: every {@link Feature} with the levels
 * this broker supports, and those finalized at 1 or more with the cluster's feature epoch.
 *
 * <p>v0: the API list. v1: throttle time. v3: flexible; client software name and version, supported
 * and finalized features (KIP-511, KIP-584). v4: no change (KIP-896). A request of a version this
 * broker does not know gets the v0 answer with UNSUPPORTED_VERSION, so any client can read it and
 * retry with a version from the list ({@link #fallback()}).
 */
public final class ApiVersionsHandler implements ApiHandler {
    private final ApiHandlers handlers;
    private final FinalizedFeatures features;

    public ApiVersionsHandler(ApiHandlers handlers, FinalizedFeatures features) {
        this.handlers = handlers;
        this.features = features;
    }

    @Override
    public ApiKey api() {
        return ApiKey.API_VERSIONS;
    }

    @Override
    public short lowestVersion() {
        return 0;
    }

    @Override
    public Execution execution() {
        return Execution.EVENT_LOOP;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        if (context.body() instanceof ApiVersionsRequest req && context.version() >= 3) {
            // v3+: the client names its software (KIP-511), kept for the connection's later requests
            context.connection().clientSoftware(req.clientSoftwareName(), req.clientSoftwareVersion());
        }
        return response(ErrorCode.NONE);
    }

    /** The answer to an ApiVersions request of an unknown version, to be sent as v0. */
    public ApiVersionsResponse fallback() {
        return response(ErrorCode.UNSUPPORTED_VERSION);
    }

    private ApiVersionsResponse response(ErrorCode error) {
        List<ApiVersionsResponse.ApiVersion> apis = new ArrayList<>();
        handlers.all().stream().sorted(Comparator.comparingInt(h -> h.api().id)).forEach(h -> apis.add(
                new ApiVersionsResponse.ApiVersion().setApiKey(h.api().id).setMinVersion(h.advertisedLowestVersion())
                        .setMaxVersion(h.highestVersion())));
        // features (KIP-584): clients read the finalized levels, newer epochs replacing what they knew
        FinalizedFeatures.Levels levels = features.levels();
        List<ApiVersionsResponse.SupportedFeatureKey> supported = new ArrayList<>();
        List<ApiVersionsResponse.FinalizedFeatureKey> finalized = new ArrayList<>();
        for (Feature f : Feature.values()) {
            supported.add(new ApiVersionsResponse.SupportedFeatureKey().setName(f.featureName)
                    .setMinVersion((short) 0).setMaxVersion(f.maxLevel));
            short level = levels.level(f);
            if (level >= 1) {
                finalized.add(new ApiVersionsResponse.FinalizedFeatureKey().setName(f.featureName)
                        .setMinVersionLevel(level).setMaxVersionLevel(level));
            }
        }
        return new ApiVersionsResponse().setErrorCode(error.code).setApiKeys(apis).setSupportedFeatures(supported)
                .setFinalizedFeaturesEpoch(levels.epoch()).setFinalizedFeatures(finalized);
    }
}

package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ApiVersionsRequest;
import dev.wharf.wire.message.ApiVersionsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * ApiVersions: every registered handler's version range, in API key order, and the feature
 * {@code transaction.version} (supported 0-2, finalized at {@code transaction.version}).
 *
 * <p>v0: the API list. v1: throttle time. v3: flexible; client software name and version, supported
 * and finalized features (KIP-511, KIP-584). v4: no change (KIP-896). A request of a version this
 * broker does not know gets the v0 answer with UNSUPPORTED_VERSION, so any client can read it and
 * retry with a version from the list ({@link #fallback()}).
 */
public final class ApiVersionsHandler implements ApiHandler {
    /** The finalized level of the one feature Wharf has, {@code transaction.version}, and how far it goes. */
    private static final String TRANSACTION_VERSION = "transaction.version";
    private static final short TRANSACTION_VERSION_MAX = 2;

    private final ApiHandlers handlers;
    private final short transactionVersion;

    /**
     * @param transactionVersion the finalized {@code transaction.version}: from 2 the Java client
     *     (4.0+) speaks transaction version 2 (KIP-890), below it version 1
     */
    public ApiVersionsHandler(ApiHandlers handlers, short transactionVersion) {
        this.handlers = handlers;
        this.transactionVersion = transactionVersion;
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
                new ApiVersionsResponse.ApiVersion().setApiKey(h.api().id).setMinVersion(h.lowestVersion())
                        .setMaxVersion(h.highestVersion())));
        // features (KIP-584): clients read the finalized levels, newer epochs replacing what they knew
        return new ApiVersionsResponse().setErrorCode(error.code).setApiKeys(apis)
                .setSupportedFeatures(List.of(new ApiVersionsResponse.SupportedFeatureKey().setName(TRANSACTION_VERSION)
                        .setMinVersion((short) 0).setMaxVersion(TRANSACTION_VERSION_MAX)))
                .setFinalizedFeaturesEpoch(1)
                .setFinalizedFeatures(List.of(new ApiVersionsResponse.FinalizedFeatureKey().setName(TRANSACTION_VERSION)
                        .setMinVersionLevel(transactionVersion).setMaxVersionLevel(transactionVersion)));
    }
}

package dev.wharf.server.api;

import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.concurrent.CompletableFuture;

/**
 * A handler that adds a step around another (quotas, a feature gate): it serves the same API and
 * versions, where the wrapped one runs, and hands requests on unless it overrides {@link #handle}.
 */
public abstract class WrappingApiHandler implements ApiHandler {
    protected final ApiHandler handler;

    protected WrappingApiHandler(ApiHandler handler) {
        this.handler = handler;
    }

    @Override
    public ApiKey api() {
        return handler.api();
    }

    @Override
    public short lowestVersion() {
        return handler.lowestVersion();
    }

    @Override
    public short advertisedLowestVersion() {
        return handler.advertisedLowestVersion();
    }

    @Override
    public short highestVersion() {
        return handler.highestVersion();
    }

    @Override
    public Execution execution() {
        return handler.execution();
    }

    @Override
    public CompletableFuture<ApiMessage> handle(RequestContext context) {
        return handler.handle(context);
    }
}

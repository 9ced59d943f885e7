package dev.wharf.registry.http;

import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wharf.registry.RegistryAccess.Operation;
import dev.wharf.registry.RegistryException;
import dev.wharf.registry.RegistryReads;
import java.util.List;
import java.util.function.Supplier;

/**
 * {@code /compatibility}: whether a schema may follow a subject's versions, and the registry's
 * own paths ({@code /}, {@code /contexts}, {@code /v1/metadata/id}).
 */
final class CompatibilityRoutes {
    private final RegistryReads reads;
    private final Supplier<String> clusterId;

    CompatibilityRoutes(RegistryReads reads, Supplier<String> clusterId) {
        this.reads = reads;
        this.clusterId = clusterId;
    }

    void addTo(Router router) {
        router.now(POST, "/compatibility/subjects/{subject}/versions/{version}", Operation.READ, call -> check(call, call.path("version")));
        router.now(POST, "/compatibility/subjects/{subject}/versions", Operation.READ, call -> check(call, null));
        router.now(GET, "/", Router.ANY_CALLER, call -> Reply.of(RegistryJson.object()));
        router.now(POST, "/", Router.ANY_CALLER, call -> Reply.of(RegistryJson.object()));
        router.now(GET, "/contexts", Router.ANY_CALLER, call -> Reply.of(RegistryJson.array(List.of("."))));
        router.now(GET, "/v1/metadata/id", Router.ANY_CALLER, call -> {
            ObjectNode scope = RegistryJson.object();
            scope.putArray("path");
            scope.putObject("clusters").put("kafka-cluster", clusterId.get()).put("schema-registry-cluster", "schema-registry");
            ObjectNode out = RegistryJson.object();
            out.set("scope", scope);
            return Reply.of(out);
        });
    }

    /**
     * {@code {"is_compatible":..}}, with {@code messages} (even empty: older Java clients read only
     * them) when {@code verbose}. A schema that does not parse is 42201, or with {@code verbose} an
     * incompatible answer saying why.
     */
    private Reply check(HttpCall call, String version) {
        boolean verbose = call.flag("verbose");
        List<String> reasons;
        try {
            reasons = reads.compatibilityErrors(call.path("subject"), version, RegistryJson.schemaRequest(call), call.flag("normalize"));
        } catch (RegistryException e) {
            if (!verbose || e.errorCode() != 42201) {
                throw e;
            }
            reasons = List.of(e.getMessage());
        }
        ObjectNode out = RegistryJson.object().put("is_compatible", reasons.isEmpty());
        if (verbose) {
            out.set("messages", RegistryJson.array(reasons));
        }
        return Reply.of(out);
    }
}

package dev.wharf.registry.http;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.PUT;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wharf.registry.CompatibilityLevel;
import dev.wharf.registry.Mode;
import dev.wharf.registry.RegistryAccess.Operation;
import dev.wharf.registry.RegistryException;
import dev.wharf.registry.SchemaRegistry;

/**
 * {@code /config} and {@code /mode}: the compatibility level and mode of the registry and of each
 * subject. A level is set as {@code {"compatibility":..}} and read back as
 * {@code {"compatibilityLevel":..}}, as in Confluent's API; a subject without its own answers 40408
 * (40409 for a mode) unless {@code defaultToGlobal=true} (kafkajs relies on that 404).
 */
final class SettingsRoutes {
    private final SchemaRegistry registry;

    SettingsRoutes(SchemaRegistry registry) {
        this.registry = registry;
    }

    void addTo(Router router) {
        router.now(GET, "/config", Router.ANY_CALLER, call -> level(registry.effectiveLevel(null)));
        router.add(PUT, "/config", Operation.CONFIGURE, call -> registry.setLevel(null, levelIn(call)).thenApply(SettingsRoutes::levelSet));
        router.add(DELETE, "/config", Operation.CONFIGURE, call -> registry.deleteLevel(null).thenApply(SettingsRoutes::level));
        router.now(GET, "/config/{subject}", Operation.READ, call -> {
            String subject = call.path("subject");
            CompatibilityLevel own = registry.state().level(subject);
            if (own == null && !call.flag("defaultToGlobal")) {
                throw RegistryException.compatibilityNotConfigured(subject);
            }
            return level(own != null ? own : registry.effectiveLevel(null));
        });
        router.add(PUT, "/config/{subject}", Operation.CONFIGURE, call -> registry.setLevel(call.path("subject"), levelIn(call))
                .thenApply(SettingsRoutes::levelSet));
        router.add(DELETE, "/config/{subject}", Operation.CONFIGURE, call -> registry.deleteLevel(call.path("subject")).thenApply(SettingsRoutes::level));

        router.now(GET, "/mode", Router.ANY_CALLER, call -> mode(registry.effectiveMode(null)));
        router.add(PUT, "/mode", Operation.CONFIGURE, call -> registry.setMode(null, modeIn(call), call.flag("force")).thenApply(SettingsRoutes::mode));
        router.now(GET, "/mode/{subject}", Operation.READ, call -> {
            String subject = call.path("subject");
            Mode own = registry.state().mode(subject);
            Mode global = registry.effectiveMode(null);
            if (global == Mode.READONLY_OVERRIDE) {
                return mode(global);
            }
            if (own == null && !call.flag("defaultToGlobal")) {
                throw RegistryException.modeNotConfigured(subject);
            }
            return mode(own != null ? own : global);
        });
        router.add(PUT, "/mode/{subject}", Operation.CONFIGURE, call -> registry.setMode(call.path("subject"), modeIn(call), call.flag("force"))
                .thenApply(SettingsRoutes::mode));
        router.add(DELETE, "/mode/{subject}", Operation.CONFIGURE, call -> registry.deleteMode(call.path("subject")).thenApply(SettingsRoutes::mode));
    }

    private static CompatibilityLevel levelIn(HttpCall call) {
        JsonNode level = call.json().path("compatibility");
        return CompatibilityLevel.parse(level.isTextual() ? level.asText() : null);
    }

    private static Mode modeIn(HttpCall call) {
        JsonNode mode = call.json().path("mode");
        return Mode.parse(mode.isTextual() ? mode.asText() : null);
    }

    private static Reply level(CompatibilityLevel level) {
        return Reply.of(RegistryJson.object().put("compatibilityLevel", level.name()));
    }

    private static Reply levelSet(CompatibilityLevel level) {
        return Reply.of(RegistryJson.object().put("compatibility", level.name()));
    }

    private static Reply mode(Mode mode) {
        return Reply.of(RegistryJson.object().put("mode", mode.name()));
    }
}

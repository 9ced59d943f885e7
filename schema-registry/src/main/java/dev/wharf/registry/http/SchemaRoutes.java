package dev.wharf.registry.http;

import static io.netty.handler.codec.http.HttpMethod.GET;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.wharf.registry.RegistryAccess.Operation;
import dev.wharf.registry.RegistryException;
import dev.wharf.registry.RegistryRecords.StoredVersion;
import dev.wharf.registry.RegistryState;
import dev.wharf.registry.SchemaResolver;
import dev.wharf.registry.Versions;
import java.util.ArrayList;
import java.util.List;

/** {@code /schemas}: schemas by id (what a deserializer asks), the types known, and every schema. */
final class SchemaRoutes {
    private final RegistryState state;
    private final SchemaResolver resolver;

    SchemaRoutes(RegistryState state, SchemaResolver resolver) {
        this.state = state;
        this.resolver = resolver;
    }

    void addTo(Router router) {
        router.now(GET, "/schemas/ids/{id}", Router.ANY_CALLER, call -> {
            int id = id(call);
            RegistryState.Identity schema = readable(call, id);
            var body = RegistryJson.schema(schema).put("schema", resolver.formatted(id, schema.schema(), call.param("format")));
            if (call.flag("fetchMaxId")) {
                body.put("maxId", state.maxId());
            }
            return Reply.of(body);
        });
        router.now(GET, "/schemas/ids/{id}/schema", Router.ANY_CALLER, call -> {
            int id = id(call);
            return Reply.text(resolver.formatted(id, readable(call, id).schema(), call.param("format")));
        });
        router.now(GET, "/schemas/ids/{id}/subjects", Router.ANY_CALLER, call -> Reply.of(RegistryJson.array(
                versionsWithId(call).stream().map(StoredVersion::subject).distinct().toList())));
        router.now(GET, "/schemas/ids/{id}/versions", Router.ANY_CALLER, call -> {
            ArrayNode out = HttpCall.JSON.createArrayNode();
            versionsWithId(call).forEach(v -> out.addObject().put("subject", v.subject()).put("version", v.version()));
            return Reply.of(out);
        });
        router.now(GET, "/schemas/types", Router.ANY_CALLER, call -> Reply.of(RegistryJson.array(resolver.types().stream().map(Enum::name).toList())));
        router.now(GET, "/schemas", Router.ANY_CALLER, this::all);
    }

    private RegistryState.Identity schema(int id) {
        return state.schema(id).orElseThrow(() -> RegistryException.schemaNotFound(id));
    }

    /** The schema with this id, for a caller who may read a subject using it (40301 for one who may not). */
    private RegistryState.Identity readable(HttpCall call, int id) {
        RegistryState.Identity schema = schema(id);
        List<StoredVersion> uses = state.versionsWithId(id);
        if (!uses.isEmpty() && uses.stream().noneMatch(v -> call.may(Operation.READ, v.subject()))) {
            throw RegistryException.deniedSchema(call.caller().principal(), id);
        }
        return schema;
    }

    /** The versions using the id in the path that the caller may read. */
    private List<StoredVersion> versionsWithId(HttpCall call) {
        int id = id(call);
        schema(id);
        boolean deleted = call.flag("deleted");
        String subject = call.param("subject");
        return state.versionsWithId(id).stream().filter(v -> deleted || !v.deleted())
                .filter(v -> subject == null || v.subject().equals(subject)).filter(v -> call.may(Operation.READ, v.subject())).toList();
    }

    /** Every version, by subject then version: {@code subjectPrefix}, {@code deleted}, {@code latestOnly}, {@code offset}, {@code limit}. */
    private Reply all(HttpCall call) {
        String prefix = call.param("subjectPrefix") == null ? "" : call.param("subjectPrefix");
        boolean deleted = call.flag("deleted");
        List<StoredVersion> out = new ArrayList<>();
        for (String subject : state.subjects(vs -> true)) {
            if (!subject.startsWith(prefix) || !call.may(Operation.READ, subject)) {
                continue;
            }
            List<StoredVersion> visible = Versions.visible(state.versions(subject), deleted);
            if (call.flag("latestOnly")) {
                if (!visible.isEmpty()) {
                    out.add(visible.get(visible.size() - 1));
                }
            } else {
                out.addAll(visible);
            }
        }
        int offset = Math.max(0, intParam(call, "offset", 0));
        int limit = intParam(call, "limit", -1);
        ArrayNode body = HttpCall.JSON.createArrayNode();
        out.stream().skip(offset).limit(limit > 0 ? limit : Long.MAX_VALUE).forEach(v -> body.add(RegistryJson.version(v)));
        return Reply.of(body);
    }

    static int intParam(HttpCall call, String name, int otherwise) {
        String value = call.param(name);
        try {
            return value == null ? otherwise : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw new RegistryException(400, 400, "Query parameter " + name + " is not a number: " + value);
        }
    }

    /** The id in the path; a path whose id is not a number names nothing (404, as Confluent's registry answers). */
    private static int id(HttpCall call) {
        try {
            return Integer.parseInt(call.path("id"));
        } catch (NumberFormatException e) {
            throw new RegistryException(404, 404, "HTTP 404 Not Found");
        }
    }
}

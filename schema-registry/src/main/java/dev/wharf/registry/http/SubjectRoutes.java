package dev.wharf.registry.http;

import static io.netty.handler.codec.http.HttpMethod.DELETE;
import static io.netty.handler.codec.http.HttpMethod.GET;
import static io.netty.handler.codec.http.HttpMethod.POST;

import com.fasterxml.jackson.databind.node.IntNode;
import dev.wharf.registry.RegistryAccess.Operation;
import dev.wharf.registry.RegistryException;
import dev.wharf.registry.RegistryReads;
import dev.wharf.registry.RegistryRecords.StoredVersion;
import dev.wharf.registry.RegistryState;
import dev.wharf.registry.SchemaRegistry;
import dev.wharf.registry.SchemaRequest;
import dev.wharf.registry.Versions;
import java.util.List;

/** {@code /subjects}: listing subjects and versions, registering, looking up and deleting. */
final class SubjectRoutes {
    private final SchemaRegistry registry;
    private final RegistryState state;
    private final RegistryReads reads;

    SubjectRoutes(SchemaRegistry registry, RegistryReads reads) {
        this.registry = registry;
        this.state = registry.state();
        this.reads = reads;
    }

    void addTo(Router router) {
        router.now(GET, "/subjects", Router.ANY_CALLER, call -> {
            String prefix = call.param("subjectPrefix") == null ? "" : call.param("subjectPrefix");
            boolean deletedOnly = call.flag("deletedOnly");
            boolean deleted = call.flag("deleted");
            return Reply.of(RegistryJson.array(state.subjects(versions -> {
                boolean live = Versions.latestLive(versions).isPresent();
                return deletedOnly ? !live : live || deleted;
            }).stream().filter(s -> s.startsWith(prefix) && call.may(Operation.READ, s)).toList()));
        });
        router.now(GET, "/subjects/{subject}/versions", Operation.READ, call -> {
            String subject = call.path("subject");
            boolean deletedOnly = call.flag("deletedOnly");
            boolean deleted = call.flag("deleted");
            List<Integer> versions = state.versions(subject).stream()
                    .filter(v -> deletedOnly ? v.deleted() : deleted || !v.deleted()).map(StoredVersion::version).toList();
            if (versions.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            return Reply.of(RegistryJson.array(versions));
        });
        router.now(GET, "/subjects/{subject}/versions/{version}", Operation.READ, call -> {
            StoredVersion v = version(call);
            return Reply.of(RegistryJson.version(v).put("schema", formatted(v, call)));
        });
        router.now(GET, "/subjects/{subject}/versions/{version}/schema", Operation.READ, call -> Reply.text(formatted(version(call), call)));
        router.now(GET, "/subjects/{subject}/versions/{version}/referencedby", Operation.READ, call -> {
            StoredVersion v = reads.version(call.path("subject"), call.path("version"), true);
            return Reply.of(RegistryJson.array(state.referencedBy(v.subject(), v.version())));
        });
        router.add(POST, "/subjects/{subject}/versions", Operation.WRITE, call -> registry.register(call.path("subject"),
                readableReferences(call, RegistryJson.schemaRequest(call)), call.flag("normalize"))
                .thenApply(r -> Reply.of(RegistryJson.object().put("id", r.id()))));
        router.now(POST, "/subjects/{subject}", Operation.READ, call -> Reply.of(RegistryJson.version(reads.lookup(call.path("subject"),
                RegistryJson.schemaRequest(call), call.flag("normalize"), call.flag("deleted")))));
        router.add(DELETE, "/subjects/{subject}", Operation.DELETE, call -> registry.deleteSubject(call.path("subject"), call.flag("permanent"))
                .thenApply(versions -> Reply.of(RegistryJson.array(versions))));
        router.add(DELETE, "/subjects/{subject}/versions/{version}", Operation.DELETE, call -> registry.deleteVersion(call.path("subject"),
                call.path("version"), call.flag("permanent")).thenApply(v -> Reply.of(IntNode.valueOf(v))));
    }

    /** A schema may only use the versions its registrant may read: a reference also keeps its version from being deleted. */
    private static SchemaRequest readableReferences(HttpCall call, SchemaRequest request) {
        request.references().forEach(r -> call.require(Operation.READ, r.subject()));
        return request;
    }

    private String formatted(StoredVersion v, HttpCall call) {
        return registry.resolver().formatted(v.id(), v.schema(), call.param("format"));
    }

    private StoredVersion version(HttpCall call) {
        return reads.version(call.path("subject"), call.path("version"), call.flag("deleted"));
    }
}

package dev.wharf.registry;

import dev.wharf.registry.RegistryRecords.StoredVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The registry's questions about subjects that need more than one lookup: a version as a path
 * names it, whether a schema is registered under a subject, whether one may follow its versions.
 * Answered from this broker's copy of the state; nothing here writes.
 */
public final class RegistryReads {
    private final SchemaRegistry registry;
    private final RegistryState state;
    private final SchemaResolver resolver;

    public RegistryReads(SchemaRegistry registry) {
        this.registry = registry;
        this.state = registry.state();
        this.resolver = registry.resolver();
    }

    /**
     * The version {@code versionText} of {@code subject}. {@code latest} is the newest live
     * version; soft-deleted versions are found only when {@code deleted}.
     */
    public StoredVersion version(String subject, String versionText, boolean deleted) {
        int asked = Versions.parse(versionText);
        List<StoredVersion> all = state.versions(subject);
        List<StoredVersion> visible = Versions.visible(all, deleted);
        if (visible.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        Optional<StoredVersion> found = asked == Versions.LATEST ? Versions.latestLive(all)
                : visible.stream().filter(v -> v.version() == asked).findFirst();
        return found.orElseThrow(() -> asked == Versions.LATEST ? RegistryException.subjectNotFound(subject)
                : RegistryException.versionNotFound(asked));
    }

    /** The version of {@code subject} that is {@code request} (as given, else normalized); 40401 / 40403 otherwise. */
    public StoredVersion lookup(String subject, SchemaRequest request, boolean normalize, boolean deleted) {
        List<StoredVersion> visible = Versions.visible(state.versions(subject), deleted);
        if (visible.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        ParsedSchema parsed = resolver.parseNew(request.type(), request.schema(), request.references());
        List<String> forms = new ArrayList<>();
        forms.add((normalize ? parsed.normalized() : parsed).canonical());
        if (!normalize) {
            forms.add(parsed.normalized().canonical());
        }
        for (String form : forms) {
            for (int i = visible.size() - 1; i >= 0; i--) {
                if (visible.get(i).identity().equals(new RegistryState.Identity(request.type(), form, request.references()))) {
                    return visible.get(i);
                }
            }
        }
        throw RegistryException.schemaNotFound();
    }

    /**
     * Why {@code request} may not be registered after version {@code versionText} of
     * {@code subject} (null: after its live versions, by the subject's level); empty when it may.
     * {@code latest} of a subject without versions is compatible with anything.
     */
    public List<String> compatibilityErrors(String subject, String versionText, SchemaRequest request, boolean normalize) {
        List<StoredVersion> live = Versions.live(state.versions(subject));
        List<StoredVersion> against;
        if (versionText == null) {
            against = live;
        } else {
            int asked = Versions.parse(versionText);
            Optional<StoredVersion> found = asked == Versions.LATEST ? Versions.latestLive(live)
                    : live.stream().filter(v -> v.version() == asked).findFirst();
            if (found.isEmpty() && asked != Versions.LATEST) {
                throw RegistryException.versionNotFound(asked);
            }
            against = found.map(List::of).orElse(List.of());
        }
        ParsedSchema parsed = resolver.parseNew(request.type(), request.schema(), request.references());
        if (normalize) {
            parsed = parsed.normalized();
        }
        List<ParsedSchema> earlier = against.stream().map(v -> resolver.parseStored(v.id())).toList();
        return registry.effectiveLevel(subject).check(parsed, earlier);
    }
}

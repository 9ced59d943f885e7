package dev.wharf.registry;

import dev.wharf.registry.RegistryRecords.StoredVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * What the registry's log says, in memory: every subject's versions, each schema by id, the
 * compatibility levels and modes. Built only by applying the log's records in order
 * ({@link #apply}), so any broker holding a copy of the log answers reads alike.
 *
 * <p>Threads: written by whoever applies the log (one at a time), read by any request thread;
 * {@code this} guards everything.
 */
public final class RegistryState {
    /** A schema as ids name it: the same text, type and references always get the same id. */
    public record Identity(SchemaType type, String schema, List<SchemaReference> references) {}

    private final Map<String, TreeMap<Integer, StoredVersion>> subjects = new HashMap<>();
    private final Map<Integer, Identity> schemas = new HashMap<>();
    private final Map<Identity, Integer> ids = new HashMap<>();
    /** How many versions (live or soft-deleted) use each id: an id goes with its last version. */
    private final Map<Integer, Integer> uses = new HashMap<>();
    private final Map<String, CompatibilityLevel> levels = new HashMap<>();
    private final Map<String, Mode> modes = new HashMap<>();
    private CompatibilityLevel globalLevel;
    private Mode globalMode;
    private int maxId;
    private RegistryRecords.Writer writer;

    /** Applies one record of the log. */
    public synchronized void apply(RegistryRecords.Entry entry) {
        RegistryRecords.Key key = RegistryRecords.readKey(entry.key());
        byte[] value = entry.value();
        if (key instanceof RegistryRecords.SchemaKey k) {
            remove(k.subject(), k.version());
            if (value != null) {
                add(RegistryRecords.readVersion(value));
            }
        } else if (key instanceof RegistryRecords.ConfigKey k) {
            CompatibilityLevel level = value == null ? null : RegistryRecords.readConfig(value);
            if (k.subject() == null) {
                globalLevel = level;
            } else if (level == null) {
                levels.remove(k.subject());
            } else {
                levels.put(k.subject(), level);
            }
        } else if (key instanceof RegistryRecords.ModeKey k) {
            Mode mode = value == null ? null : RegistryRecords.readMode(value);
            if (k.subject() == null) {
                globalMode = mode;
            } else if (mode == null) {
                modes.remove(k.subject());
            } else {
                modes.put(k.subject(), mode);
            }
        } else if (key instanceof RegistryRecords.MaxIdKey && value != null) {
            maxId = Math.max(maxId, RegistryRecords.readMaxId(value));
        } else if (key instanceof RegistryRecords.WriterKey) {
            writer = value == null ? null : RegistryRecords.readWriter(value);
        }
    }

    /** The writer the log last announced; null before any. */
    public synchronized RegistryRecords.Writer writer() {
        return writer;
    }

    /** Applies records in log order, all at once: a reader sees none of them or all. */
    public synchronized void applyAll(List<RegistryRecords.Entry> entries) {
        entries.forEach(this::apply);
    }

    /** Forgets everything, then applies {@code entries}: the state of another copy of the log. */
    public synchronized void reset(List<RegistryRecords.Entry> entries) {
        subjects.clear();
        schemas.clear();
        ids.clear();
        uses.clear();
        levels.clear();
        modes.clear();
        globalLevel = null;
        globalMode = null;
        maxId = 0;
        writer = null;
        entries.forEach(this::apply);
    }

    private void add(StoredVersion v) {
        subjects.computeIfAbsent(v.subject(), s -> new TreeMap<>()).put(v.version(), v);
        Identity identity = v.identity();
        schemas.putIfAbsent(v.id(), identity);
        ids.putIfAbsent(identity, v.id());
        uses.merge(v.id(), 1, Integer::sum);
        maxId = Math.max(maxId, v.id());
    }

    private void remove(String subject, int version) {
        TreeMap<Integer, StoredVersion> versions = subjects.get(subject);
        StoredVersion old = versions == null ? null : versions.remove(version);
        if (old == null) {
            return;
        }
        if (versions.isEmpty()) {
            subjects.remove(subject);
        }
        if (uses.merge(old.id(), -1, Integer::sum) <= 0) {
            uses.remove(old.id());
            Identity identity = schemas.remove(old.id());
            ids.remove(identity, old.id());
        }
    }

    /** The schema with this id, while any version (live or soft-deleted) uses it. */
    public synchronized Optional<Identity> schema(int id) {
        return Optional.ofNullable(schemas.get(id));
    }

    /** The id given to this schema, if any version still uses it. */
    public synchronized Optional<Integer> idOf(Identity identity) {
        return Optional.ofNullable(ids.get(identity));
    }

    /** The highest id ever given (0 before any). */
    public synchronized int maxId() {
        return maxId;
    }

    /** Every version of {@code subject}, soft-deleted ones too, in version order. */
    public synchronized List<StoredVersion> versions(String subject) {
        TreeMap<Integer, StoredVersion> versions = subjects.get(subject);
        return versions == null ? List.of() : List.copyOf(versions.values());
    }

    /** The subjects with a version matching {@code which}, sorted. */
    public synchronized List<String> subjects(Predicate<List<StoredVersion>> which) {
        List<String> out = new ArrayList<>();
        subjects.forEach((subject, versions) -> {
            if (which.test(List.copyOf(versions.values()))) {
                out.add(subject);
            }
        });
        out.sort(null);
        return out;
    }

    /** Every version (of any subject) with this id, in subject then version order. */
    public synchronized List<StoredVersion> versionsWithId(int id) {
        List<StoredVersion> out = new ArrayList<>();
        subjects.values().forEach(vs -> vs.values().stream().filter(v -> v.id() == id).forEach(out::add));
        out.sort(java.util.Comparator.comparing(StoredVersion::subject).thenComparingInt(StoredVersion::version));
        return out;
    }

    /** The ids of the schemas whose references name {@code subject} version {@code version}, ascending. */
    public synchronized List<Integer> referencedBy(String subject, int version) {
        return subjects.values().stream().flatMap(vs -> vs.values().stream())
                .filter(v -> v.references().stream().anyMatch(r -> r.subject().equals(subject) && r.version() == version))
                .map(StoredVersion::id).distinct().sorted().toList();
    }

    /** The subject's own compatibility level (null: none set); a null subject asks for the registry's. */
    public synchronized CompatibilityLevel level(String subject) {
        return subject == null ? globalLevel : levels.get(subject);
    }

    /** The subject's own mode (null: none set); a null subject asks for the registry's. */
    public synchronized Mode mode(String subject) {
        return subject == null ? globalMode : modes.get(subject);
    }
}

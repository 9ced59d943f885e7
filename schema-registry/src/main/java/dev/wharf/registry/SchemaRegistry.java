package dev.wharf.registry;

import dev.wharf.registry.RegistryRecords.Entry;
import dev.wharf.registry.RegistryRecords.StoredVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's changes: registering schemas, deleting versions and subjects, setting
 * compatibility levels and modes. Each is decided on the writer against the state as the log has
 * it, one change at a time ({@link RegistryLog}), so two clients registering the same schema at
 * once get the same id, and an id is only ever given by the writer. The state changes only once
 * the records are durable.
 */
public final class SchemaRegistry {
    private static final Logger log = LoggerFactory.getLogger(SchemaRegistry.class);

    /** What a registration answers: the schema's id and its version in the subject. */
    public record Registered(int id, int version) {}

    private final RegistryState state;
    private final SchemaResolver resolver;
    private final RegistryLog registryLog;
    private final CompatibilityLevel defaultLevel;

    public SchemaRegistry(RegistryState state, SchemaResolver resolver, RegistryLog registryLog, CompatibilityLevel defaultLevel) {
        this.state = state;
        this.resolver = resolver;
        this.registryLog = registryLog;
        this.defaultLevel = defaultLevel;
    }

    public RegistryState state() {
        return state;
    }

    /** Where changes go; also says whether this broker writes them. */
    public RegistryLog log() {
        return registryLog;
    }

    public SchemaResolver resolver() {
        return resolver;
    }

    /** The level that applies to {@code subject}: its own, else the registry's, else the configured default. */
    public CompatibilityLevel effectiveLevel(String subject) {
        CompatibilityLevel own = subject == null ? null : state.level(subject);
        if (own != null) {
            return own;
        }
        CompatibilityLevel global = state.level(null);
        return global != null ? global : defaultLevel;
    }

    /** The mode that applies to {@code subject}: READONLY_OVERRIDE set globally, else its own, else the registry's. */
    public Mode effectiveMode(String subject) {
        Mode global = state.mode(null);
        if (global == Mode.READONLY_OVERRIDE || subject == null) {
            return global == null ? Mode.READWRITE : global;
        }
        Mode own = state.mode(subject);
        return own != null ? own : global == null ? Mode.READWRITE : global;
    }

    /** 42208 for a subject no registry accepts: one with control characters, or the reserved {@code __GLOBAL}. */
    public static void checkSubject(String subject) {
        if (subject.equals("__GLOBAL") || subject.chars().anyMatch(Character::isISOControl)) {
            throw RegistryException.invalidSubject(subject);
        }
    }

    /** Registers {@code request} under {@code subject}, or answers the version it already is there. */
    public CompletableFuture<Registered> register(String subject, SchemaRequest request, boolean normalize) {
        checkSubject(subject);
        return submit(new Change<Registered>("Register operation") {
            @Override
            List<Entry> decide() {
                Mode mode = effectiveMode(subject);
                boolean importing = request.id() != null && request.id() >= 0;
                if (mode.readOnly()) {
                    throw RegistryException.notPermitted("Subject " + subject + " is in read-only mode");
                } else if (importing && mode != Mode.IMPORT) {
                    throw RegistryException.notPermitted("Subject " + subject + " is not in import mode");
                } else if (!importing && mode == Mode.IMPORT) {
                    throw RegistryException.notPermitted("Subject " + subject + " is not in read-write mode");
                }
                ParsedSchema parsed = resolver.parseNew(request.type(), request.schema(), request.references());
                if (normalize) {
                    parsed = parsed.normalized();
                }
                RegistryState.Identity identity = new RegistryState.Identity(request.type(), parsed.canonical(),
                        request.references());
                List<StoredVersion> versions = state.versions(subject);
                for (StoredVersion v : versions) {
                    if (!v.deleted() && v.identity().equals(identity) && (!importing || v.id() == request.id())) {
                        result = new Registered(v.id(), v.version());
                        return List.of();
                    }
                }
                int next = versions.isEmpty() ? 1 : versions.get(versions.size() - 1).version() + 1;
                int id;
                int version;
                if (importing) {
                    id = request.id();
                    if (state.schema(id).filter(s -> !s.equals(identity)).isPresent()) {
                        throw RegistryException.notPermitted("Overwrite new schema with id " + id + " is not permitted.");
                    }
                    version = request.version() != null && request.version() > 0 ? request.version() : next;
                    if (versions.stream().anyMatch(v -> v.version() == version)) {
                        throw RegistryException.notPermitted("Overwrite new schema version " + version + " of subject " + subject
                                + " is not permitted.");
                    }
                } else {
                    if (request.version() != null && request.version() > 0 && request.version() != next) {
                        throw RegistryException.invalidSchema("Version is not one more than previous version");
                    }
                    List<ParsedSchema> live = Versions.live(versions).stream().map(v -> resolver.parseStored(v.id())).toList();
                    List<String> reasons = effectiveLevel(subject).check(parsed, live);
                    if (!reasons.isEmpty()) {
                        throw RegistryException.incompatible(subject, reasons);
                    }
                    id = state.idOf(identity).orElse(state.maxId() + 1);
                    version = next;
                }
                List<Entry> out = new ArrayList<>();
                for (StoredVersion v : versions) {
                    if (v.deleted() && v.id() == id) {
                        // as Confluent does: the schema comes back as a new version, its soft-deleted one goes for good
                        out.add(RegistryRecords.versionRemoved(subject, v.version()));
                    }
                }
                out.add(RegistryRecords.version(new StoredVersion(subject, version, id, request.type(), parsed.canonical(),
                        request.references(), false)));
                if (id > state.maxId()) {
                    out.add(RegistryRecords.maxId(id));
                }
                result = new Registered(id, version);
                return out;
            }
        });
    }

    /** Soft-deletes every live version of {@code subject}, or (permanent) removes every version already soft-deleted. */
    public CompletableFuture<List<Integer>> deleteSubject(String subject, boolean permanent) {
        return submit(new Change<List<Integer>>("Delete subject operation") {
            @Override
            List<Entry> decide() {
                List<StoredVersion> versions = state.versions(subject);
                if (versions.isEmpty()) {
                    throw RegistryException.subjectNotFound(subject);
                }
                checkWritable(subject);
                List<StoredVersion> live = Versions.live(versions);
                if (!permanent && live.isEmpty()) {
                    throw RegistryException.subjectSoftDeleted(subject);
                } else if (permanent && !live.isEmpty()) {
                    throw RegistryException.subjectNotSoftDeleted(subject);
                }
                List<StoredVersion> affected = permanent ? versions : live;
                List<Entry> out = new ArrayList<>();
                for (StoredVersion v : affected) {
                    checkNotReferenced(v);
                    out.add(permanent ? RegistryRecords.versionRemoved(subject, v.version()) : softDeleted(v));
                }
                if (permanent) {
                    removeSubjectSettings(subject, out);
                }
                result = affected.stream().map(StoredVersion::version).toList();
                return out;
            }
        });
    }

    /** Soft-deletes one version, or (permanent) removes one already soft-deleted; answers its number. */
    public CompletableFuture<Integer> deleteVersion(String subject, String versionText, boolean permanent) {
        int asked = Versions.parse(versionText);
        return submit(new Change<Integer>("Delete schema version operation") {
            @Override
            List<Entry> decide() {
                List<StoredVersion> versions = state.versions(subject);
                Optional<StoredVersion> found = asked == Versions.LATEST ? Versions.latestLive(versions)
                        : versions.stream().filter(v -> v.version() == asked).findFirst();
                if (found.isEmpty()) {
                    throw versions.isEmpty() ? RegistryException.subjectNotFound(subject) : RegistryException.versionNotFound(asked);
                }
                StoredVersion v = found.get();
                if (v.deleted() && !permanent) {
                    throw RegistryException.versionSoftDeleted(subject, v.version());
                }
                checkWritable(subject);
                checkNotReferenced(v);
                if (permanent && !v.deleted()) {
                    throw RegistryException.versionNotSoftDeleted(subject, v.version());
                }
                List<Entry> out = new ArrayList<>();
                out.add(permanent ? RegistryRecords.versionRemoved(subject, v.version()) : softDeleted(v));
                if (permanent && versions.size() == 1) {
                    removeSubjectSettings(subject, out);
                }
                result = v.version();
                return out;
            }
        });
    }

    private static Entry softDeleted(StoredVersion v) {
        return RegistryRecords.version(new StoredVersion(v.subject(), v.version(), v.id(), v.type(), v.schema(), v.references(), true));
    }

    /** A subject removed for good takes its own level and mode with it, as Confluent's registry does. */
    private void removeSubjectSettings(String subject, List<Entry> out) {
        if (state.level(subject) != null) {
            out.add(RegistryRecords.config(subject, null));
        }
        if (state.mode(subject) != null) {
            out.add(RegistryRecords.mode(subject, null));
        }
    }

    private void checkWritable(String subject) {
        if (effectiveMode(subject).readOnly()) {
            throw RegistryException.notPermitted("Subject " + subject + " is in read-only mode");
        }
    }

    private void checkNotReferenced(StoredVersion v) {
        if (!state.referencedBy(v.subject(), v.version()).isEmpty()) {
            throw RegistryException.referenceExists(v.subject(), v.version());
        }
    }

    /** Sets the level of {@code subject} (null: the registry's). */
    public CompletableFuture<CompatibilityLevel> setLevel(String subject, CompatibilityLevel level) {
        if (subject != null) {
            checkSubject(subject);
        }
        return submit(new Change<CompatibilityLevel>("Update compatibility level operation") {
            @Override
            List<Entry> decide() {
                checkWritable(subject);
                result = level;
                return List.of(RegistryRecords.config(subject, level));
            }
        });
    }

    /** Removes the level of {@code subject} (null: the registry's, back to the default); answers the one it had. */
    public CompletableFuture<CompatibilityLevel> deleteLevel(String subject) {
        return submit(new Change<CompatibilityLevel>("Delete compatibility level operation") {
            @Override
            List<Entry> decide() {
                CompatibilityLevel previous = state.level(subject);
                if (previous == null && subject != null) {
                    throw RegistryException.subjectNotFound(subject);
                }
                checkWritable(subject);
                result = previous == null ? defaultLevel : previous;
                return previous == null ? List.of() : List.of(RegistryRecords.config(subject, null));
            }
        });
    }

    /**
     * Sets the mode of {@code subject} (null: the registry's). Going to IMPORT needs no live subject
     * in its scope unless {@code force}: imported ids must not meet ids given here.
     */
    public CompletableFuture<Mode> setMode(String subject, Mode mode, boolean force) {
        if (subject != null) {
            checkSubject(subject);
        }
        return submit(new Change<Mode>("Update mode operation") {
            @Override
            List<Entry> decide() {
                if (mode == Mode.IMPORT && effectiveMode(subject) != Mode.IMPORT && !force) {
                    boolean live = subject == null
                            ? !state.subjects(vs -> vs.stream().anyMatch(v -> !v.deleted())).isEmpty()
                            : Versions.latestLive(state.versions(subject)).isPresent();
                    if (live) {
                        throw RegistryException.notPermitted("Cannot import since found existing subjects");
                    }
                }
                result = mode;
                return List.of(RegistryRecords.mode(subject, mode));
            }
        });
    }

    /** Removes the mode of {@code subject}; answers the one it had. */
    public CompletableFuture<Mode> deleteMode(String subject) {
        return submit(new Change<Mode>("Delete mode operation") {
            @Override
            List<Entry> decide() {
                Mode previous = state.mode(subject);
                if (previous == null) {
                    throw RegistryException.subjectNotFound(subject);
                }
                result = previous;
                return List.of(RegistryRecords.mode(subject, null));
            }
        });
    }

    private <T> CompletableFuture<T> submit(Change<T> change) {
        return registryLog.write(change).thenCompose(outcome -> outcome.failure() == null
                ? CompletableFuture.completedFuture(outcome.value()) : CompletableFuture.failedFuture(outcome.failure()));
    }

    /** A change's answer: its value, or why it was refused. */
    record Outcome<T>(T value, RegistryException failure) {}

    /** One change: decides its records on the writer, applies them once durable; a refusal writes nothing. */
    private abstract class Change<T> implements RegistryLog.Write<Outcome<T>> {
        private final String what;
        private List<Entry> records = List.of();
        private RegistryException refused;
        T result;

        Change(String what) {
            this.what = what;
        }

        /** The records to append, and {@link #result} set; throws {@link RegistryException} to refuse. */
        abstract List<Entry> decide();

        @Override
        public final List<Entry> records() {
            try {
                records = decide();
            } catch (RegistryException e) {
                refused = e;
                records = List.of();
            } catch (RuntimeException e) {
                log.error("{} failed", what, e);
                refused = RegistryException.storeError(what + " failed: " + e);
                records = List.of();
            }
            return records;
        }

        @Override
        public final Outcome<T> applied() {
            if (refused != null) {
                return new Outcome<>(null, refused);
            }
            records.forEach(state::apply);
            return new Outcome<>(result, null);
        }

        @Override
        public final Outcome<T> failed(Exception cause) {
            return new Outcome<>(null, cause instanceof RegistryException r ? r
                    : RegistryException.storeError(what + " failed while writing to the registry's log: " + cause.getMessage()));
        }
    }
}

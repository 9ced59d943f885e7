package dev.wharf.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.registry.avro.AvroFormat;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/**
 * The registry's rules against a log kept in a list: ids and versions as Confluent gives them, and
 * the state always what the log says, replayed whole or after compaction keeps each key's last value.
 * (The broker's own log is exercised by the compat tests.)
 */
class SchemaRegistryTest {
    /** A log in memory: each write appended at once. */
    static final class ListLog implements RegistryLog {
        final List<RegistryRecords.Entry> entries = new ArrayList<>();

        @Override
        public synchronized <T> CompletableFuture<T> write(Write<T> write) {
            entries.addAll(write.records());
            return CompletableFuture.completedFuture(write.applied());
        }
    }

    private final ListLog log = new ListLog();
    private final SchemaRegistry registry = registryOn(new RegistryState(), log);

    private static SchemaRegistry registryOn(RegistryState state, RegistryLog log) {
        return new SchemaRegistry(state, new SchemaResolver(state, List.of(new AvroFormat())), log, CompatibilityLevel.BACKWARD);
    }

    private static String record(String name, String... fields) {
        return "{\"type\":\"record\",\"name\":\"" + name + "\",\"fields\":[" + String.join(",", fields) + "]}";
    }

    private SchemaRegistry.Registered register(String subject, String schema) {
        return registry.register(subject, SchemaRequest.of(schema, SchemaType.AVRO), false).join();
    }

    private static int errorCode(CompletableFuture<?> f) {
        try {
            f.join();
            return 0;
        } catch (CompletionException e) {
            return ((RegistryException) e.getCause()).errorCode();
        }
    }

    // Ids are global and reused for the same schema; versions count per subject from 1.
    @Test
    void idsAreGlobalAndVersionsPerSubject() {
        String a = record("A", "{\"name\":\"x\",\"type\":\"int\"}");
        String b = record("B", "{\"name\":\"x\",\"type\":\"int\"}");
        assertEquals(new SchemaRegistry.Registered(1, 1), register("s1", a));
        assertEquals(new SchemaRegistry.Registered(1, 1), register("s1", a));
        assertEquals(new SchemaRegistry.Registered(2, 1), register("s2", b));
        assertEquals(new SchemaRegistry.Registered(1, 1), register("s3", a));
        assertEquals(409, errorCode(registry.register("s1", SchemaRequest.of(b, SchemaType.AVRO), false)),
                "another record name is not BACKWARD compatible");
        registry.setLevel("s1", CompatibilityLevel.NONE).join();
        assertEquals(new SchemaRegistry.Registered(2, 2), register("s1", b));
        assertEquals(1, log.entries.stream().filter(e -> RegistryRecords.readKey(e.key()) instanceof RegistryRecords.MaxIdKey
                && RegistryRecords.readMaxId(e.value()) == 2).count(), "the highest id is written once, with the schema that took it");
    }

    // The log alone rebuilds the state: replayed whole, or compacted to each key's last value.
    @Test
    void theStateIsWhatTheLogSaysReplayedOrCompacted() {
        String a = record("A", "{\"name\":\"x\",\"type\":\"int\"}");
        String b = record("B", "{\"name\":\"x\",\"type\":\"int\"}");
        String c = record("C", "{\"name\":\"x\",\"type\":\"int\"}");
        register("s1", a);
        register("s2", b);
        register("s3", c);
        registry.setLevel(null, CompatibilityLevel.FULL).join();
        registry.setMode("s2", Mode.READONLY, false).join();
        registry.deleteSubject("s3", false).join();
        registry.deleteSubject("s3", true).join(); // the highest id goes with it
        registry.deleteVersion("s1", "latest", false).join();

        RegistryState replayed = new RegistryState();
        replayed.reset(log.entries);
        Map<ByteBuffer, RegistryRecords.Entry> compacted = new LinkedHashMap<>();
        log.entries.forEach(e -> {
            compacted.remove(ByteBuffer.wrap(e.key()));
            compacted.put(ByteBuffer.wrap(e.key()), e);
        });
        RegistryState afterCompaction = new RegistryState();
        afterCompaction.reset(compacted.values().stream().filter(e -> e.value() != null).toList());
        for (RegistryState state : List.of(replayed, afterCompaction)) {
            assertEquals(registry.state().versions("s1"), state.versions("s1"));
            assertTrue(state.versions("s1").get(0).deleted());
            assertEquals(List.of(), state.versions("s3"));
            assertTrue(state.schema(3).isEmpty(), "an id whose every version is gone is gone");
            assertEquals(3, state.maxId());
            assertEquals(CompatibilityLevel.FULL, state.level(null));
            assertEquals(Mode.READONLY, state.mode("s2"));
            SchemaRegistry again = registryOn(state, new ListLog());
            assertEquals(4, again.register("s4", SchemaRequest.of(record("D", "{\"name\":\"x\",\"type\":\"int\"}"),
                    SchemaType.AVRO), false).join().id(), "an id once given is never given again");
        }
    }

    // Permanent deletes need a soft one first; soft deletes twice are refused; references protect their target.
    // as Confluent: registering a soft-deleted schema again gives it a new version, and the deleted one goes for good
    @Test
    void aSoftDeletedSchemaRegisteredAgainReplacesItsDeletedVersion() {
        String schema = record("Again", "{\"name\":\"a\",\"type\":\"int\"}");
        SchemaRegistry.Registered first = register("again", schema);
        assertEquals(List.of(1), registry.deleteSubject("again", false).join());
        SchemaRegistry.Registered second = register("again", schema);
        assertEquals(first.id(), second.id());
        assertEquals(2, second.version());
        assertEquals(List.of(2), registry.state().versions("again").stream().map(v -> v.version()).toList());
    }

    @Test
    void deletesFollowConfluentOrder() {
        String address = record("Address", "{\"name\":\"city\",\"type\":\"string\"}");
        register("address", address);
        SchemaReference ref = new SchemaReference("Address", "address", 1);
        SchemaRegistry.Registered customer = registry.register("customer", new SchemaRequest(record("Customer",
                "{\"name\":\"home\",\"type\":\"Address\"}"), SchemaType.AVRO, List.of(ref), null, null), false).join();
        assertEquals(List.of(customer.id()), registry.state().referencedBy("address", 1));
        assertEquals(42206, errorCode(registry.deleteSubject("address", false)));
        assertEquals(40405, errorCode(registry.deleteSubject("customer", true)));
        assertEquals(List.of(1), registry.deleteSubject("customer", false).join());
        assertEquals(40404, errorCode(registry.deleteSubject("customer", false)));
        assertEquals(42206, errorCode(registry.deleteSubject("address", false)), "a soft-deleted version still refers");
        assertEquals(List.of(1), registry.deleteSubject("customer", true).join());
        assertEquals(List.of(1), registry.deleteSubject("address", false).join());
        assertEquals(40401, errorCode(registry.deleteSubject("nobody", false)));
        assertEquals(42201, errorCode(registry.register("orphan", new SchemaRequest(record("O", "{\"name\":\"a\",\"type\":\"Address\"}"),
                SchemaType.AVRO, List.of(new SchemaReference("Address", "address", 7)), null, null), false)));
    }
}

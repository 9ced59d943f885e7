package dev.wharf.wire.message;

import dev.wharf.generator.FieldSpec;
import dev.wharf.generator.MessageClassGenerator;
import dev.wharf.generator.MessageSpec;
import dev.wharf.generator.SpecParser;
import dev.wharf.generator.StructSpec;
import dev.wharf.generator.Versions;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The Kafka message specs the build extracted from kafka-clients, parsed for tests. */
final class SpecCatalog {
    private static List<MessageSpec> cached;

    private SpecCatalog() {}

    static synchronized List<MessageSpec> all() {
        if (cached == null) {
            String dir = System.getProperty("wharf.specs.dir", "target/kafka-message-specs/common/message");
            SpecParser parser = new SpecParser();
            List<MessageSpec> specs = new ArrayList<>();
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".json")).sorted().toList()) {
                    try (InputStream in = Files.newInputStream(f)) {
                        specs.add(parser.parse(in, f.getFileName().toString()));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read specs from " + dir, e);
            }
            if (specs.isEmpty()) {
                throw new IllegalStateException("no specs in " + dir);
            }
            cached = List.copyOf(specs);
        }
        return cached;
    }

    /** Every struct of a message by name: common structs and inline ones. */
    static Map<String, List<FieldSpec>> structs(MessageSpec spec) {
        Map<String, List<FieldSpec>> out = new HashMap<>();
        for (StructSpec s : spec.commonStructs()) {
            out.put(s.name(), s.fields());
        }
        collect(spec.struct().fields(), out);
        return out;
    }

    private static void collect(List<FieldSpec> fields, Map<String, List<FieldSpec>> out) {
        for (FieldSpec f : fields) {
            if (f.structName().isPresent() && !f.fields().isEmpty()) {
                out.put(f.structName().get(), f.fields());
                collect(f.fields(), out);
            }
        }
    }

    static Versions versions(MessageSpec spec) {
        return MessageClassGenerator.messageVersions(spec);
    }
}

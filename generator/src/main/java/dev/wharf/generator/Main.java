package dev.wharf.generator;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Command line: {@code Main <spec dir> <output source root> <package>}. Generates one class per
 * {@code *.json} spec plus the {@code ApiKey} table when the specs define APIs.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: Main <spec dir> <output source root> <package>");
            System.exit(2);
        }
        int count = generate(Path.of(args[0]), Path.of(args[1]), args[2]);
        System.out.println("wharf-generator: generated " + count + " message classes into " + args[1]);
    }

    /** Generates every message class and the API table; returns the number of message classes. */
    public static int generate(Path specDir, Path outRoot, String packageName) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(specDir)) {
            files = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new SpecException("no *.json specs in " + specDir);
        }
        SpecParser parser = new SpecParser();
        List<MessageSpec> specs = new ArrayList<>();
        for (Path f : files) {
            try (InputStream in = Files.newInputStream(f)) {
                specs.add(parser.parse(in, f.getFileName().toString()));
            }
        }
        Path out = outRoot.resolve(packageName.replace('.', '/'));
        Files.createDirectories(out);
        Set<Path> generated = new HashSet<>();
        for (MessageSpec spec : specs) {
            MessageClassGenerator gen = new MessageClassGenerator(spec, packageName);
            generated.add(write(out.resolve(gen.className() + ".java"), gen.generate()));
        }
        if (specs.stream().anyMatch(s -> s.kind() == MessageSpec.Kind.REQUEST)) {
            generated.add(write(out.resolve("ApiKey.java"), new ApiTableGenerator(specs, packageName).generate()));
        }
        // A spec that disappeared must not leave its class behind to compile on.
        try (Stream<Path> existing = Files.list(out)) {
            for (Path p : existing.filter(p -> p.toString().endsWith(".java")).toList()) {
                if (!generated.contains(p)) {
                    Files.delete(p);
                }
            }
        }
        return specs.size();
    }

    private static Path write(Path file, String source) throws IOException {
        byte[] bytes = source.getBytes(StandardCharsets.UTF_8);
        // Leave unchanged files alone so incremental builds do not recompile everything.
        if (!Files.exists(file) || !Arrays.equals(Files.readAllBytes(file), bytes)) {
            Files.write(file, bytes);
        }
        return file;
    }
}

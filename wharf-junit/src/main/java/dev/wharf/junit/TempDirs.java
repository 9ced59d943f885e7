package dev.wharf.junit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** Deletes a cluster's temporary directory, deepest paths first. Stateless. */
final class TempDirs {
    private TempDirs() {
    }

    static void delete(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> all = Files.walk(dir)) {
            paths = all.sorted(Comparator.reverseOrder()).toList();
        }
        for (Path p : paths) {
            try {
                Files.delete(p);
            } catch (NoSuchFileException gone) {
                // a log file removed by the broker's own clean-up meanwhile
            }
        }
    }
}

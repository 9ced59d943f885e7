package dev.wharf.registry;

import dev.wharf.registry.RegistryRecords.StoredVersion;
import java.util.List;
import java.util.Optional;

/** A version as a path names it: a number from 1, or {@code latest} (also {@code -1}): the newest live version. */
public final class Versions {
    public static final int LATEST = -1;

    private Versions() {}

    /** The version {@code text} names ({@link #LATEST} for the latest); 42202 for anything else. */
    public static int parse(String text) {
        String t = text.trim();
        if (t.equalsIgnoreCase("latest")) {
            return LATEST;
        }
        try {
            int v = Integer.parseInt(t);
            if (v >= 1 || v == LATEST) {
                return v;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw RegistryException.invalidVersion(text);
    }

    /** The newest version not soft-deleted. */
    public static Optional<StoredVersion> latestLive(List<StoredVersion> versions) {
        for (int i = versions.size() - 1; i >= 0; i--) {
            if (!versions.get(i).deleted()) {
                return Optional.of(versions.get(i));
            }
        }
        return Optional.empty();
    }

    public static List<StoredVersion> live(List<StoredVersion> versions) {
        return versions.stream().filter(v -> !v.deleted()).toList();
    }

    /** What a request sees of {@code versions}: every one with {@code deleted=true}, else the live ones. */
    public static List<StoredVersion> visible(List<StoredVersion> versions, boolean deleted) {
        return deleted ? versions : live(versions);
    }
}

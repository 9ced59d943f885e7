package dev.wharf.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a new version must relate to the earlier live versions of its subject. BACKWARD: the new
 * schema reads data written with the old; FORWARD: the old reads data written with the new; FULL:
 * both. The plain levels compare with the latest live version, the transitive ones with every live
 * version, newest first, stopping at the first that fails (as Confluent's registry does).
 */
public enum CompatibilityLevel {
    NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE;

    /** The level named {@code name}, in any case; 42203 otherwise. */
    public static CompatibilityLevel parse(String name) {
        if (name == null) {
            throw RegistryException.invalidCompatibilityLevel();
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalidCompatibilityLevel();
        }
    }

    private boolean transitive() {
        return this == BACKWARD_TRANSITIVE || this == FORWARD_TRANSITIVE || this == FULL_TRANSITIVE;
    }

    /**
     * Why {@code candidate} may not follow {@code earlier} (live versions, oldest first); empty when
     * it may.
     */
    public List<String> check(ParsedSchema candidate, List<ParsedSchema> earlier) {
        if (this == NONE || earlier.isEmpty()) {
            return List.of();
        }
        int oldest = transitive() ? 0 : earlier.size() - 1;
        for (int i = earlier.size() - 1; i >= oldest; i--) {
            List<String> reasons = checkOne(candidate, earlier.get(i));
            if (!reasons.isEmpty()) {
                return reasons;
            }
        }
        return List.of();
    }

    private List<String> checkOne(ParsedSchema candidate, ParsedSchema previous) {
        if (candidate.type() != previous.type()) {
            return List.of("Incompatible because of different schema type");
        }
        List<String> reasons = new ArrayList<>();
        switch (this) {
            case BACKWARD, BACKWARD_TRANSITIVE -> reasons.addAll(candidate.readErrors(previous, "new", "old"));
            case FORWARD, FORWARD_TRANSITIVE -> reasons.addAll(previous.readErrors(candidate, "old", "new"));
            case FULL, FULL_TRANSITIVE -> {
                reasons.addAll(previous.readErrors(candidate, "old", "new"));
                reasons.addAll(candidate.readErrors(previous, "new", "old"));
            }
            default -> { }
        }
        if (!reasons.isEmpty()) {
            reasons.add("{compatibility: '" + name() + "'}");
        }
        return reasons;
    }
}

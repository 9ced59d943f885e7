package dev.wharf.registry;

import java.util.Locale;

/**
 * What a subject (or the whole registry) accepts: READWRITE everything; READONLY and
 * READONLY_OVERRIDE (which also overrides subject modes when set globally) no change; IMPORT only
 * registrations that bring their own id and version, with no compatibility check, to copy another
 * registry.
 */
public enum Mode {
    READWRITE, READONLY, READONLY_OVERRIDE, IMPORT;

    /** The mode named {@code name}, in any case; 42204 otherwise. */
    public static Mode parse(String name) {
        if (name == null) {
            throw RegistryException.invalidMode();
        }
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw RegistryException.invalidMode();
        }
    }

    public boolean readOnly() {
        return this == READONLY || this == READONLY_OVERRIDE;
    }
}

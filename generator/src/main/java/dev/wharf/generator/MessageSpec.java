package dev.wharf.generator;

import java.util.List;
import java.util.Optional;

/** One JSON spec file: a request, a response, a header or a data (non-API) message. */
public record MessageSpec(
        String name,
        Kind kind,
        Optional<Short> apiKey,
        Versions validVersions,
        Versions flexibleVersions,
        boolean latestVersionUnstable,
        List<String> listeners,
        StructSpec struct,
        List<StructSpec> commonStructs) {

    public enum Kind {
        REQUEST,
        RESPONSE,
        HEADER,
        DATA
    }
}

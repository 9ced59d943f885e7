package dev.wharf.bench.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a load tool connects: a broker's bootstrap address and, for its TLS listener, the client
 * properties file ({@link TlsStore#clientConfig()}) the tool reads with {@code --command-config}.
 */
record Endpoint(String bootstrap, Optional<Path> clientConfig) {
    static Endpoint plaintext(String bootstrap) {
        return new Endpoint(bootstrap, Optional.empty());
    }

    static Endpoint tls(String bootstrap, TlsStore store) {
        return new Endpoint(bootstrap, Optional.of(store.clientConfig()));
    }

    /** The arguments ProducerPerformance and ConsumerPerformance (4.4) take for it. */
    List<String> toolArguments() {
        List<String> args = new ArrayList<>(List.of("--bootstrap-server", bootstrap));
        clientConfig.ifPresent(file -> args.addAll(List.of("--command-config", file.toString())));
        return args;
    }
}

package dev.wharf.server.security.sasl;

import dev.wharf.server.config.ListenerSettings;
import dev.wharf.server.security.ScramCredential;
import dev.wharf.server.security.ScramCredentials;
import dev.wharf.server.security.ScramFormatter;
import dev.wharf.server.security.ScramMechanism;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Test users: SCRAM credentials kept in memory, and listener settings for a SASL_PLAINTEXT listener. */
final class Users implements ScramCredentials {
    static final String LISTENER = "SASL_PLAINTEXT";

    private final Map<String, ScramCredential> credentials = new HashMap<>();

    Users add(String user, String password, ScramMechanism mechanism) {
        credentials.put(user + "/" + mechanism, ScramFormatter.credential(mechanism, password,
                ("salt-of-" + user).getBytes(StandardCharsets.UTF_8), 4096));
        return this;
    }

    @Override
    public Optional<ScramCredential> lookup(String user, ScramMechanism mechanism) {
        return Optional.ofNullable(credentials.get(user + "/" + mechanism));
    }

    /** Listener settings from alternating key, value pairs. */
    static ListenerSettings listener(String... keyValues) {
        Map<String, String> raw = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            raw.put(keyValues[i], keyValues[i + 1]);
        }
        return new ListenerSettings(LISTENER, raw);
    }

    /** The key of a mechanism's JAAS config on the test listener. */
    static String jaasKey(String mechanism) {
        return "listener.name.sasl_plaintext." + mechanism.toLowerCase(java.util.Locale.ROOT) + ".sasl.jaas.config";
    }
}

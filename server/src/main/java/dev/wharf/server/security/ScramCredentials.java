package dev.wharf.server.security;

import java.util.Optional;

/** Where the SASL layer finds a user's SCRAM credential (stored in ZooKeeper). Any thread. */
@FunctionalInterface
public interface ScramCredentials {
    /** The credential of {@code user} (the SCRAM user name, no "User:" prefix) for {@code mechanism}, if any. */
    Optional<ScramCredential> lookup(String user, ScramMechanism mechanism);
}

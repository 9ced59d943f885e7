package dev.wharf.server.security;

import dev.wharf.controller.ClientEntity;
import dev.wharf.controller.ZkMetadataStore;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SCRAM credentials kept in ZooKeeper, in each user's config entity under the mechanism's name
 * ({@code /config/users/<user>}, as Kafka's ZooKeeper mode keeps them), read from the metadata
 * store's memory (followed by a watch, so a change on any broker applies here).
 *
 * <p>Threads: any.
 */
public final class StoredScramCredentials implements ScramCredentials {
    private static final Logger log = LoggerFactory.getLogger(StoredScramCredentials.class);

    private final ZkMetadataStore metadata;

    public StoredScramCredentials(ZkMetadataStore metadata) {
        this.metadata = metadata;
    }

    @Override
    public Optional<ScramCredential> lookup(String user, ScramMechanism mechanism) {
        String text = metadata.clientConfigs(ClientEntity.user(ClientEntity.Name.of(user))).get(mechanism.mechanismName);
        if (text == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(ScramFormatter.parse(text));
        } catch (IllegalArgumentException e) {
            log.warn("unreadable SCRAM credential user={} mechanism={}: {}", user, mechanism.mechanismName, e.getMessage());
            return Optional.empty();
        }
    }
}

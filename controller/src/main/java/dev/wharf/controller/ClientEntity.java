package dev.wharf.controller;

import java.util.Objects;

/**
 * A client config entity, as the client-quota APIs and Kafka's ZooKeeper mode name them: a user,
 * a client id, or a user's client id, each part a name or the default. The user entity also holds
 * the user's SCRAM credentials. A part not in the entity is null.
 *
 * @param user the user principal's name (no "User:" prefix), or null when the entity has no user part
 * @param clientId the client id, or null when the entity has no client-id part
 */
public record ClientEntity(Name user, Name clientId) {
    public ClientEntity {
        if (user == null && clientId == null) {
            throw new IllegalArgumentException("a client entity has a user, a client id, or both");
        }
    }

    public static ClientEntity user(Name user) {
        return new ClientEntity(user, null);
    }

    public static ClientEntity clientId(Name clientId) {
        return new ClientEntity(null, clientId);
    }

    /** One part of an entity: a name, or the default ({@code value} null). */
    public record Name(String value) {
        public static final Name DEFAULT = new Name(null);

        public static Name of(String value) {
            return new Name(Objects.requireNonNull(value));
        }

        public boolean isDefault() {
            return value == null;
        }

        @Override
        public String toString() {
            return isDefault() ? ZkData.DEFAULT_ENTITY : value;
        }
    }
}

package dev.wharf.server.quota;

import dev.wharf.controller.ClientEntity;
import dev.wharf.controller.ClientEntity.Name;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Client quota entities as the quota APIs carry them: a list of (entity type, name) pairs, a null
 * name standing for the default, the types being Kafka's {@code user} and {@code client-id}.
 * Stateless; any thread.
 */
public final class QuotaEntities {
    public static final String USER = "user";
    public static final String CLIENT_ID = "client-id";
    /** Kafka's type for IP connection-rate quotas, which Wharf does not keep. */
    public static final String IP = "ip";

    private QuotaEntities() {}

    /** A request's entity is not one Wharf keeps quotas for (INVALID_REQUEST). */
    public static final class InvalidEntityException extends Exception {
        InvalidEntityException(String message) {
            super(message);
        }
    }

    /** The entity of the (type, name) pairs, checked as Kafka checks AlterClientQuotas' entities. */
    public static ClientEntity of(List<Map.Entry<String, String>> parts) throws InvalidEntityException {
        if (parts.isEmpty()) {
            throw new InvalidEntityException("Invalid empty client quota entity");
        }
        Name user = null;
        Name clientId = null;
        for (Map.Entry<String, String> part : parts) {
            Name name = part.getValue() == null ? Name.DEFAULT : Name.of(part.getValue());
            switch (part.getKey()) {
                case USER -> {
                    if (user != null) {
                        throw new InvalidEntityException("Duplicate user entity in client quota entity");
                    }
                    user = name;
                }
                case CLIENT_ID -> {
                    if (clientId != null) {
                        throw new InvalidEntityException("Duplicate client-id entity in client quota entity");
                    }
                    clientId = name;
                }
                case IP -> throw new InvalidEntityException("IP connection-rate quotas are not supported");
                default -> throw new InvalidEntityException("Unhandled client quota entity type: " + part.getKey());
            }
        }
        return new ClientEntity(user, clientId);
    }

    /** The (type, name) pairs of an entity, user first; a null name is the default. */
    public static List<Map.Entry<String, String>> parts(ClientEntity entity) {
        List<Map.Entry<String, String>> out = new ArrayList<>(2);
        if (entity.user() != null) {
            out.add(new java.util.AbstractMap.SimpleImmutableEntry<>(USER, entity.user().value()));
        }
        if (entity.clientId() != null) {
            out.add(new java.util.AbstractMap.SimpleImmutableEntry<>(CLIENT_ID, entity.clientId().value()));
        }
        return out;
    }
}

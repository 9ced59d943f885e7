package dev.wharf.controller;

/**
 * Where each kind of config entity lives in ZooKeeper and how its znodes are named, for the
 * {@link ConfigEntityStore}s: broker configs, users and client ids (quotas, SCRAM credentials),
 * groups, and the finalized features. Names are sanitized as Kafka's Sanitizer makes them
 * ({@link ZkData#sanitize}). Stateless; any thread.
 */
final class ZkEntityLayouts {
    private ZkEntityLayouts() {}

    /** The broker-config entities below {@link ZkData#BROKER_CONFIGS}: a broker id, or "" for the cluster default. */
    static final ConfigEntityStore.Layout<String> BROKER_ENTITIES = new ConfigEntityStore.Layout<>(ZkData.BROKER_CONFIGS,
            entity -> ZkData.brokerConfig(entity.isEmpty() ? ZkData.DEFAULT_BROKER_ENTITY : entity), ZkEntityLayouts::brokerEntityAt);

    /** The user entities: {@code /config/users/<u>} and their client ids, {@code /config/users/<u>/clients/<c>}. */
    static final ConfigEntityStore.Layout<ClientEntity> USER_ENTITIES = new ConfigEntityStore.Layout<>(ZkData.USER_CONFIGS,
            e -> ZkData.USER_CONFIGS + "/" + znodeName(e.user()) + (e.clientId() == null ? "" : "/clients/" + znodeName(e.clientId())),
            ZkEntityLayouts::userEntityAt);

    /** The client-id entities (without a user): {@code /config/clients/<c>}. */
    static final ConfigEntityStore.Layout<ClientEntity> CLIENT_ID_ENTITIES = new ConfigEntityStore.Layout<>(ZkData.CLIENT_CONFIGS,
            e -> ZkData.CLIENT_CONFIGS + "/" + znodeName(e.clientId()), ZkEntityLayouts::clientIdEntityAt);

    /**
     * The cluster's finalized feature levels (KIP-584): one entity, {@code /features/finalized},
     * its config a feature name → level map plus {@link #FEATURES_EPOCH}, bumped by every change.
     */
    static final String FEATURES = "/features";
    static final String FINALIZED_FEATURES = FEATURES + "/finalized";
    static final String FEATURES_EPOCH = "epoch";
    static final ConfigEntityStore.Layout<String> FEATURE_ENTITIES = new ConfigEntityStore.Layout<>(FEATURES,
            e -> FINALIZED_FEATURES, path -> path.equals(FINALIZED_FEATURES) ? "finalized" : null);

    private static String brokerEntityAt(String path) {
        String child = ZkData.childOf(ZkData.BROKER_CONFIGS, path);
        if (child == null || !path.equals(ZkData.brokerConfig(child))) {
            return null;
        }
        return child.equals(ZkData.DEFAULT_BROKER_ENTITY) ? "" : child;
    }

    private static ClientEntity userEntityAt(String path) {
        String[] parts = path.split("/", -1); // "", "config", "users", name[, "clients", name]
        if (parts.length == 4 && parts[2].equals("users")) {
            return ClientEntity.user(entityName(parts[3]));
        }
        if (parts.length == 6 && parts[2].equals("users") && parts[4].equals("clients")) {
            return new ClientEntity(entityName(parts[3]), entityName(parts[5]));
        }
        return null;
    }

    private static ClientEntity clientIdEntityAt(String path) {
        String child = ZkData.childOf(ZkData.CLIENT_CONFIGS, path);
        return child == null || !path.equals(ZkData.CLIENT_CONFIGS + "/" + child) ? null : ClientEntity.clientId(entityName(child));
    }

    /** The group-config entities: {@code /config/groups/<group id>}. */
    static final ConfigEntityStore.Layout<String> GROUP_ENTITIES = new ConfigEntityStore.Layout<>(ZkData.GROUP_CONFIGS,
            group -> ZkData.GROUP_CONFIGS + "/" + ZkData.sanitize(group), ZkEntityLayouts::groupEntityAt);

    private static String groupEntityAt(String path) {
        String child = ZkData.childOf(ZkData.GROUP_CONFIGS, path);
        return child == null || !path.equals(ZkData.GROUP_CONFIGS + "/" + child) ? null : ZkData.desanitize(child);
    }

    private static String znodeName(ClientEntity.Name name) {
        return name.isDefault() ? ZkData.DEFAULT_ENTITY : ZkData.sanitize(name.value());
    }

    private static ClientEntity.Name entityName(String znodeName) {
        return znodeName.equals(ZkData.DEFAULT_ENTITY) ? ClientEntity.Name.DEFAULT : ClientEntity.Name.of(ZkData.desanitize(znodeName));
    }
}

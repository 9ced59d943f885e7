package dev.wharf.server.api;

import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.controller.ClientEntity;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.quota.QuotaEntities;
import dev.wharf.server.quota.QuotaKey;
import dev.wharf.wire.message.AlterClientQuotasRequest;
import dev.wharf.wire.message.AlterClientQuotasResponse;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * AlterClientQuotas (KIP-546): sets and removes the quotas of users, client ids and users' client
 * ids (a null name: the default), in their config entities in ZooKeeper, where every broker
 * follows them. Each entry stands alone: an invalid entity type, an unknown key or a value that is
 * not positive (or not whole, for the byte rates) fails that entry with INVALID_REQUEST and leaves
 * it unchanged. validate_only checks without writing.
 *
 * <p>v1: flexible.
 *
 * <p>Authorization: ALTER_CONFIGS on the cluster, else CLUSTER_AUTHORIZATION_FAILED.
 */
public final class AlterClientQuotasHandler implements ApiHandler {
    private final Authorization authz;
    private final ZkMetadataStore metadata;

    public AlterClientQuotasHandler(Authorization authz, ZkMetadataStore metadata) {
        this.authz = authz;
        this.metadata = metadata;
    }

    @Override
    public ApiKey api() {
        return ApiKey.ALTER_CLIENT_QUOTAS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        AlterClientQuotasRequest req = (AlterClientQuotasRequest) context.body();
        List<AlterClientQuotasResponse.EntryData> out = new ArrayList<>();
        boolean allowed = authz.allowedOnCluster(context, AclOperation.ALTER_CONFIGS);
        for (AlterClientQuotasRequest.EntryData entry : req.entries()) {
            List<AlterClientQuotasResponse.EntityData> echo = new ArrayList<>();
            entry.entity().forEach(e -> echo.add(new AlterClientQuotasResponse.EntityData()
                    .setEntityType(e.entityType()).setEntityName(e.entityName())));
            AlterClientQuotasResponse.EntryData result = new AlterClientQuotasResponse.EntryData().setEntity(echo);
            if (!allowed) {
                out.add(result.setErrorCode(ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code));
                continue;
            }
            Optional<String> refusal = alter(entry, req.validateOnly());
            refusal.ifPresent(why -> result.setErrorCode(ErrorCode.INVALID_REQUEST.code).setErrorMessage(ErrorCode.clipped(why)));
            out.add(result);
        }
        return new AlterClientQuotasResponse().setEntries(out);
    }

    /** Why the entry is refused, or empty when it was applied (or would be). */
    private Optional<String> alter(AlterClientQuotasRequest.EntryData entry, boolean validateOnly) {
        ClientEntity entity;
        try {
            List<Map.Entry<String, String>> parts = new ArrayList<>();
            entry.entity().forEach(e -> parts.add(new AbstractMap.SimpleImmutableEntry<>(e.entityType(), e.entityName())));
            entity = QuotaEntities.of(parts);
        } catch (QuotaEntities.InvalidEntityException e) {
            return Optional.of(e.getMessage());
        }
        for (AlterClientQuotasRequest.OpData op : entry.ops()) {
            Optional<QuotaKey> key = QuotaKey.byKey(op.key());
            if (key.isEmpty()) {
                return Optional.of("Invalid configuration key " + op.key());
            }
            if (!op.remove()) {
                Optional<String> refusal = key.get().refusal(op.value());
                if (refusal.isPresent()) {
                    return refusal;
                }
            }
        }
        if (validateOnly) {
            return Optional.empty();
        }
        try {
            metadata.updateClientConfigs(entity, configs -> {
                for (AlterClientQuotasRequest.OpData op : entry.ops()) {
                    if (op.remove()) {
                        configs.remove(op.key());
                    } else {
                        configs.put(op.key(), QuotaKey.byKey(op.key()).orElseThrow().stored(op.value()));
                    }
                }
                return configs;
            });
            return Optional.empty();
        } catch (Exception e) {
            throw new IllegalStateException("cannot store the quotas of " + entity, e);
        }
    }
}

package dev.wharf.server.api;

import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.controller.ClientEntity;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.quota.QuotaEntities;
import dev.wharf.server.quota.QuotaKey;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.DescribeClientQuotasRequest;
import dev.wharf.wire.message.DescribeClientQuotasResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * DescribeClientQuotas (KIP-546): the quotas of the entities that match every filter component
 * (match type 0: that name, 1: the default, 2: any name or the default, for the component's
 * entity type); a strict filter also excludes entities with a type no component names. Answered
 * from the metadata store's memory. A filter with an unknown or repeated entity type, or a match
 * that does not fit its match type, gets INVALID_REQUEST.
 *
 * <p>v1: flexible.
 *
 * <p>Authorization: DESCRIBE_CONFIGS on the cluster, else CLUSTER_AUTHORIZATION_FAILED.
 */
public final class DescribeClientQuotasHandler implements ApiHandler {
    private static final byte MATCH_EXACT = 0;
    private static final byte MATCH_DEFAULT = 1;
    private static final byte MATCH_SPECIFIED = 2;

    private final Authorization authz;
    private final ZkMetadataStore metadata;

    public DescribeClientQuotasHandler(Authorization authz, ZkMetadataStore metadata) {
        this.authz = authz;
        this.metadata = metadata;
    }

    @Override
    public ApiKey api() {
        return ApiKey.DESCRIBE_CLIENT_QUOTAS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        DescribeClientQuotasRequest req = (DescribeClientQuotasRequest) context.body();
        if (!authz.allowedOnCluster(context, AclOperation.DESCRIBE_CONFIGS)) {
            return new DescribeClientQuotasResponse().setErrorCode(ErrorCode.CLUSTER_AUTHORIZATION_FAILED.code)
                    .setEntries(null);
        }
        String refusal = refusal(req.components());
        if (refusal != null) {
            return new DescribeClientQuotasResponse().setErrorCode(ErrorCode.INVALID_REQUEST.code)
                    .setErrorMessage(ErrorCode.clipped(refusal)).setEntries(null);
        }
        List<DescribeClientQuotasResponse.EntryData> entries = new ArrayList<>();
        for (Map.Entry<ClientEntity, Map<String, String>> e : metadata.allClientConfigs().entrySet()) {
            List<DescribeClientQuotasResponse.ValueData> values = quotas(e.getValue());
            if (!values.isEmpty() && matches(e.getKey(), req.components(), req.strict())) {
                List<DescribeClientQuotasResponse.EntityData> entity = new ArrayList<>();
                QuotaEntities.parts(e.getKey()).forEach(p -> entity.add(new DescribeClientQuotasResponse.EntityData()
                        .setEntityType(p.getKey()).setEntityName(p.getValue())));
                entries.add(new DescribeClientQuotasResponse.EntryData().setEntity(entity).setValues(values));
            }
        }
        return new DescribeClientQuotasResponse().setEntries(entries);
    }

    private static String refusal(List<DescribeClientQuotasRequest.ComponentData> components) {
        Set<String> seen = new HashSet<>();
        for (DescribeClientQuotasRequest.ComponentData c : components) {
            if (!c.entityType().equals(QuotaEntities.USER) && !c.entityType().equals(QuotaEntities.CLIENT_ID)
                    && !c.entityType().equals(QuotaEntities.IP)) {
                return "Custom entity type '" + c.entityType() + "' not supported";
            }
            if (!seen.add(c.entityType())) {
                return "Entity type " + c.entityType() + " cannot appear more than once in the filter.";
            }
            switch (c.matchType()) {
                case MATCH_EXACT -> {
                    if (c.match() == null) {
                        return "Request specified MATCH_TYPE_EXACT, but set match string to null.";
                    }
                }
                case MATCH_DEFAULT, MATCH_SPECIFIED -> {
                    if (c.match() != null) {
                        return "Request specified match type " + c.matchType() + ", but also specified a match string.";
                    }
                }
                default -> {
                    return "Unknown match type " + c.matchType();
                }
            }
        }
        if (seen.contains(QuotaEntities.IP) && seen.size() > 1) {
            return "Invalid entity filter component combination, IP filter component should not be used with user "
                    + "or clientId filter component.";
        }
        return null;
    }

    private static boolean matches(ClientEntity entity, List<DescribeClientQuotasRequest.ComponentData> components,
            boolean strict) {
        int typesMatched = 0;
        for (DescribeClientQuotasRequest.ComponentData c : components) {
            ClientEntity.Name name = switch (c.entityType()) {
                case QuotaEntities.USER -> entity.user();
                case QuotaEntities.CLIENT_ID -> entity.clientId();
                default -> null; // no IP entities are kept
            };
            if (name == null) {
                return false;
            }
            boolean ok = switch (c.matchType()) {
                case MATCH_EXACT -> !name.isDefault() && name.value().equals(c.match());
                case MATCH_DEFAULT -> name.isDefault();
                default -> true;
            };
            if (!ok) {
                return false;
            }
            typesMatched++;
        }
        int types = (entity.user() == null ? 0 : 1) + (entity.clientId() == null ? 0 : 1);
        return !strict || typesMatched == types;
    }

    private static List<DescribeClientQuotasResponse.ValueData> quotas(Map<String, String> configs) {
        List<DescribeClientQuotasResponse.ValueData> out = new ArrayList<>();
        configs.forEach((key, value) -> {
            if (QuotaKey.byKey(key).isPresent()) {
                try {
                    out.add(new DescribeClientQuotasResponse.ValueData().setKey(key).setValue(Double.parseDouble(value)));
                } catch (NumberFormatException unreadable) {
                    // written by hand into ZooKeeper: not a quota
                }
            }
        });
        return out;
    }
}

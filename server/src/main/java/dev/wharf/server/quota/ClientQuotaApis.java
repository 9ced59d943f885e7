package dev.wharf.server.quota;

import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.api.AlterClientQuotasHandler;
import dev.wharf.server.api.AlterUserScramCredentialsHandler;
import dev.wharf.server.api.ApiHandlers;
import dev.wharf.server.api.DescribeClientQuotasHandler;
import dev.wharf.server.api.DescribeUserScramCredentialsHandler;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.security.acl.Authorization;

/**
 * Start-up of client quotas and SCRAM credentials, both kept in the users' and client ids' config
 * entities: their four APIs, and every handler wrapped to enforce the quotas (KIP-13, KIP-124,
 * KIP-219) as the metadata store's watch reports them. Run once, on the starting thread.
 */
public final class ClientQuotaApis {
    private ClientQuotaApis() {}

    /** Registers the APIs and wraps every handler; returns the quotas being enforced. */
    public static ClientQuotas register(ApiHandlers handlers, ZkMetadataStore metadata, BrokerConfig config,
            Authorization authz) throws Exception {
        ClientQuotas quotas = new ClientQuotas(config.get(BrokerKeys.QUOTA_WINDOW_NUM),
                config.get(BrokerKeys.QUOTA_WINDOW_SIZE_SECONDS), config.get(BrokerKeys.CONTROLLER_QUOTA_WINDOW_NUM),
                config.get(BrokerKeys.CONTROLLER_QUOTA_WINDOW_SIZE_SECONDS), System::currentTimeMillis);
        metadata.subscribeClientConfigs(quotas::configsChanged);
        handlers.decorateAll(h -> QuotaThrottledHandler.wrap(h, quotas))
                .register(new DescribeClientQuotasHandler(authz, metadata))
                .register(new AlterClientQuotasHandler(authz, metadata))
                .register(new DescribeUserScramCredentialsHandler(authz, metadata))
                .register(new AlterUserScramCredentialsHandler(authz, metadata));
        return quotas;
    }
}

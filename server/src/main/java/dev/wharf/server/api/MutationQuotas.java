package dev.wharf.server.api;

import dev.wharf.server.quota.ClientQuotas;

/**
 * The controller_mutation_rate of the client behind a topic-changing request (KIP-599):
 * CreateTopics, CreatePartitions and DeleteTopics. Requests of the versions that know
 * THROTTLING_QUOTA_EXCEEDED are strict (topics past the quota are refused); older ones are let
 * through and only throttled. Stateless.
 */
final class MutationQuotas {
    /** Kafka's message for THROTTLING_QUOTA_EXCEEDED. */
    static final String EXCEEDED = "The throttling quota has been exceeded.";

    private MutationQuotas() {}

    /** The request's mutation quota; strict from {@code strictFromVersion} on. */
    static ClientQuotas.MutationQuota of(ClientQuotas quotas, RequestContext context, int strictFromVersion) {
        return quotas.mutations(context.connection().principal(), context.clientId(),
                context.version() >= strictFromVersion);
    }
}

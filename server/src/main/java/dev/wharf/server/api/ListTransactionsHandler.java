package dev.wharf.server.api;

import dev.wharf.server.ErrorCode;
import dev.wharf.server.security.acl.AclOperation;
import dev.wharf.server.security.acl.Authorization;
import dev.wharf.server.security.acl.ResourceType;
import dev.wharf.server.txn.TxnAdmin;
import dev.wharf.server.txn.TxnState;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ListTransactionsRequest;
import dev.wharf.wire.message.ListTransactionsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * ListTransactions (KIP-664): the transactional ids this broker coordinates (admin clients ask
 * every broker), filtered by state names, producer ids, how long the transaction has run (v1,
 * KIP-994) and an id pattern (v2, KIP-1152). A state name Kafka does not know is returned in
 * {@code UnknownStateFilters} rather than refused.
 */
public final class ListTransactionsHandler implements ApiHandler {
    private final Authorization authz;
    private final TxnAdmin coordinator;

    public ListTransactionsHandler(Authorization authz, TxnAdmin coordinator) {
        this.authz = authz;
        this.coordinator = coordinator;
    }

    @Override
    public ApiKey api() {
        return ApiKey.LIST_TRANSACTIONS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        ListTransactionsRequest req = (ListTransactionsRequest) context.body();
        ListTransactionsResponse resp = new ListTransactionsResponse().setUnknownStateFilters(new ArrayList<>())
                .setTransactionStates(new ArrayList<>());
        Set<TxnState> states = new HashSet<>();
        for (String name : req.stateFilters()) {
            TxnState.byName(name).ifPresentOrElse(states::add, () -> resp.unknownStateFilters().add(name));
        }
        if (!req.stateFilters().isEmpty() && states.isEmpty()) {
            return resp; // only unknown states asked for: nothing matches
        }
        Set<Long> producerIds = new HashSet<>(req.producerIdFilters());
        Pattern pattern;
        try {
            String p = context.version() >= 2 ? req.transactionalIdPattern() : null;
            pattern = p == null || p.isEmpty() ? null : Pattern.compile(p);
        } catch (PatternSyntaxException e) {
            return resp.setErrorCode(ErrorCode.INVALID_REQUEST.code);
        }
        long minDurationMs = context.version() >= 1 ? req.durationFilter() : -1;
        long now = System.currentTimeMillis();
        List<ListTransactionsResponse.TransactionState> out = resp.transactionStates();
        for (TxnAdmin.TxnView v : coordinator.list()) {
            if (v.producerId() < 0 || (!states.isEmpty() && !states.contains(v.state()))
                    || (!producerIds.isEmpty() && !producerIds.contains(v.producerId()))
                    || (pattern != null && !pattern.matcher(v.transactionalId()).matches())
                    || (minDurationMs >= 0 && (v.startMs() < 0 || now - v.startMs() <= minDurationMs))
                    || !authz.allowed(context, AclOperation.DESCRIBE, ResourceType.TRANSACTIONAL_ID, v.transactionalId())) {
                continue;
            }
            out.add(new ListTransactionsResponse.TransactionState().setTransactionalId(v.transactionalId())
                    .setProducerId(v.producerId()).setTransactionState(v.state().displayName));
        }
        return resp;
    }
}

package dev.wharf.server.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.controller.ClientEntity;
import dev.wharf.controller.ClientEntity.Name;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Partition mutations (KIP-599): a bucket that may go into debt, strict and permissive requests. */
class TokenBucketTest {
    // A full bucket passes a burst at once; the debt is the throttle; it refills at the bound.
    @Test
    void burstThenDebt() {
        TokenBucket bucket = new TokenBucket(2, 0); // 2 s of the bound
        assertEquals(0, bucket.recordAndThrottleMs(10, 5, 0)); // the whole bucket of 10
        assertEquals(2000, bucket.recordAndThrottleMs(10, 5, 0)); // 10 in debt at 5/s
        assertEquals(1000, bucket.throttleMs(5, 1000));
        assertEquals(0, bucket.throttleMs(5, 2000));
        assertEquals(0, bucket.throttleMs(5, 60_000)); // refilled, never past its size
        assertEquals(0, bucket.recordAndThrottleMs(10, 5, 60_000));
        assertEquals(200, bucket.recordAndThrottleMs(1, 5, 60_000));
    }

    // Strict requests are refused once the client is in debt; the topic that brought it there passed.
    // Permissive ones (older versions) always pass. Other clients are not affected; no quota, no limit.
    // As in Kafka, a strict request is throttled only when it had a refusal (by the debt then), a
    // permissive one whenever it leaves the client in debt.
    @Test
    void strictAndPermissive() {
        AtomicLong now = new AtomicLong();
        ClientQuotas quotas = new ClientQuotas(11, 1, 2, 1, now::get);
        quotas.configsChanged(ClientEntity.clientId(Name.of("admin")), Map.of("controller_mutation_rate", "5"));
        ClientQuotas.MutationQuota intoDebt = quotas.mutations("User:ANONYMOUS", "admin", true);
        assertTrue(intoDebt.admit(10));
        assertTrue(intoDebt.admit(10));
        assertEquals(0, intoDebt.throttleMs()); // in debt, but nothing refused
        ClientQuotas.MutationQuota strict = quotas.mutations("User:ANONYMOUS", "admin", true);
        assertFalse(strict.admit(1));
        assertEquals(2000, strict.throttleMs());
        ClientQuotas.MutationQuota permissive = quotas.mutations("User:ANONYMOUS", "admin", false);
        assertTrue(permissive.admit(1));
        assertEquals(2200, permissive.throttleMs());
        assertEquals(2000, strict.throttleMs()); // as measured at its refusal
        strict.refund(1);
        assertTrue(quotas.mutations("User:ANONYMOUS", "other", true).admit(1000));
        now.set(2000);
        assertTrue(strict.admit(1));
    }
}

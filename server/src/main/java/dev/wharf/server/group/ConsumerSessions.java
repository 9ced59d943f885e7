package dev.wharf.server.group;

import dev.wharf.server.coordinator.CoordinatorLog;
import dev.wharf.server.coordinator.PartitionWriter;
import io.netty.util.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deadlines of consumer group members on the broker's timer: a member is removed when it
 * misses its session ({@code group.consumer.session.timeout.ms}) or does not revoke partitions
 * within its rebalance timeout. A timer task only hands work to the io executor, which queues the
 * check on the group's partition writer, where it takes the group's monitor and finds out whether
 * the deadline still stands (a heartbeat may have moved it: the check then reschedules itself).
 *
 * <p>Threads: the timer thread (hand-off only), io threads, the partition writer. Each member's
 * {@code sessionTimer} is guarded by its group's monitor.
 */
final class ConsumerSessions {
    private static final Logger log = LoggerFactory.getLogger(ConsumerSessions.class);

    private final GroupStore store;
    private final Executor io;
    private final Timer timer;
    private final LongSupplier clock;
    private final int sessionTimeoutMs;
    private ConsumerGroupHeartbeats heartbeats;

    ConsumerSessions(GroupStore store, Executor io, Timer timer, LongSupplier clock, int sessionTimeoutMs) {
        this.store = store;
        this.io = io;
        this.timer = timer;
        this.clock = clock;
        this.sessionTimeoutMs = sessionTimeoutMs;
    }

    /** Set once at wiring: who removes an expired member. */
    void bind(ConsumerGroupHeartbeats heartbeats) {
        this.heartbeats = heartbeats;
    }

    int sessionTimeoutMs() {
        return sessionTimeoutMs;
    }

    /** Starts watching the member's deadlines (call holding the group's monitor). */
    void start(ConsumerGroup group, ConsumerMember m) {
        if (m.sessionDeadlineMs == 0) {
            m.sessionDeadlineMs = clock.getAsLong() + sessionTimeoutMs;
        }
        schedule(group, m, nextDeadline(m) - clock.getAsLong());
    }

    private static long nextDeadline(ConsumerMember m) {
        return m.revocationDeadlineMs > 0 ? Math.min(m.sessionDeadlineMs, m.revocationDeadlineMs) : m.sessionDeadlineMs;
    }

    private void schedule(ConsumerGroup group, ConsumerMember m, long delayMs) {
        m.sessionTimer = timer.newTimeout(t -> io.execute(() -> check(group, m)), Math.max(1, delayMs),
                TimeUnit.MILLISECONDS);
    }

    private void check(ConsumerGroup group, ConsumerMember m) {
        Optional<PartitionWriter> writer = store.writerFor(group.groupId);
        if (writer.isEmpty()) {
            return; // coordinated elsewhere now
        }
        writer.get().write(new PartitionWriter.LogWrite<Boolean>() {
            @Override
            public List<CoordinatorLog.Entry> records() {
                List<CoordinatorLog.Entry> out = new ArrayList<>();
                synchronized (group) {
                    if (group.isDead() || group.members.get(m.memberId) != m) {
                        return out;
                    }
                    long now = clock.getAsLong();
                    boolean sessionOver = now >= m.sessionDeadlineMs;
                    boolean revocationOver = m.revocationDeadlineMs > 0
                            && m.state == ConsumerMember.State.UNREVOKED_PARTITIONS && now >= m.revocationDeadlineMs;
                    if (!sessionOver && !revocationOver) {
                        schedule(group, m, nextDeadline(m) - now);
                        return out;
                    }
                    log.info("member {} of consumer group {} {}; removed", m.memberId, group.groupId, sessionOver
                            ? "missed its session timeout of " + sessionTimeoutMs + " ms"
                            : "did not revoke its partitions within its rebalance timeout of " + m.rebalanceTimeoutMs + " ms");
                    heartbeats.remove(group, m, out);
                }
                return out;
            }

            @Override
            public Boolean applied() {
                return true;
            }

            @Override
            public Boolean failed(Exception cause) {
                PartitionWriter.logFailure(log, "cannot remove an expired member of group " + group.groupId, cause);
                return false;
            }
        });
    }
}

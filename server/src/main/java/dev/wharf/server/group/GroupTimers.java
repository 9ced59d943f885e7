package dev.wharf.server.group;

import io.netty.util.Timeout;
import io.netty.util.Timer;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deadlines of classic groups on the broker's timer: the current rebalance phase (join or
 * sync), each member's session, and each member id handed out but not yet used to join. A timer
 * task only hands its work to the io executor; that work takes the group's monitor, checks the
 * deadline is still current (a superseded timer does nothing) and calls back into
 * {@link ClassicRebalance}.
 *
 * <p>Threads: the timer thread (hand-off only) and io threads (the checks, under the group's
 * monitor). No state of its own; each group's {@code phaseTimer} is guarded by the group's monitor.
 */
final class GroupTimers {
    private static final Logger log = LoggerFactory.getLogger(GroupTimers.class);

    private final Timer timer;
    private final Executor io;
    private final LongSupplier clock;
    private final ClassicRebalance rebalance;

    GroupTimers(Timer timer, Executor io, LongSupplier clock, ClassicRebalance rebalance) {
        this.timer = timer;
        this.io = io;
        this.clock = clock;
        this.rebalance = rebalance;
    }

    /** Times the group's current phase; a phase or generation change makes the timer void. */
    void schedulePhase(ClassicGroup group, long delayMs) {
        GroupState phase = group.state;
        int generation = group.generation;
        group.phaseTimer = timer.newTimeout(t -> io.execute(() -> {
            synchronized (group) {
                if (group.phaseTimer != t || group.state != phase || group.generation != generation) {
                    return; // superseded
                }
                group.phaseTimer = null;
                if (phase == GroupState.PREPARING_REBALANCE) {
                    rebalance.onJoinTimer(group);
                } else if (phase == GroupState.COMPLETING_REBALANCE) {
                    rebalance.onSyncTimer(group);
                }
            }
        }), Math.max(0, delayMs), TimeUnit.MILLISECONDS);
    }

    static void cancelPhase(ClassicGroup group) {
        Timeout t = group.phaseTimer;
        if (t != null) {
            t.cancel();
            group.phaseTimer = null;
        }
    }

    /** Starts the member's session: it is removed unless it heartbeats within its session timeout. */
    void startSession(ClassicGroup group, GroupMember member, long nowMs) {
        member.heartbeatDeadlineMs = nowMs + member.sessionTimeoutMs;
        scheduleSessionCheck(group, member, member.sessionTimeoutMs);
    }

    /** One timer per member at a time: a check that finds the deadline moved reschedules itself. */
    private void scheduleSessionCheck(ClassicGroup group, GroupMember member, long delayMs) {
        timer.newTimeout(t -> io.execute(() -> {
            synchronized (group) {
                if (group.members.get(member.memberId) != member) {
                    return;
                }
                long now = clock.getAsLong();
                if (member.awaitingJoin != null || member.awaitingSync != null) {
                    member.heartbeatDeadlineMs = now + member.sessionTimeoutMs; // waiting on the coordinator
                }
                if (now < member.heartbeatDeadlineMs) {
                    scheduleSessionCheck(group, member, member.heartbeatDeadlineMs - now);
                    return;
                }
                log.info("member {} of group {} missed its session timeout of {} ms; removed", member.memberId,
                        group.groupId, member.sessionTimeoutMs);
                rebalance.removeMember(group, member);
            }
        }), Math.max(1, delayMs), TimeUnit.MILLISECONDS);
    }

    /** A member id handed out with MEMBER_ID_REQUIRED lapses unless it joins within the session timeout. */
    void schedulePendingExpiry(ClassicGroup group, String memberId, int sessionTimeoutMs) {
        timer.newTimeout(t -> io.execute(() -> {
            synchronized (group) {
                if (group.pendingMembers.remove(memberId)) {
                    rebalance.maybeCompleteJoin(group);
                }
            }
        }), sessionTimeoutMs, TimeUnit.MILLISECONDS);
    }
}

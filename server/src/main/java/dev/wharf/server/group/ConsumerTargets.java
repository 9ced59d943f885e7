package dev.wharf.server.group;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.wharf.server.coordinator.CoordinatorLog;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The target assignment of consumer groups: which topics each member subscribes to (names that
 * exist, and topics matching its RE2J regular expression that its principal may DESCRIBE,
 * re-evaluated on every heartbeat so a topic created later is picked up), the partition counts
 * of those topics, and the assignment the group's server-side assignor computes from them
 * whenever the group epoch moves.
 *
 * <p>Threads: io threads, under the monitor of the group being refreshed. The compiled patterns
 * are cached in a concurrent map; the assignors are stateless.
 */
final class ConsumerTargets {
    private static final int MAX_CACHED_PATTERNS = 1_000;

    private final List<ConsumerAssignor> assignors;
    private final ConsumerTopics topics;
    private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

    ConsumerTargets(List<String> assignorNames, ConsumerTopics topics) {
        this.assignors = new ArrayList<>();
        for (String name : assignorNames) {
            ConsumerAssignor a = ConsumerAssignor.named(name);
            if (a == null) {
                throw new IllegalArgumentException("unknown consumer group assignor " + name);
            }
            assignors.add(a);
        }
        if (assignors.isEmpty()) {
            throw new IllegalArgumentException("group.consumer.assignors is empty");
        }
        this.topics = topics;
    }

    boolean supports(String assignor) {
        return assignors.stream().anyMatch(a -> a.name().equals(assignor));
    }

    boolean validRegex(String regex) {
        return pattern(regex) != null;
    }

    /**
     * Bumps the group epoch if {@code changed} (membership or subscriptions) or if the partition
     * counts of the subscribed topics moved (topics created, deleted, grown), and then computes the
     * new target; the records of what changed go to {@code out}.
     */
    void refresh(ConsumerGroup group, boolean changed, List<CoordinatorLog.Entry> out) {
        Map<String, Set<String>> subscribed = new TreeMap<>();
        Map<String, Integer> counts = new TreeMap<>();
        Collection<String> names = null; // listed once, and only for regular expressions
        for (ConsumerMember m : group.members.values()) {
            Set<String> mine = new TreeSet<>();
            for (String t : m.subscribedTopicNames) {
                int n = counts.computeIfAbsent(t, topics::partitions);
                if (n >= 0) {
                    mine.add(t);
                }
            }
            Pattern p = m.subscribedTopicRegex == null ? null : pattern(m.subscribedTopicRegex);
            if (p != null) {
                names = names != null ? names : topics.names();
                Predicate<String> visible = visibleTo(group, m);
                for (String t : names) {
                    if (p.matches(t) && visible.test(t) && counts.computeIfAbsent(t, topics::partitions) >= 0) {
                        mine.add(t);
                    }
                }
            }
            subscribed.put(m.memberId, mine);
        }
        counts.values().removeIf(n -> n < 0);
        // a member's regex matches may move with its rights alone (an ACL granted or taken away)
        boolean resolvedMoved = resolvedMoved(group.resolvedSubscriptions, subscribed);
        group.resolvedSubscriptions = subscribed;
        if (!changed && !resolvedMoved && counts.equals(group.subscribedCounts)
                && group.assignmentEpoch == group.groupEpoch) {
            return;
        }
        if (changed || resolvedMoved || !counts.equals(group.subscribedCounts)) {
            group.groupEpoch++;
        }
        ConsumerAssignor assignor = preferred(group);
        List<ConsumerAssignor.Subscriber> subscribers = new ArrayList<>();
        for (ConsumerMember m : group.members.values()) {
            subscribers.add(new ConsumerAssignor.Subscriber(m.memberId, m.instanceId, subscribed.get(m.memberId),
                    group.targetOf(m.memberId)));
        }
        subscribers.sort((a, b) -> a.memberId().compareTo(b.memberId()));
        Map<String, Map<String, Set<Integer>>> next = assignor.assign(subscribers, counts);
        next.forEach((memberId, target) -> {
            if (!target.equals(group.target.get(memberId))) {
                group.target.put(memberId, target);
                out.add(ConsumerGroupRecords.targetEntry(group.groupId, memberId, target));
            }
        });
        group.assignmentEpoch = group.groupEpoch;
        group.subscribedCounts = Map.copyOf(counts);
        group.assignorName = assignor.name();
        out.add(ConsumerGroupRecords.groupEntry(group));
    }

    /**
     * The regex matches a member may have: those its principal may DESCRIBE, as Kafka filters them.
     * A member restored from the log and not yet heard from here keeps to the topics of its target
     * (they passed the check before the group moved), until its next heartbeat brings its rights.
     */
    private static Predicate<String> visibleTo(ConsumerGroup group, ConsumerMember m) {
        if (m.describable != null) {
            return m.describable;
        }
        Set<String> targeted = group.targetOf(m.memberId).keySet();
        return targeted::contains;
    }

    /**
     * Whether a member in both maps is subscribed to other topics now; members coming and going
     * (a static member back under a new id too) are the caller's {@code changed}.
     */
    private static boolean resolvedMoved(Map<String, Set<String>> before, Map<String, Set<String>> now) {
        if (before == null) {
            return false;
        }
        for (Map.Entry<String, Set<String>> e : now.entrySet()) {
            Set<String> was = before.get(e.getKey());
            if (was != null && !was.equals(e.getValue())) {
                return true;
            }
        }
        return false;
    }

    /** The assignor most members asked for; the broker's first when none did. */
    private ConsumerAssignor preferred(ConsumerGroup group) {
        Map<String, Integer> votes = new HashMap<>();
        for (ConsumerMember m : group.members.values()) {
            if (m.serverAssignor != null) {
                votes.merge(m.serverAssignor, 1, Integer::sum);
            }
        }
        String chosen = votes.entrySet().stream()
                .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                .map(Map.Entry::getKey).orElse(null);
        return assignors.stream().filter(a -> a.name().equals(chosen)).findFirst().orElse(assignors.get(0));
    }

    private Pattern pattern(String regex) {
        Pattern p = patterns.get(regex);
        if (p != null) {
            return p;
        }
        try {
            p = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            return null;
        }
        if (patterns.size() >= MAX_CACHED_PATTERNS) {
            patterns.clear();
        }
        patterns.put(regex, p);
        return p;
    }
}

package dev.wharf.compat;

import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * What a client may do under which ACLs, as data: each {@link Case} names the grants made before a
 * client {@link Action} runs and the Kafka exception it must end in (none: it must succeed). Each
 * case gets its own topic, group and transactional id ({@link Names}), so cases do not see each
 * other's ACLs. Extend by adding rows to {@link #cases()}; a grant for another principal (once
 * clients authenticate) is {@link Grant#as}. Immutable.
 */
final class AclMatrix {
    static final String ANONYMOUS = "User:ANONYMOUS";

    private AclMatrix() {}

    /** The resources a grant is about, resolved against a case's names. */
    enum Target {
        TOPIC, TOPIC_PREFIX, GROUP, TRANSACTIONAL_ID, CLUSTER;

        ResourcePattern resolve(Names n) {
            return switch (this) {
                case TOPIC -> new ResourcePattern(ResourceType.TOPIC, n.topic(), PatternType.LITERAL);
                case TOPIC_PREFIX -> new ResourcePattern(ResourceType.TOPIC, n.prefix(), PatternType.PREFIXED);
                case GROUP -> new ResourcePattern(ResourceType.GROUP, n.group(), PatternType.LITERAL);
                case TRANSACTIONAL_ID -> new ResourcePattern(ResourceType.TRANSACTIONAL_ID, n.transactionalId(),
                        PatternType.LITERAL);
                case CLUSTER -> new ResourcePattern(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL);
            };
        }
    }

    /** One case's resource names: the topic starts with the prefix. */
    record Names(String prefix, String topic, String group, String transactionalId) {
        static Names of(String id) {
            return new Names(id + "-", id + "-topic", id + "-group", id + "-txn");
        }
    }

    /** One ACL to create: ALLOW or DENY of an operation on a target, for a principal from any host. */
    record Grant(String principal, AclPermissionType permission, AclOperation operation, Target target) {
        static Grant allow(AclOperation operation, Target target) {
            return new Grant(ANONYMOUS, AclPermissionType.ALLOW, operation, target);
        }

        static Grant deny(AclOperation operation, Target target) {
            return new Grant(ANONYMOUS, AclPermissionType.DENY, operation, target);
        }

        Grant as(String otherPrincipal) {
            return new Grant(otherPrincipal, permission, operation, target);
        }

        AclBinding binding(Names n) {
            return new AclBinding(target.resolve(n), new AccessControlEntry(principal, "*", operation, permission));
        }
    }

    /** What the client does; {@link AclsIT} runs it against the case's names. */
    enum Action {
        /** A plain (not idempotent) producer sends one record. */
        PRODUCE,
        /** An idempotent producer sends one record (InitProducerId first). */
        PRODUCE_IDEMPOTENT,
        /** A transactional producer sends one record in a committed transaction. */
        PRODUCE_TRANSACTIONAL,
        /** A consumer in the case's group subscribes, polls and commits. */
        CONSUME
    }

    /** A row: {@code expected} null means the action succeeds. */
    record Case(String id, List<Grant> grants, Action action, Class<? extends Exception> expected) {
        @Override
        public String toString() {
            return id + ": " + action + " after " + grants + " -> " + (expected == null ? "ok" : expected.getSimpleName());
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("produce-denied", List.of(), Action.PRODUCE, TopicAuthorizationException.class),
                new Case("produce-write", List.of(Grant.allow(AclOperation.WRITE, Target.TOPIC)), Action.PRODUCE, null),
                new Case("produce-read-only", List.of(Grant.allow(AclOperation.READ, Target.TOPIC)), Action.PRODUCE,
                        TopicAuthorizationException.class),
                new Case("produce-prefixed", List.of(Grant.allow(AclOperation.WRITE, Target.TOPIC_PREFIX)), Action.PRODUCE,
                        null),
                new Case("produce-all", List.of(Grant.allow(AclOperation.ALL, Target.TOPIC)), Action.PRODUCE, null),
                new Case("produce-deny-wins", List.of(Grant.allow(AclOperation.WRITE, Target.TOPIC_PREFIX),
                        Grant.deny(AclOperation.WRITE, Target.TOPIC)), Action.PRODUCE, TopicAuthorizationException.class),
                new Case("produce-other-user", List.of(Grant.allow(AclOperation.WRITE, Target.TOPIC).as("User:alice")),
                        Action.PRODUCE, TopicAuthorizationException.class),
                new Case("idempotent-denied", List.of(Grant.allow(AclOperation.DESCRIBE, Target.TOPIC)),
                        Action.PRODUCE_IDEMPOTENT, ClusterAuthorizationException.class),
                new Case("idempotent-write", List.of(Grant.allow(AclOperation.WRITE, Target.TOPIC)),
                        Action.PRODUCE_IDEMPOTENT, null),
                new Case("idempotent-cluster", List.of(Grant.allow(AclOperation.IDEMPOTENT_WRITE, Target.CLUSTER),
                        Grant.allow(AclOperation.WRITE, Target.TOPIC)), Action.PRODUCE_IDEMPOTENT, null),
                new Case("txn-denied", List.of(Grant.allow(AclOperation.WRITE, Target.TOPIC)),
                        Action.PRODUCE_TRANSACTIONAL, TransactionalIdAuthorizationException.class),
                new Case("txn-write", List.of(Grant.allow(AclOperation.WRITE, Target.TOPIC),
                        Grant.allow(AclOperation.WRITE, Target.TRANSACTIONAL_ID)), Action.PRODUCE_TRANSACTIONAL, null),
                new Case("consume-no-group", List.of(Grant.allow(AclOperation.READ, Target.TOPIC)), Action.CONSUME,
                        GroupAuthorizationException.class),
                new Case("consume-no-topic", List.of(Grant.allow(AclOperation.READ, Target.GROUP)), Action.CONSUME,
                        TopicAuthorizationException.class),
                new Case("consume-read", List.of(Grant.allow(AclOperation.READ, Target.TOPIC),
                        Grant.allow(AclOperation.READ, Target.GROUP)), Action.CONSUME, null));
    }
}

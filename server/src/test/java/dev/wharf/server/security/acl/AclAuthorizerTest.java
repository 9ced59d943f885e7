package dev.wharf.server.security.acl;

import static dev.wharf.server.security.acl.AclOperation.ALL;
import static dev.wharf.server.security.acl.AclOperation.ALTER;
import static dev.wharf.server.security.acl.AclOperation.ALTER_CONFIGS;
import static dev.wharf.server.security.acl.AclOperation.CREATE;
import static dev.wharf.server.security.acl.AclOperation.DELETE;
import static dev.wharf.server.security.acl.AclOperation.DESCRIBE;
import static dev.wharf.server.security.acl.AclOperation.DESCRIBE_CONFIGS;
import static dev.wharf.server.security.acl.AclOperation.IDEMPOTENT_WRITE;
import static dev.wharf.server.security.acl.AclOperation.READ;
import static dev.wharf.server.security.acl.AclOperation.WRITE;
import static dev.wharf.server.security.acl.AclPermission.ALLOW;
import static dev.wharf.server.security.acl.AclPermission.DENY;
import static dev.wharf.server.security.acl.ResourceType.CLUSTER;
import static dev.wharf.server.security.acl.ResourceType.GROUP;
import static dev.wharf.server.security.acl.ResourceType.TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Kafka's authorization rules over ACLs in memory: every decision a client's request depends on. */
class AclAuthorizerTest {
    private static final String ALICE = "User:alice";
    private static final String BOB = "User:bob";
    private static final String HOST = "10.0.0.1";

    private final AclAuthorizer authorizer = new AclAuthorizer(Set.of("User:admin"), false);

    // A literal ACL allows its one resource, its operation and principal only.
    @Test
    void literalAclAllowsExactlyItsResource() {
        add(literal(TOPIC, "t"), ALICE, "*", READ, ALLOW);
        assertTrue(authorizer.authorize(ALICE, HOST, READ, TOPIC, "t"));
        assertFalse(authorizer.authorize(ALICE, HOST, WRITE, TOPIC, "t"));
        assertFalse(authorizer.authorize(BOB, HOST, READ, TOPIC, "t"));
        assertFalse(authorizer.authorize(ALICE, HOST, READ, TOPIC, "t2"));
        assertFalse(authorizer.authorize(ALICE, HOST, READ, GROUP, "t"));
    }

    // A prefixed ACL covers every name starting with it; a literal of the same text does not.
    @Test
    void prefixedAclCoversNamesStartingWithIt() {
        add(new ResourcePattern(TOPIC, "orders-", PatternType.PREFIXED), ALICE, "*", WRITE, ALLOW);
        assertTrue(authorizer.authorize(ALICE, HOST, WRITE, TOPIC, "orders-eu"));
        assertTrue(authorizer.authorize(ALICE, HOST, WRITE, TOPIC, "orders-"));
        assertFalse(authorizer.authorize(ALICE, HOST, WRITE, TOPIC, "orders"));
        assertFalse(authorizer.authorize(ALICE, HOST, WRITE, TOPIC, "xorders-eu"));
    }

    // With more prefixes than the name has characters, the index looks each prefix of the name up
    // instead of scanning: both ways find the same ACLs.
    @Test
    void manyPrefixesAreLookedUpByName() {
        Map<ResourcePattern, List<AclEntry>> many = new java.util.HashMap<>();
        for (int i = 0; i < 50; i++) {
            many.put(new ResourcePattern(TOPIC, "p" + i + "-", PatternType.PREFIXED),
                    List.of(new AclEntry(ALICE, "*", READ, ALLOW)));
        }
        authorizer.update(many);
        assertTrue(authorizer.authorize(ALICE, HOST, READ, TOPIC, "p7-x"));
        assertTrue(authorizer.authorize(ALICE, HOST, READ, TOPIC, "p49-"));
        assertFalse(authorizer.authorize(ALICE, HOST, READ, TOPIC, "p50-x"));
        assertFalse(authorizer.authorize(ALICE, HOST, READ, TOPIC, "p7"));
    }

    // The literal name "*", the principal User:* and the host * each match everything.
    @Test
    void wildcardsMatchEveryResourcePrincipalAndHost() {
        add(literal(TOPIC, "*"), "User:*", "*", READ, ALLOW);
        assertTrue(authorizer.authorize(BOB, "192.168.1.9", READ, TOPIC, "anything"));
        add(literal(GROUP, "g"), ALICE, HOST, READ, ALLOW);
        assertTrue(authorizer.authorize(ALICE, HOST, READ, GROUP, "g"));
        assertFalse(authorizer.authorize(ALICE, "10.0.0.2", READ, GROUP, "g"));
    }

    // A DENY wins over any ALLOW, from any pattern, wildcard principal or ALL operation.
    @Test
    void denyWinsOverAllow() {
        add(literal(TOPIC, "t"), ALICE, "*", ALL, ALLOW);
        add(new ResourcePattern(TOPIC, "t", PatternType.PREFIXED), "User:*", HOST, WRITE, DENY);
        assertFalse(authorizer.authorize(ALICE, HOST, WRITE, TOPIC, "t"));
        assertTrue(authorizer.authorize(ALICE, "10.0.0.2", WRITE, TOPIC, "t"));
        assertTrue(authorizer.authorize(ALICE, HOST, READ, TOPIC, "t"));
        add(literal(TOPIC, "*"), ALICE, "*", ALL, DENY);
        assertFalse(authorizer.authorize(ALICE, "10.0.0.2", READ, TOPIC, "t"));
    }

    // ALL allows every operation; READ/WRITE/DELETE/ALTER imply DESCRIBE, ALTER_CONFIGS implies
    // DESCRIBE_CONFIGS; a DENY of READ does not deny DESCRIBE.
    @Test
    void impliedOperations() {
        for (AclOperation op : List.of(READ, WRITE, DELETE, ALTER)) {
            AclAuthorizer a = new AclAuthorizer(Set.of(), false);
            a.update(Map.of(literal(TOPIC, "t"), List.of(new AclEntry(ALICE, "*", op, ALLOW))));
            assertTrue(a.authorize(ALICE, HOST, DESCRIBE, TOPIC, "t"), op + " implies DESCRIBE");
            assertFalse(a.authorize(ALICE, HOST, DESCRIBE_CONFIGS, TOPIC, "t"));
        }
        add(literal(TOPIC, "c"), ALICE, "*", ALTER_CONFIGS, ALLOW);
        assertTrue(authorizer.authorize(ALICE, HOST, DESCRIBE_CONFIGS, TOPIC, "c"));
        assertFalse(authorizer.authorize(ALICE, HOST, DESCRIBE, TOPIC, "c"));
        add(literal(CLUSTER, ResourceType.CLUSTER_NAME), ALICE, "*", ALL, ALLOW);
        assertTrue(authorizer.authorize(ALICE, HOST, IDEMPOTENT_WRITE, CLUSTER, ResourceType.CLUSTER_NAME));
        add(literal(TOPIC, "d"), ALICE, "*", READ, ALLOW);
        add(literal(TOPIC, "d"), ALICE, "*", READ, DENY);
        assertTrue(authorizer.authorize(ALICE, HOST, DESCRIBE, TOPIC, "d"));
        assertFalse(authorizer.authorize(ALICE, HOST, READ, TOPIC, "d"));
    }

    // A super user may do everything, even against a DENY.
    @Test
    void superUsersMayDoEverything() {
        add(literal(TOPIC, "*"), "User:*", "*", ALL, DENY);
        assertTrue(authorizer.authorize("User:admin", HOST, DELETE, TOPIC, "t"));
        assertFalse(authorizer.authorize(ALICE, HOST, DELETE, TOPIC, "t"));
    }

    // allow.everyone.if.no.acl.found decides only where no ACL of anyone covers the resource.
    @Test
    void allowEveryoneIfNoAclFound() {
        AclAuthorizer open = new AclAuthorizer(Set.of(), true);
        assertTrue(open.authorize(ALICE, HOST, WRITE, TOPIC, "t"));
        open.update(Map.of(literal(TOPIC, "t"), List.of(new AclEntry(BOB, "*", READ, ALLOW))));
        assertFalse(open.authorize(ALICE, HOST, WRITE, TOPIC, "t"));
        assertTrue(open.authorize(ALICE, HOST, WRITE, TOPIC, "other"));
        assertFalse(authorizer.authorize(ALICE, HOST, WRITE, TOPIC, "other"));
    }

    // A change of the ACLs is seen by the next check (cached decisions are dropped), removals too.
    @Test
    void changesInvalidateCachedDecisions() {
        assertFalse(authorizer.authorize(ALICE, HOST, READ, TOPIC, "t"));
        add(literal(TOPIC, "t"), ALICE, "*", READ, ALLOW);
        assertTrue(authorizer.authorize(ALICE, HOST, READ, TOPIC, "t"));
        authorizer.update(Map.of(literal(TOPIC, "t"), List.of()));
        assertFalse(authorizer.authorize(ALICE, HOST, READ, TOPIC, "t"));
    }

    // WRITE on some topic (KIP-679) is found through literal or prefixed ALLOWs not covered by a DENY.
    @Test
    void authorizeAnyTopic() {
        assertFalse(authorizer.authorizeAny(ALICE, HOST, WRITE, TOPIC));
        add(new ResourcePattern(TOPIC, "orders-", PatternType.PREFIXED), ALICE, "*", WRITE, ALLOW);
        assertTrue(authorizer.authorizeAny(ALICE, HOST, WRITE, TOPIC));
        add(new ResourcePattern(TOPIC, "ord", PatternType.PREFIXED), ALICE, "*", WRITE, DENY);
        assertFalse(authorizer.authorizeAny(ALICE, HOST, WRITE, TOPIC));
        assertFalse(authorizer.authorizeAny(ALICE, HOST, CREATE, TOPIC));
    }

    // Describe/Delete filters: ANY takes both pattern types with the exact name, MATCH every ACL applying to the name.
    @Test
    void filtersSelectAsKafkasDo() {
        add(literal(TOPIC, "orders-eu"), ALICE, "*", READ, ALLOW);
        add(literal(TOPIC, "*"), BOB, "*", READ, ALLOW);
        add(new ResourcePattern(TOPIC, "orders-", PatternType.PREFIXED), ALICE, "*", WRITE, ALLOW);
        add(literal(TOPIC, "orders-"), ALICE, "*", WRITE, ALLOW);
        assertEquals(4, authorizer.acls(filter(ResourceType.ANY, null, PatternType.ANY)).size());
        assertEquals(2, authorizer.acls(filter(TOPIC, "orders-", PatternType.ANY)).size());
        assertEquals(1, authorizer.acls(filter(TOPIC, "orders-", PatternType.PREFIXED)).size());
        assertEquals(3, authorizer.acls(filter(TOPIC, "orders-eu", PatternType.MATCH)).size());
        assertEquals(List.of(new AclBinding(literal(TOPIC, "*"), new AclEntry(BOB, "*", READ, ALLOW))),
                authorizer.acls(new AclFilter(ResourceType.ANY, null, PatternType.ANY, BOB, null, AclOperation.ANY,
                        AclPermission.ANY)));
    }

    private static AclFilter filter(ResourceType type, String name, PatternType patternType) {
        return new AclFilter(type, name, patternType, null, null, AclOperation.ANY, AclPermission.ANY);
    }

    private static ResourcePattern literal(ResourceType type, String name) {
        return new ResourcePattern(type, name, PatternType.LITERAL);
    }

    private void add(ResourcePattern pattern, String principal, String host, AclOperation op, AclPermission permission) {
        List<AclEntry> entries = new java.util.ArrayList<>(authorizer.acls(new AclFilter(pattern.type(), pattern.name(),
                pattern.patternType(), null, null, AclOperation.ANY, AclPermission.ANY)).stream().map(AclBinding::entry).toList());
        entries.add(new AclEntry(principal, host, op, permission));
        authorizer.update(Map.of(pattern, entries));
    }
}

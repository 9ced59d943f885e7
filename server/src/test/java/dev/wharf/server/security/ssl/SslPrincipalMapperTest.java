package dev.wharf.server.security.ssl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SslPrincipalMapperTest {
    /** The rules of Kafka's documentation ("Customizing SSL User Name"). */
    private static final String KAFKA_DOC_RULES = "RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/,"
            + "RULE:^CN=(.*?),OU=(.*?),O=(.*?),L=(.*?),ST=(.*?),C=(.*?)$/$1@$2/L,"
            + "RULE:^.*[Cc][Nn]=([a-zA-Z0-9.]*).*$/$1/L,"
            + "DEFAULT";
    /** Names and rule sets checked against kafka-clients' own mapper. */
    private static final List<String> DNS = List.of("CN=alice,OU=eng,O=Wharf", "CN=Bob,OU=ServiceUsers,O=Wharf",
            "CN=adminUser,OU=Admin,O=Unknown,L=Unknown,ST=Unknown,C=Unknown", "CN=a/b", "O=Wharf,CN=Carol", "CN=x");
    private static final List<String> RULES = List.of(KAFKA_DOC_RULES,
            "DEFAULT", "DEFAULT,", "DEFAULT,,DEFAULT", " RULE:^CN=(.*?),.*$/$1/U ,\n DEFAULT",
            "RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/",
            "RULE:^CN=(.*?),.*$/$1-$2/", "RULE:^CN=(.*)$/\\$1/", "RULE:^CN=(.*?)\\/(.*?)$/$1\\/$2/",
            "RULE:^CN=([^,]*),OU=(.*)$/$2$1/", "RULE:^CN=(.*?),(.*)$/$1\\\\$2/", "RULE:.*/X/",
            "RULE:^CN=([^,ADEFLTU,]+)(,.*|$)/$1/,DEFAULT", "RULE:^(.*)$/$10$1/L");

    static Stream<Arguments> rulesAndNames() {
        return RULES.stream().flatMap(rules -> DNS.stream().map(dn -> Arguments.of(rules, dn)));
    }

    // The reference: kafka-clients' own mapper gives the same name for each rule set and DN, and
    // refuses the same names (no rule matches)
    @ParameterizedTest
    @MethodSource("rulesAndNames")
    void sameNamesAsKafkaClients(String rules, String dn) {
        String kafkaName;
        try {
            kafkaName = org.apache.kafka.common.security.ssl.SslPrincipalMapper.fromRules(rules).getName(dn);
        } catch (IOException noMatchingRule) {
            assertThrows(IllegalArgumentException.class, () -> SslPrincipalMapper.of(rules).nameOf(dn));
            return;
        }
        assertEquals(kafkaName, SslPrincipalMapper.of(rules).nameOf(dn));
    }

    // Kafka's documented examples map as the docs say (a pattern's own commas do not split rules).
    @Test
    void kafkaDocumentationExamples() {
        SslPrincipalMapper mapper = SslPrincipalMapper.of(KAFKA_DOC_RULES);
        assertEquals("serviceuser",
                mapper.nameOf("CN=serviceuser,OU=ServiceUsers,O=Unknown,L=Unknown,ST=Unknown,C=Unknown"));
        assertEquals("adminuser@admin",
                mapper.nameOf("CN=adminUser,OU=Admin,O=Unknown,L=Unknown,ST=Unknown,C=Unknown"));
        assertEquals("bob", mapper.nameOf("O=Wharf,CN=Bob"));
    }

    // The default rule keeps the whole distinguished name, as Kafka's default principal does.
    @Test
    void defaultKeepsTheDistinguishedName() {
        assertEquals("CN=alice,OU=eng,O=Wharf", SslPrincipalMapper.of("DEFAULT").nameOf("CN=alice,OU=eng,O=Wharf"));
        assertEquals("CN=alice,OU=eng,O=Wharf", SslPrincipalMapper.defaults().nameOf("CN=alice,OU=eng,O=Wharf"));
        assertEquals("CN=alice,OU=eng,O=Wharf", SslPrincipalMapper.of(null).nameOf("CN=alice,OU=eng,O=Wharf"));
    }

    // First match wins; a name no RULE matches falls through to DEFAULT.
    @Test
    void firstMatchingRuleWinsThenDefault() {
        SslPrincipalMapper mapper = SslPrincipalMapper.of(
                "RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/, RULE:^CN=(.*?),.*$/user-$1/, DEFAULT");
        assertEquals("svc", mapper.nameOf("CN=svc,OU=ServiceUsers,O=Wharf"));
        assertEquals("user-alice", mapper.nameOf("CN=alice,OU=eng,O=Wharf"));
        assertEquals("O=Wharf", mapper.nameOf("O=Wharf"));
    }

    // With no DEFAULT and no matching rule, the client is refused, as Kafka refuses it
    @Test
    void noMatchRefusesTheName() {
        SslPrincipalMapper mapper = SslPrincipalMapper.of("RULE:^CN=(.*?),OU=ServiceUsers.*$/$1/");
        assertThrows(IllegalArgumentException.class, () -> mapper.nameOf("CN=alice,OU=eng,O=Wharf"));
        assertThrows(IllegalArgumentException.class, () -> SslPrincipalMapper.of("").nameOf("CN=alice"));
    }

    // /L lower-cases and /U upper-cases the result, and nothing else of the rule.
    @Test
    void caseFlags() {
        String dn = "CN=Alice,OU=Eng,O=Wharf";
        assertEquals("alice@eng", SslPrincipalMapper.of("RULE:^CN=(.*?),OU=(.*?),.*$/$1@$2/L").nameOf(dn));
        assertEquals("ALICE@ENG", SslPrincipalMapper.of("RULE:^CN=(.*?),OU=(.*?),.*$/$1@$2/U").nameOf(dn));
        assertEquals("Alice@Eng", SslPrincipalMapper.of("RULE:^CN=(.*?),OU=(.*?),.*$/$1@$2/").nameOf(dn));
    }

    // A backslash escapes a slash inside the pattern and the replacement; $ can be escaped too.
    @Test
    void escapes() {
        assertEquals("eng/alice",
                SslPrincipalMapper.of("RULE:^CN=(.*?),OU=(.*?),.*$/$2\\/$1/").nameOf("CN=alice,OU=eng,O=Wharf"));
        assertEquals("a/b", SslPrincipalMapper.of("RULE:^CN=(.*?)\\/(.*?)$/$1\\/$2/").nameOf("CN=a/b"));
        assertEquals("$1", SslPrincipalMapper.of("RULE:^CN=(.*)$/\\$1/").nameOf("CN=x"));
        // A reference to a group the pattern lacks stays literal rather than failing.
        assertEquals("alice-$2", SslPrincipalMapper.of("RULE:^CN=(.*?),.*$/$1-$2/").nameOf("CN=alice,O=W"));
    }

    // Rules may be separated by new lines and padded with white space.
    @Test
    void newLinesAndSpacesBetweenRules() {
        SslPrincipalMapper mapper = SslPrincipalMapper.of("  RULE:^CN=(.*?),OU=ops,.*$/$1/U \n\n DEFAULT \n");
        assertEquals("ROOT", mapper.nameOf("CN=root,OU=ops,O=Wharf"));
        assertEquals("CN=alice,OU=eng,O=Wharf", mapper.nameOf("CN=alice,OU=eng,O=Wharf"));
    }

    // Malformed rules (malformed for kafka-clients too) are refused at start-up with the key's name.
    @ParameterizedTest
    @ValueSource(strings = {"RULE:^CN=(.*)/$1", "DEFAULTS", "CN=alice", "RULE:^CN=(.*/$1/", "DEFAULT,,RULE",
        "RULE:^CN=(.*)/$1/Lxyz", "RULE:^CN=(.*)/$1/ L", "RULE:^CN=(.*)/$1/l"})
    void malformedRulesAreRefused(String rules) {
        assertThrows(IllegalArgumentException.class,
                () -> org.apache.kafka.common.security.ssl.SslPrincipalMapper.fromRules(rules));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SslPrincipalMapper.of(rules));
        assertTrue(e.getMessage().startsWith("ssl.principal.mapping.rules:"), e.getMessage());
    }
}

package dev.wharf.server.security.sasl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The sasl.jaas.config syntax Kafka users write. */
class JaasConfigTest {
    // Kafka's documented PLAIN example parses into its options, quoted and bare values alike.
    @Test
    void kafkasPlainExample() {
        JaasConfig config = JaasConfig.parse("org.apache.kafka.common.security.plain.PlainLoginModule required\n"
                + "    username=\"admin\" password=admin-secret\n    user_admin=\"admin-secret\" user_alice=\"alice-secret\";");
        JaasConfig.Entry e = config.single("test");
        assertEquals("org.apache.kafka.common.security.plain.PlainLoginModule", e.loginModule());
        assertEquals("required", e.flag());
        assertEquals(Map.of("username", "admin", "password", "admin-secret", "user_admin", "admin-secret",
                "user_alice", "alice-secret"), e.options());
    }

    // Several entries, comments, escapes inside quotes and odd characters in values are read as JAAS reads them.
    @Test
    void entriesCommentsAndEscapes() {
        JaasConfig config = JaasConfig.parse("// first\nA.Module optional a=\"x \\\"y\\\" \\\\ z;=\" /* note */ b=1;"
                + " B.Module Sufficient url=\"https://idp/keys?x=1\";");
        assertEquals(2, config.entries().size());
        assertEquals("x \"y\" \\ z;=", config.entries().get(0).option("a"));
        assertEquals("1", config.entries().get(0).option("b"));
        assertEquals("sufficient", config.entries().get(1).flag());
        assertEquals("https://idp/keys?x=1", config.entries().get(1).option("url"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config.single("The JAAS config"));
        assertTrue(e.getMessage().contains("exactly one"), e.getMessage());
    }

    // Mistakes are reported with what is wrong, so the operator can fix the line.
    @Test
    void errorsNameTheProblem() {
        for (List<String> c : List.of(
                List.of("A required a=\"1\"", "does not end with ';'"),
                List.of("A mandatory a=1;", "not a control flag"),
                List.of("A required a \"1\";", "expected '='"),
                List.of("A required a=\"1;", "unterminated"),
                List.of("A required a=1 a=2;", "given twice"),
                List.of("   ", "empty"))) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> JaasConfig.parse(c.get(0)));
            assertTrue(e.getMessage().contains(c.get(1)), c.get(0) + " -> " + e.getMessage());
        }
    }
}

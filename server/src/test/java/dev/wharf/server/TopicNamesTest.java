package dev.wharf.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** Why a name is no topic name, in the words Kafka 4.4 answers with. */
class TopicNamesTest {
    @Test
    void invaliditiesInKafkasWords() {
        assertNull(TopicNames.invalidity("orders.v1_x-2"));
        assertEquals("Topic name is invalid: the empty string is not allowed", TopicNames.invalidity(""));
        assertEquals("Topic name is invalid: '..' is not allowed", TopicNames.invalidity(".."));
        assertEquals("Topic name is invalid: the length of '" + "x".repeat(250) + "' is longer than the max allowed length 249",
                TopicNames.invalidity("x".repeat(250)));
        assertEquals("Topic name is invalid: 'bad name!' contains one or more characters other than ASCII alphanumerics, "
                + "'.', '_' and '-'", TopicNames.invalidity("bad name!"));
    }
}

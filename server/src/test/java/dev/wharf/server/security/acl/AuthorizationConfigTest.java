package dev.wharf.server.security.acl;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.server.BrokerConfig;
import dev.wharf.server.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** authorizer.class.name: empty keeps everything allowed, Kafka's names turn ACLs on, anything else stops start-up. */
class AuthorizationConfigTest {
    // Without authorizer.class.name there is no authorizer: today's behaviour, everything allowed.
    @Test
    void emptyMeansNoAuthorizer() throws Exception {
        assertSame(Authorization.NONE, Authorization.start(BrokerConfig.of(Map.of()), null));
        assertTrue(Authorization.NONE.authorizer().isEmpty());
    }

    // An authorizer Wharf cannot provide fails the broker's configuration, naming the ones it can.
    @Test
    void unknownAuthorizerFailsClearly() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> BrokerConfig.of(Map.of("authorizer.class.name", "com.acme.CustomAuthorizer")));
        assertTrue(e.getMessage().contains("authorizer.class.name") && e.getMessage().contains("StandardAuthorizer"),
                e.getMessage());
        BrokerConfig.of(Map.of("authorizer.class.name", "kafka.security.authorizer.AclAuthorizer"));
        BrokerConfig.of(Map.of("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer"));
    }
}

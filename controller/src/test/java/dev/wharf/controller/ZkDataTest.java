package dev.wharf.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ZkDataTest {
    // a registration carries every listener with its protocol, in Kafka's fields, and reads back the same
    @Test
    void brokerRegistrationKeepsEveryListener() throws Exception {
        BrokerInfo broker = new BrokerInfo(3, List.of(
                new BrokerInfo.Endpoint("PLAINTEXT", "PLAINTEXT", "broker3.example", 9092),
                new BrokerInfo.Endpoint("INTERNAL", "PLAINTEXT", "10.0.0.3", 19092),
                new BrokerInfo.Endpoint("V6", "PLAINTEXT", "::1", 29092)));

        byte[] data = ZkData.brokerRegistration(broker);

        JsonNode json = new ObjectMapper().readTree(data);
        assertEquals("PLAINTEXT://broker3.example:9092", json.get("endpoints").get(0).asText());
        assertEquals("INTERNAL://10.0.0.3:19092", json.get("endpoints").get(1).asText());
        assertEquals("V6://[::1]:29092", json.get("endpoints").get(2).asText());
        assertEquals("PLAINTEXT", json.get("listener_security_protocol_map").get("INTERNAL").asText());
        assertEquals("broker3.example", json.get("host").asText());
        assertEquals(9092, json.get("port").asInt());
        assertEquals(broker, ZkData.brokerRegistration(3, data));
    }

    // a broker's offline replicas are written as topic to partitions, and read back the same
    @Test
    void offlineReplicasRoundTrip() {
        java.util.Map<String, List<Integer>> offline = java.util.Map.of("orders", List.of(0, 2), "t.x-y", List.of(1));
        byte[] data = ZkData.offlineReplicas(offline);
        assertEquals(offline, ZkData.offlineReplicas(data));
        assertEquals("{\"version\":1,\"partitions\":{\"t\":[3]}}",
                new String(ZkData.offlineReplicas(java.util.Map.of("t", List.of(3))), StandardCharsets.UTF_8));
    }

    // a registration without endpoints (written before listeners had names) is one PLAINTEXT listener
    @Test
    void registrationWithoutEndpointsIsPlaintext() {
        byte[] old = "{\"version\":4,\"host\":\"h\",\"port\":9092}".getBytes(StandardCharsets.UTF_8);
        assertEquals(new BrokerInfo(1, "h", 9092), ZkData.brokerRegistration(1, old));
    }

    // broker.rack is registered as Kafka's "rack" field and read back; no rack means no field, and a null one none
    @Test
    void rackRoundTrips() throws Exception {
        BrokerInfo racked = new BrokerInfo(4, List.of(new BrokerInfo.Endpoint("PLAINTEXT", "PLAINTEXT", "h", 9092)),
                Optional.of("eu-west-1a"));
        byte[] data = ZkData.brokerRegistration(racked);
        assertEquals("eu-west-1a", new ObjectMapper().readTree(data).get("rack").asText());
        assertEquals(racked, ZkData.brokerRegistration(4, data));

        BrokerInfo plain = new BrokerInfo(5, "h", 9093);
        byte[] none = ZkData.brokerRegistration(plain);
        assertFalse(new ObjectMapper().readTree(none).has("rack"));
        assertEquals(Optional.empty(), ZkData.brokerRegistration(5, none).rack());

        byte[] nullRack = ("{\"version\":5,\"host\":\"h\",\"port\":9093,\"endpoints\":[\"PLAINTEXT://h:9093\"],"
                + "\"rack\":null}").getBytes(StandardCharsets.UTF_8);
        assertEquals(plain, ZkData.brokerRegistration(5, nullRack));
        byte[] oldWithRack = "{\"version\":4,\"host\":\"h\",\"port\":9093,\"rack\":\"r\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(Optional.of("r"), ZkData.brokerRegistration(5, oldWithRack).rack());
    }

    // The user or client id "." or ".." gets a node ZooKeeper accepts, and reads back as itself; other names as Kafka writes them.
    @Test
    void dotNamesAreEncoded() {
        assertEquals("%2E", ZkData.sanitize("."));
        assertEquals("%2E%2E", ZkData.sanitize(".."));
        assertEquals("..", ZkData.desanitize(ZkData.sanitize("..")));
        assertEquals("a.b", ZkData.sanitize("a.b"));
        assertEquals("...", ZkData.sanitize("..."));
        assertEquals("a%20b%2A", ZkData.sanitize("a b*"));
    }
}

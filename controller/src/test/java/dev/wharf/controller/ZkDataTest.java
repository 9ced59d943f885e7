package dev.wharf.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    // a registration without endpoints (written before listeners had names) is one PLAINTEXT listener
    @Test
    void registrationWithoutEndpointsIsPlaintext() {
        byte[] old = "{\"version\":4,\"host\":\"h\",\"port\":9092}".getBytes(StandardCharsets.UTF_8);
        assertEquals(new BrokerInfo(1, "h", 9092), ZkData.brokerRegistration(1, old));
    }
}

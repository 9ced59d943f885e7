package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Kafka's own CLI tools (the classes behind kafka-topics.sh, kafka-console-*.sh, ...) against Wharf. */
@Exercises({ApiKeys.PRODUCE, ApiKeys.FETCH, ApiKeys.LIST_OFFSETS, ApiKeys.LIST_GROUPS, ApiKeys.API_VERSIONS,
        ApiKeys.CREATE_TOPICS, ApiKeys.DELETE_TOPICS, ApiKeys.DELETE_RECORDS, ApiKeys.INIT_PRODUCER_ID,
        ApiKeys.DESCRIBE_CONFIGS, ApiKeys.CREATE_PARTITIONS, ApiKeys.INCREMENTAL_ALTER_CONFIGS,
        ApiKeys.DESCRIBE_TOPIC_PARTITIONS})
class CliToolsIT {
    @TempDir
    Path dir;

    private RunningBroker broker;

    @BeforeEach
    void start() throws Exception {
        broker = new RunningBroker(dir, Map.of());
    }

    @AfterEach
    void stop() throws Exception {
        if (broker != null) {
            broker.close();
        }
    }

    private KafkaTool.Result tool(String mainClass, String stdin, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = broker.bootstrap();
        System.arraycopy(args, 0, all, 2, args.length);
        KafkaTool.Result r = KafkaTool.run(mainClass, stdin, all);
        assertEquals(0, r.exitCode(), mainClass + " failed:\n" + r.output());
        return r;
    }

    // kafka-topics: create, list, describe (with configs), add partitions, delete.
    @Test
    void kafkaTopics() throws Exception {
        String topics = "org.apache.kafka.tools.TopicCommand";
        assertTrue(tool(topics, null, "--create", "--topic", "cli", "--partitions", "3", "--replication-factor", "1",
                "--config", "retention.ms=86400000").output().contains("Created topic cli."));
        assertTrue(tool(topics, null, "--list").output().lines().anyMatch("cli"::equals));
        String described = tool(topics, null, "--describe", "--topic", "cli").output();
        assertTrue(described.contains("PartitionCount: 3"), described);
        assertTrue(described.contains("retention.ms=86400000"), described);
        tool(topics, null, "--alter", "--topic", "cli", "--partitions", "4");
        assertTrue(tool(topics, null, "--describe", "--topic", "cli").output().contains("PartitionCount: 4"));
        tool(topics, null, "--delete", "--topic", "cli");
        assertFalse(tool(topics, null, "--list").output().lines().anyMatch("cli"::equals));
    }

    // Console producer to console consumer, then kafka-get-offsets and kafka-delete-records.
    @Test
    void consoleProducerConsumerOffsetsAndDeleteRecords() throws Exception {
        tool("org.apache.kafka.tools.ConsoleProducer", "hello\nwharf\nfrom the console\n", "--topic", "greetings");
        String consumed = tool("org.apache.kafka.tools.consumer.ConsoleConsumer", null, "--topic", "greetings",
                "--partition", "0", "--offset", "earliest", "--max-messages", "3").output();
        assertTrue(consumed.contains("hello\nwharf\nfrom the console\n"), consumed);
        assertTrue(tool("org.apache.kafka.tools.GetOffsetShell", null, "--topic", "greetings").output().contains("greetings:0:3"));

        Path json = dir.resolve("delete.json");
        Files.writeString(json, "{\"partitions\":[{\"topic\":\"greetings\",\"partition\":0,\"offset\":1}],\"version\":1}");
        String deleted = tool("org.apache.kafka.tools.DeleteRecordsCommand", null, "--offset-json-file", json.toString()).output();
        assertTrue(deleted.contains("low_watermark: 1"), deleted);
        assertTrue(tool("org.apache.kafka.tools.GetOffsetShell", null, "--topic", "greetings", "--time", "-2").output()
                .contains("greetings:0:1"));
    }

    // kafka-configs (org.apache.kafka.tools.ConfigCommand since 4.4): alter and describe a topic's configs.
    @Test
    void kafkaConfigs() throws Exception {
        tool("org.apache.kafka.tools.TopicCommand", null, "--create", "--topic", "configured", "--partitions", "1");
        String configs = "org.apache.kafka.tools.ConfigCommand";
        tool(configs, null, "--alter", "--entity-type", "topics", "--entity-name", "configured", "--add-config",
                "retention.ms=3600000,max.message.bytes=2000000");
        String described = tool(configs, null, "--describe", "--entity-type", "topics", "--entity-name", "configured").output();
        assertTrue(described.contains("retention.ms=3600000"), described);
        assertTrue(described.contains("max.message.bytes=2000000"), described);
        tool(configs, null, "--alter", "--entity-type", "topics", "--entity-name", "configured", "--delete-config",
                "max.message.bytes");
        described = tool(configs, null, "--describe", "--entity-type", "topics", "--entity-name", "configured").output();
        assertFalse(described.contains("max.message.bytes=2000000"), described);
    }

    // kafka-broker-api-versions lists what the broker serves, as Kafka 4.4 lists it: Produce from v0 (KAFKA-18659,
    // though v0-2 are refused when used) and every API at the version the 4.4 tools use.
    @Test
    void brokerApiVersions() throws Exception {
        Map<String, String> apis = apiLines(tool("org.apache.kafka.tools.BrokerApiVersionsCommand", null).output());
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("Produce(0)", "0 to 13 [usable: 13]");
        expected.put("Fetch(1)", "4 to 18 [usable: 18]");
        expected.put("Metadata(3)", "0 to 13 [usable: 13]");
        expected.put("ApiVersions(18)", "0 to 5 [usable: 5]");
        // the transaction APIs, usable at the versions the 4.4 tools speak
        expected.put("InitProducerId(22)", "0 to 5 [usable: 5]");
        expected.put("AddPartitionsToTxn(24)", "0 to 5 [usable: 5]");
        expected.put("AddOffsetsToTxn(25)", "0 to 4 [usable: 4]");
        expected.put("EndTxn(26)", "0 to 5 [usable: 5]");
        expected.put("WriteTxnMarkers(27)", "1 to 2 [usable: 2]");
        expected.put("TxnOffsetCommit(28)", "0 to 6 [usable: 6]");
        expected.put("DescribeProducers(61)", "0 [usable: 0]");
        expected.put("DescribeTransactions(65)", "0 [usable: 0]");
        expected.put("ListTransactions(66)", "0 to 2 [usable: 2]");
        expected.put("ConsumerGroupHeartbeat(68)", "0 to 1 [usable: 1]");
        expected.forEach((api, range) -> assertEquals(range, apis.get(api), api + " in " + apis));
    }

    /** The tool's lines "\tName(key): range," by API, leaving out its log lines. */
    private static Map<String, String> apiLines(String output) {
        Map<String, String> apis = new java.util.TreeMap<>();
        output.lines().map(String::strip).filter(l -> l.matches("\\w+\\(\\d+\\): .*")).forEach(l -> {
            int colon = l.indexOf("): ");
            apis.put(l.substring(0, colon + 1), l.substring(colon + 3).replaceAll(",$", ""));
        });
        return apis;
    }
}

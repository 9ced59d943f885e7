package dev.wharf.controller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Every znode Wharf uses and its encoding, in one place. The layout and JSON encodings follow
 * Kafka's ZooKeeper mode, so the data reads familiarly:
 *
 * <pre>
 *   /cluster/id                                  {"version":"1","id":"&lt;cluster id&gt;"}
 *   /controller                  ephemeral       {"version":1,"brokerid":0,"timestamp":"..."}
 *   /controller_epoch                            "3"; its znode version fences controller writes
 *   /brokers/ids/&lt;id&gt;            ephemeral       {"version":5,"host":"..","port":9092,"endpoints":["PLAINTEXT://..:9092",..],
 *                                                "listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT",..},
 *                                                "rack":"r1"}   (no "rack" without broker.rack)
 *   /brokers/topics/&lt;topic&gt;                       {"version":3,"topic_id":"..","partitions":{"0":[0]},...}
 *   /brokers/topics/&lt;topic&gt;/partitions/&lt;p&gt;/state   {"controller_epoch":3,"leader":0,"version":1,"leader_epoch":0,"isr":[0]}
 *   /config/topics/&lt;topic&gt;                        {"version":1,"config":{"retention.ms":"1000"}}
 *   /config/brokers/&lt;id&gt;                         {"version":1,"config":{"log.retention.ms":"1000"}}  one broker's dynamic configs
 *   /config/brokers/&lt;default&gt;                    {"version":1,"config":{...}}  the cluster-wide dynamic defaults
 *   /config/users/&lt;user&gt;                         {"version":1,"config":{"producer_byte_rate":"1024",
 *                                                "SCRAM-SHA-256":"salt=..,stored_key=..,server_key=..,iterations=4096"}}
 *   /config/users/&lt;user&gt;/clients/&lt;client id&gt;    {"version":1,"config":{"consumer_byte_rate":"2048"}}
 *   /config/clients/&lt;client id&gt;                  {"version":1,"config":{"request_percentage":"50"}}
 *                                                client quotas and SCRAM credentials; &lt;default&gt; for
 *                                                either name is the default entity, and names are
 *                                                sanitized as Kafka does ({@link #sanitize}: URL encoding)
 *   /latest_producer_id_block                    {"version":1,"broker":0,"block_start":"0","block_end":"999"}
 *   /admin/controlled_shutdown/&lt;id&gt;   ephemeral  (empty)   Wharf's: the broker is shutting down
 *   /brokers/offline_replicas/&lt;id&gt;  ephemeral  {"version":1,"partitions":{"t":[0,2]}}   Wharf's: the broker's
 *                                                replicas in failed log dirs (KIP-112); the controller takes
 *                                                them as not live until the broker restarts (the node dies with
 *                                                its session)
 *   /kafka-acl/&lt;type&gt;/&lt;sanitized name&gt;         {"version":1,"acls":[{"principal":"User:alice","permissionType":"Allow",
 *                                                "operation":"Read","host":"*"}]}   literal ACLs ("Topic", "Group", ...)
 *   /kafka-acl-extended/prefixed/&lt;type&gt;/&lt;name&gt;  the same, for prefixed ACLs (KIP-290)
 *   /config/groups/&lt;group id&gt;                    {"version":1,"config":{"share.auto.offset.reset":"earliest"}}
 *                                                group configs (KIP-848, KIP-932), the id sanitized
 *   /features/finalized                          {"version":1,"config":{"group.version":"1","epoch":"3"}}
 *                                                Wharf's: finalized feature levels (KIP-584) and their epoch
 *
 * The config entities' layouts (which znodes are entities, and their names) are {@link ZkEntityLayouts}'.
 * </pre>
 *
 * Stateless; any thread.
 */
final class ZkData {
    static final String CLUSTER_ID = "/cluster/id";
    static final String CONTROLLER = "/controller";
    static final String CONTROLLER_EPOCH = "/controller_epoch";
    static final String BROKER_IDS = "/brokers/ids";
    static final String TOPICS = "/brokers/topics";
    static final String TOPIC_CONFIGS = "/config/topics";
    /** Dynamic broker configs, one child per broker id plus {@link #DEFAULT_BROKER_ENTITY} (Kafka's names). */
    static final String BROKER_CONFIGS = "/config/brokers";
    /** The child of {@link #BROKER_CONFIGS} holding the cluster-wide defaults. */
    static final String DEFAULT_BROKER_ENTITY = "<default>";
    /** Users' configs (quotas, SCRAM credentials), with their client ids' below them. */
    static final String USER_CONFIGS = "/config/users";
    /** Client ids' quota configs. */
    static final String CLIENT_CONFIGS = "/config/clients";
    /** Group configs (KIP-848/KIP-932 group config resources), one znode per group id. */
    static final String GROUP_CONFIGS = "/config/groups";
    /** The znode name of a default entity (Kafka's ConfigEntityName.DEFAULT); a real name never sanitizes to it. */
    static final String DEFAULT_ENTITY = "<default>";
    static final String PRODUCER_ID_BLOCK = "/latest_producer_id_block";
    /** Brokers shutting down, each an ephemeral child: the controller moves their leadership away first. */
    static final String CONTROLLED_SHUTDOWN = "/admin/controlled_shutdown";
    /** Each broker with failed log dirs has an ephemeral child listing the replicas it lost. */
    static final String OFFLINE_REPLICAS = "/brokers/offline_replicas";

    /** Literal ACLs, one child per resource type, each with one child per resource name. */
    static final String LITERAL_ACLS = "/kafka-acl";
    /** Prefixed ACLs, laid out as {@link #LITERAL_ACLS}. */
    static final String PREFIXED_ACLS = "/kafka-acl-extended/prefixed";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ZkData() {}

    static String broker(int id) {
        return BROKER_IDS + "/" + id;
    }

    static String shuttingDown(int id) {
        return CONTROLLED_SHUTDOWN + "/" + id;
    }

    static String offlineReplicas(int id) {
        return OFFLINE_REPLICAS + "/" + id;
    }

    // /brokers/offline_replicas/<id>

    static byte[] offlineReplicas(Map<String, List<Integer>> partitions) {
        ObjectNode n = JSON.createObjectNode().put("version", 1);
        ObjectNode byTopic = n.putObject("partitions");
        partitions.forEach((topic, ps) -> {
            ArrayNode a = byTopic.putArray(topic);
            ps.forEach(a::add);
        });
        return bytes(n);
    }

    static Map<String, List<Integer>> offlineReplicas(byte[] data) {
        Map<String, List<Integer>> out = new LinkedHashMap<>();
        tree(data).path("partitions").fields().forEachRemaining(e -> out.put(e.getKey(), ints(e.getValue())));
        return out;
    }

    static String topic(String topic) {
        return TOPICS + "/" + topic;
    }

    static String partitions(String topic) {
        return topic(topic) + "/partitions";
    }

    static String partition(String topic, int partition) {
        return partitions(topic) + "/" + partition;
    }

    static String partitionState(String topic, int partition) {
        return partition(topic, partition) + "/state";
    }

    /** The partition whose state znode {@code path} is, or -1 for any other path. */
    static int statePartition(String topic, String path) {
        String prefix = partitions(topic) + "/";
        if (path == null || !path.startsWith(prefix) || !path.endsWith("/state")) {
            return -1;
        }
        try {
            int p = Integer.parseInt(path.substring(prefix.length(), path.length() - "/state".length()));
            return p >= 0 && partitionState(topic, p).equals(path) ? p : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String topicConfig(String topic) {
        return TOPIC_CONFIGS + "/" + topic;
    }

    /** The znode of a broker-config entity: a broker id, or {@link #DEFAULT_BROKER_ENTITY}. */
    static String brokerConfig(String entity) {
        return BROKER_CONFIGS + "/" + entity;
    }

    /**
     * A user or client id as a znode name, as Kafka's Sanitizer makes it: URL-encoded (UTF-8), with
     * a space as {@code %20} rather than {@code +} and {@code *} as {@code %2A}; and, unlike Kafka,
     * the names {@code .} and {@code ..} as {@code %2E} and {@code %2E%2E}.
     */
    static String sanitize(String name) {
        String encoded = java.net.URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A");
        // ZooKeeper refuses "." and ".." as node names: their dots are encoded too (decoding gives them back)
        return encoded.equals(".") || encoded.equals("..") ? encoded.replace(".", "%2E") : encoded;
    }

    static String desanitize(String znodeName) {
        return java.net.URLDecoder.decode(znodeName, StandardCharsets.UTF_8);
    }

    /** The first name below {@code tree} in {@code path} (a topic, a broker id), or null when the path is not below it. */
    static String childOf(String tree, String path) {
        if (path == null || !path.startsWith(tree + "/")) {
            return null;
        }
        String rest = path.substring(tree.length() + 1);
        int slash = rest.indexOf('/');
        return slash < 0 ? rest : rest.substring(0, slash);
    }

    // /cluster/id

    static byte[] clusterId(String id) {
        return bytes(JSON.createObjectNode().put("version", "1").put("id", id));
    }

    static String clusterId(byte[] data) {
        return tree(data).get("id").asText();
    }

    // /brokers/ids/<id>

    static byte[] brokerRegistration(BrokerInfo b) {
        ObjectNode n = JSON.createObjectNode().put("version", 5).put("host", b.host()).put("port", b.port())
                .put("timestamp", Long.toString(System.currentTimeMillis()));
        ArrayNode endpoints = n.putArray("endpoints");
        ObjectNode protocols = n.putObject("listener_security_protocol_map");
        for (BrokerInfo.Endpoint e : b.endpoints()) {
            endpoints.add(e.toString());
            protocols.put(e.listenerName(), e.securityProtocol());
        }
        b.rack().ifPresent(rack -> n.put("rack", rack));
        return bytes(n);
    }

    /**
     * A registration; one written without endpoints (before listeners had names) is one PLAINTEXT
     * listener, and one without a rack (or with a null one, as Kafka may write) has none.
     */
    static BrokerInfo brokerRegistration(int id, byte[] data) {
        JsonNode n = tree(data);
        JsonNode rackNode = n.get("rack");
        Optional<String> rack = rackNode == null || rackNode.isNull() ? Optional.empty() : Optional.of(rackNode.asText());
        JsonNode endpoints = n.get("endpoints");
        if (endpoints == null || !endpoints.isArray() || endpoints.isEmpty()) {
            BrokerInfo.Endpoint only = new BrokerInfo.Endpoint("PLAINTEXT", "PLAINTEXT", n.get("host").asText(),
                    n.get("port").asInt());
            return new BrokerInfo(id, List.of(only), rack);
        }
        JsonNode protocols = n.path("listener_security_protocol_map");
        List<BrokerInfo.Endpoint> out = new ArrayList<>();
        for (JsonNode e : endpoints) {
            String text = e.asText();
            int scheme = text.indexOf("://");
            int colon = text.lastIndexOf(':');
            String name = text.substring(0, scheme);
            String host = text.substring(scheme + 3, colon);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            out.add(new BrokerInfo.Endpoint(name, protocols.path(name).asText(name), host,
                    Integer.parseInt(text.substring(colon + 1))));
        }
        return new BrokerInfo(id, out, rack);
    }

    // /controller and /controller_epoch

    static byte[] controller(int brokerId) {
        return bytes(JSON.createObjectNode().put("version", 1).put("brokerid", brokerId)
                .put("timestamp", Long.toString(System.currentTimeMillis())));
    }

    static int controllerId(byte[] data) {
        return tree(data).get("brokerid").asInt();
    }

    static byte[] controllerEpoch(int epoch) {
        return Integer.toString(epoch).getBytes(StandardCharsets.UTF_8);
    }

    static int controllerEpoch(byte[] data) {
        return Integer.parseInt(new String(data, StandardCharsets.UTF_8).trim());
    }

    // /brokers/topics/<topic> and its partition states

    static byte[] topicAssignment(UUID id, List<TopicInfo.PartitionInfo> partitions) {
        ObjectNode n = JSON.createObjectNode().put("version", 3).put("topic_id", KafkaIds.toText(id));
        ObjectNode assignment = n.putObject("partitions");
        ObjectNode adding = n.putObject("adding_replicas");
        ObjectNode removing = n.putObject("removing_replicas");
        for (TopicInfo.PartitionInfo p : partitions) {
            p.replicas().forEach(assignment.putArray(Integer.toString(p.partition()))::add);
            if (p.reassigning()) {
                p.adding().forEach(adding.putArray(Integer.toString(p.partition()))::add);
                p.removing().forEach(removing.putArray(Integer.toString(p.partition()))::add);
            }
        }
        return bytes(n);
    }

    static UUID topicId(byte[] assignment) {
        return KafkaIds.fromText(tree(assignment).get("topic_id").asText());
    }

    /**
     * The replicas of each partition, by partition number, with the replicas being added and
     * removed by a reassignment under way; the rest of each state (leader, ISR) is left empty.
     */
    static List<TopicInfo.PartitionInfo> replicaAssignment(byte[] assignment) {
        JsonNode n = tree(assignment);
        JsonNode partitions = n.get("partitions");
        List<TopicInfo.PartitionInfo> out = new ArrayList<>();
        for (int p = 0; p < partitions.size(); p++) {
            String key = Integer.toString(p);
            out.add(new TopicInfo.PartitionInfo(p, ints(partitions.get(key)), -1, -1, List.of(), -1,
                    ints(n.path("adding_replicas").path(key)), ints(n.path("removing_replicas").path(key))));
        }
        return out;
    }

    static byte[] partitionState(TopicInfo.PartitionInfo p, int controllerEpoch) {
        ObjectNode s = JSON.createObjectNode().put("controller_epoch", controllerEpoch).put("leader", p.leader())
                .put("version", 1).put("leader_epoch", p.leaderEpoch());
        p.isr().forEach(s.putArray("isr")::add);
        return bytes(s);
    }

    /**
     * A partition's state as read, with the version of its znode as the partition epoch; its
     * replicas (and reassignment) as {@code assigned} has them.
     */
    static TopicInfo.PartitionInfo partitionState(TopicInfo.PartitionInfo assigned, byte[] state, int zkVersion) {
        JsonNode s = tree(state);
        return assigned.withLeaderAndIsr(s.get("leader").asInt(), s.get("leader_epoch").asInt(), ints(s.get("isr")))
                .withPartitionEpoch(zkVersion);
    }

    /** The controller epoch a partition state was last written under. */
    static int controllerEpochOf(byte[] state) {
        return tree(state).path("controller_epoch").asInt(0);
    }

    // /config/topics/<topic>

    static byte[] topicConfig(Map<String, String> configs) {
        ObjectNode n = JSON.createObjectNode().put("version", 1);
        ObjectNode c = n.putObject("config");
        configs.forEach(c::put);
        return bytes(n);
    }

    static Map<String, String> topicConfig(byte[] data) {
        Map<String, String> out = new LinkedHashMap<>();
        tree(data).get("config").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    // /config/brokers/<entity>, /config/users/.., /config/clients/..: the same encoding as a topic's configs

    static byte[] entityConfig(Map<String, String> configs) {
        return topicConfig(new java.util.TreeMap<>(configs));
    }

    /** An entity's configs; an entity znode created bare (as a parent of another) has none. */
    static Map<String, String> entityConfig(byte[] data) {
        return data == null || data.length == 0 ? Map.of() : topicConfig(data);
    }

    // /kafka-acl/<type>/<name> and /kafka-acl-extended/prefixed/<type>/<name>

    /**
     * A resource's ACL znode. The name is sanitized as client ids are ({@link #sanitize}): group
     * names and transactional ids may hold {@code /}, which would otherwise nest znodes.
     */
    static String acls(AclResource r) {
        return (r.prefixed() ? PREFIXED_ACLS : LITERAL_ACLS) + "/" + r.resourceType() + "/" + sanitize(r.name());
    }

    /** The resource whose ACL znode {@code path} is, or null when it is no such znode (a type, the root). */
    static AclResource aclResourceOf(String path) {
        for (String root : List.of(LITERAL_ACLS, PREFIXED_ACLS)) {
            String type = childOf(root, path);
            if (type != null && path.length() > root.length() + type.length() + 2) {
                String name = path.substring(root.length() + type.length() + 2);
                return name.contains("/") ? null : new AclResource(root.equals(PREFIXED_ACLS), type, desanitize(name));
            }
        }
        return null;
    }

    static byte[] acls(List<StoredAcl> acls) {
        ObjectNode n = JSON.createObjectNode().put("version", 1);
        ArrayNode a = n.putArray("acls");
        for (StoredAcl acl : acls) {
            a.addObject().put("principal", acl.principal()).put("permissionType", acl.permissionType())
                    .put("operation", acl.operation()).put("host", acl.host());
        }
        return bytes(n);
    }

    static List<StoredAcl> acls(byte[] data) {
        List<StoredAcl> out = new ArrayList<>();
        for (JsonNode acl : tree(data).path("acls")) {
            out.add(new StoredAcl(acl.path("principal").asText(), acl.path("permissionType").asText(),
                    acl.path("operation").asText(), acl.path("host").asText()));
        }
        return List.copyOf(out);
    }

    // /latest_producer_id_block

    static byte[] producerIdBlock(int brokerId, long start, long end) {
        return bytes(JSON.createObjectNode().put("version", 1).put("broker", brokerId)
                .put("block_start", Long.toString(start)).put("block_end", Long.toString(end)));
    }

    static long producerIdBlockEnd(byte[] data) {
        return Long.parseLong(tree(data).get("block_end").asText());
    }

    private static List<Integer> ints(JsonNode array) {
        List<Integer> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asInt()));
        return List.copyOf(out);
    }

    private static JsonNode tree(byte[] data) {
        try {
            return JSON.readTree(data);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable znode data", e);
        }
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.wharf.controller;

/**
 * Every znode Wharf uses, in one place. The layout and JSON encodings follow Kafka's ZooKeeper
 * mode, so the data reads familiarly:
 *
 * <pre>
 *   /cluster/id                                  {"version":"1","id":"&lt;cluster id&gt;"}
 *   /controller                  ephemeral       {"version":1,"brokerid":0,"timestamp":"..."}
 *   /controller_epoch                            "3"; its znode version fences controller writes
 *   /brokers/ids/&lt;id&gt;            ephemeral       {"version":5,"host":"..","port":9092,...}
 *   /brokers/topics/&lt;topic&gt;                       {"version":3,"topic_id":"..","partitions":{"0":[0]}}
 *   /brokers/topics/&lt;topic&gt;/partitions/&lt;p&gt;/state   {"controller_epoch":3,"leader":0,"leader_epoch":0,"isr":[0],"version":1}
 *   /config/topics/&lt;topic&gt;                        {"version":1,"config":{"retention.ms":"1000"}}
 *   /latest_producer_id_block                    {"version":1,"broker":0,"block_start":"0","block_end":"999"}
 * </pre>
 */
final class ZkPaths {
    static final String CLUSTER_ID = "/cluster/id";
    static final String CONTROLLER = "/controller";
    static final String CONTROLLER_EPOCH = "/controller_epoch";
    static final String BROKER_IDS = "/brokers/ids";
    static final String TOPICS = "/brokers/topics";
    static final String TOPIC_CONFIGS = "/config/topics";
    static final String PRODUCER_ID_BLOCK = "/latest_producer_id_block";

    private ZkPaths() {}

    static String broker(int id) {
        return BROKER_IDS + "/" + id;
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

    static String topicConfig(String topic) {
        return TOPIC_CONFIGS + "/" + topic;
    }
}

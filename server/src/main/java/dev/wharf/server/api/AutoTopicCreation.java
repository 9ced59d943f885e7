package dev.wharf.server.api;

import dev.wharf.controller.TopicExistsException;
import dev.wharf.controller.TopicInfo;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.BrokerConfig;
import dev.wharf.server.ErrorCode;
import dev.wharf.server.TopicAdmin;
import dev.wharf.server.TopicNames;
import dev.wharf.server.config.BrokerKeys;
import java.util.Map;

/**
 * Topics created on first use, when a Metadata request names one that does not exist: only when
 * both the request and {@code auto.create.topics.enable} allow it, and never an internal topic (its
 * coordinator creates it, with its own settings). The topic gets {@code num.partitions} and
 * {@code default.replication.factor}, placed by rack only when every live broker has one
 * ({@link TopicAdmin#autoCreateTopic}). Immutable; called from the I/O pool (creation blocks on
 * ZooKeeper).
 */
final class AutoTopicCreation {
    /** The topic now there, or the error a Metadata response gives the name. */
    record Outcome(TopicInfo topic, ErrorCode error) {}

    private final BrokerConfig config;
    private final ZkMetadataStore metadata;
    private final TopicAdmin admin;

    AutoTopicCreation(BrokerConfig config, ZkMetadataStore metadata, TopicAdmin admin) {
        this.config = config;
        this.metadata = metadata;
        this.admin = admin;
    }

    /** Whether a request that asks for it ({@code allowAutoTopicCreation}) may create topics here. */
    boolean allowed(boolean allowAutoTopicCreation) {
        return allowAutoTopicCreation && config.get(BrokerKeys.AUTO_CREATE_TOPICS_ENABLE);
    }

    /**
     * Creates {@code name}, which does not exist, when {@code allowed}: the new topic (or the one
     * another request created meanwhile); UNKNOWN_TOPIC_OR_PARTITION when it may not be created,
     * INVALID_REPLICATION_FACTOR or LEADER_NOT_AVAILABLE when creating it failed.
     */
    Outcome create(String name, boolean allowed) {
        if (!allowed || TopicNames.isInternal(name)) {
            // internal topics are created by their coordinator, with their own settings
            return new Outcome(null, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
        }
        try {
            return new Outcome(admin.autoCreateTopic(name, config.get(BrokerKeys.NUM_PARTITIONS),
                    config.get(BrokerKeys.DEFAULT_REPLICATION_FACTOR), Map.of()), ErrorCode.NONE);
        } catch (TopicExistsException e) {
            return metadata.topic(name).map(t -> new Outcome(t, ErrorCode.NONE))
                    .orElseGet(() -> new Outcome(null, ErrorCode.LEADER_NOT_AVAILABLE));
        } catch (IllegalArgumentException e) {
            return new Outcome(null, ErrorCode.INVALID_REPLICATION_FACTOR);
        } catch (Exception e) {
            return new Outcome(null, ErrorCode.LEADER_NOT_AVAILABLE);
        }
    }
}

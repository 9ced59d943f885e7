package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.ErrorCode;
import dev.wharf.controller.ZkMetadataStore;
import dev.wharf.server.TopicAdmin;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.CreatePartitionsRequest;
import dev.wharf.wire.message.CreatePartitionsResponse;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * CreatePartitions: grows topics to a new partition count (explicit assignments are not supported
 * yet). v1: no change. v2: flexible. v3: no change.
 */
public final class CreatePartitionsHandler implements ApiHandler {
    private final ZkMetadataStore metadata;
    private final TopicAdmin admin;

    public CreatePartitionsHandler(ZkMetadataStore metadata, TopicAdmin admin) {
        this.metadata = metadata;
        this.admin = admin;
    }

    @Override
    public ApiKey api() {
        return ApiKey.CREATE_PARTITIONS;
    }

    @Override
    public ApiMessage respond(RequestContext context) {
        CreatePartitionsRequest req = (CreatePartitionsRequest) context.body();
        List<CreatePartitionsResponse.CreatePartitionsTopicResult> results = new ArrayList<>();
        for (CreatePartitionsRequest.CreatePartitionsTopic t : req.topics()) {
            CreatePartitionsResponse.CreatePartitionsTopicResult r =
                    new CreatePartitionsResponse.CreatePartitionsTopicResult().setName(t.name());
            Optional<TopicInfo> topic = metadata.topic(t.name());
            if (topic.isEmpty()) {
                results.add(r.setErrorCode(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION.code));
            } else if (t.assignments() != null) {
                results.add(r.setErrorCode(ErrorCode.INVALID_REQUEST.code)
                        .setErrorMessage("explicit replica assignments are not supported"));
            } else if (t.count() <= topic.get().partitions().size()) {
                results.add(r.setErrorCode(ErrorCode.INVALID_PARTITIONS.code).setErrorMessage("Topic currently has "
                        + topic.get().partitions().size() + " partitions, which is higher than the requested "
                        + t.count() + "."));
            } else {
                try {
                    if (!req.validateOnly()) {
                        admin.addPartitions(topic.get(), t.count());
                    }
                    results.add(r.setErrorCode(ErrorCode.NONE.code));
                } catch (Exception e) {
                    results.add(r.setErrorCode(ErrorCode.INVALID_PARTITIONS.code).setErrorMessage(e.getMessage()));
                }
            }
        }
        return new CreatePartitionsResponse().setResults(results);
    }
}

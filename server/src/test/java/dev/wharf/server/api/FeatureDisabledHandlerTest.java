package dev.wharf.server.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.wharf.server.ErrorCode;
import dev.wharf.wire.frame.Request;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ConsumerGroupDescribeRequest;
import dev.wharf.wire.message.ConsumerGroupDescribeResponse;
import dev.wharf.wire.message.ConsumerGroupHeartbeatRequest;
import dev.wharf.wire.message.ConsumerGroupHeartbeatResponse;
import dev.wharf.wire.message.RequestHeader;
import dev.wharf.wire.protocol.ApiMessage;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** APIs whose feature is at level 0: still listed, answered UNSUPPORTED_VERSION as Kafka 4.4 answers them. */
class FeatureDisabledHandlerTest {
    private static final class Served implements ApiHandler {
        private final ApiKey api;

        Served(ApiKey api) {
            this.api = api;
        }

        @Override
        public ApiKey api() {
            return api;
        }

        @Override
        public ApiMessage respond(RequestContext context) {
            throw new AssertionError("a disabled API reached its handler");
        }
    }

    private static ApiMessage answer(ApiHandler h, ApiMessage body) {
        RequestHeader header = new RequestHeader().setRequestApiKey(h.api().id).setRequestApiVersion((short) 1);
        return h.handle(new RequestContext(new Request(header, h.api(), (short) 1, body), null, 0)).join();
    }

    // Level 0: listed (ApiVersions), refused when used; level 1 again: the handler itself.
    @Test
    void disabledApisAreListedAndRefused() {
        AtomicBoolean enabled = new AtomicBoolean(false);
        ApiHandler heartbeat = new Served(ApiKey.CONSUMER_GROUP_HEARTBEAT);
        ApiHandlers handlers = new ApiHandlers().gateByFeature(api -> api != ApiKey.CONSUMER_GROUP_HEARTBEAT
                && api != ApiKey.CONSUMER_GROUP_DESCRIBE || enabled.get());
        handlers.register(heartbeat).register(new Served(ApiKey.CONSUMER_GROUP_DESCRIBE));
        assertEquals(2, handlers.all().size());

        ApiHandler refusing = handlers.get(ApiKey.CONSUMER_GROUP_HEARTBEAT);
        assertInstanceOf(FeatureDisabledHandler.class, refusing);
        assertEquals(heartbeat.highestVersion(), refusing.highestVersion());
        ConsumerGroupHeartbeatResponse r = (ConsumerGroupHeartbeatResponse) answer(refusing,
                new ConsumerGroupHeartbeatRequest().setGroupId("g"));
        assertEquals(ErrorCode.UNSUPPORTED_VERSION.code, r.errorCode());

        ConsumerGroupDescribeResponse d = (ConsumerGroupDescribeResponse) answer(handlers.get(ApiKey.CONSUMER_GROUP_DESCRIBE),
                new ConsumerGroupDescribeRequest().setGroupIds(List.of("a", "b")));
        assertEquals(List.of("a", "b"), d.groups().stream().map(ConsumerGroupDescribeResponse.DescribedGroup::groupId).toList());
        d.groups().forEach(g -> assertEquals(ErrorCode.UNSUPPORTED_VERSION.code, g.errorCode()));

        enabled.set(true);
        assertSame(heartbeat, handlers.get(ApiKey.CONSUMER_GROUP_HEARTBEAT));
    }
}

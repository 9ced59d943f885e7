package dev.wharf.wire.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.generator.MessageSpec;
import dev.wharf.wire.protocol.MessageReader;
import dev.wharf.wire.protocol.MessageWriter;
import dev.wharf.wire.protocol.UnknownApiKeyException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.apache.kafka.common.message.ApiMessageType;
import org.junit.jupiter.api.Test;

/** The generated ApiKey table agrees with kafka-clients on every API and version. */
class ApiKeyTableTest {

    // Valid versions, flexibility and header versions match the Java client's own table.
    @Test
    void matchesKafkaClientsApiMessageType() {
        long requestSpecs = SpecCatalog.all().stream().filter(s -> s.kind() == MessageSpec.Kind.REQUEST).count();
        assertEquals(requestSpecs, ApiKey.values().length);
        assertEquals(ApiMessageType.values().length, ApiKey.values().length);
        for (ApiMessageType kafka : ApiMessageType.values()) {
            ApiKey ours = ApiKey.forId(kafka.apiKey());
            String what = kafka.name + " (" + kafka.apiKey() + ")";
            assertEquals(kafka.highestSupportedVersion(true), ours.highestVersion, what);
            assertEquals(kafka.latestVersionUnstable(), ours.latestVersionUnstable, what);
            if (ours.hasVersions()) {
                assertEquals(kafka.lowestSupportedVersion(), ours.lowestVersion, what);
                assertEquals(kafka.newRequest().getClass().getSimpleName(), ours.newRequest().getClass().getSimpleName() + "Data");
                assertEquals(kafka.newResponse().getClass().getSimpleName(), ours.newResponse().getClass().getSimpleName() + "Data");
            }
            for (short v = ours.lowestVersion; v <= ours.highestVersion; v++) {
                assertEquals(kafka.requestHeaderVersion(v), ours.requestHeaderVersion(v), what + " v" + v);
                assertEquals(kafka.responseHeaderVersion(v), ours.responseHeaderVersion(v), what + " v" + v);
            }
            assertEquals(ours.id, ours.newRequest().apiKey(), what);
            assertEquals(ours.id, ours.newResponse().apiKey(), what);
        }
    }

    // Unknown API keys are a typed error, never an array index exception.
    @Test
    void unknownApiKeysAreRejected() {
        assertFalse(ApiKey.isKnown(-1));
        assertFalse(ApiKey.isKnown(30_000));
        assertTrue(ApiKey.isKnown(18));
        assertThrows(UnknownApiKeyException.class, () -> ApiKey.forId(30_000));
        assertThrows(UnknownApiKeyException.class, () -> ApiKey.forId(-7));
        assertEquals(ApiKey.API_VERSIONS, ApiKey.forId(18));
        assertEquals("ApiVersions", ApiKey.API_VERSIONS.displayName);
    }

    // Request header v0 (no client id), v1 (classic nullable string) and v2 (tagged fields).
    @Test
    void requestHeaderVersionsZeroToTwo() {
        RequestHeader h = new RequestHeader().setRequestApiKey((short) 3).setRequestApiVersion((short) 1)
                .setCorrelationId(0x01020304).setClientId("cli");
        assertEquals("0003" + "0001" + "01020304", hex(h, (short) 0, true));
        assertEquals("0003000101020304" + "0003" + "636c69", hex(h, (short) 1, false));
        // v2: client id stays a classic int16-length string, then an empty tagged-field section
        assertEquals("0003000101020304" + "0003" + "636c69" + "00", hex(h, (short) 2, false));
        h.setClientId(null);
        assertEquals("0003000101020304" + "ffff" + "00", hex(h, (short) 2, false));
        RequestHeader v0 = new RequestHeader(new MessageReader(Unpooled.wrappedBuffer(
                ByteBufUtil.decodeHexDump("0012000301020304"))), (short) 0);
        assertEquals(18, v0.requestApiKey());
        assertEquals(3, v0.requestApiVersion());
        assertEquals(0x01020304, v0.correlationId());
    }

    // Response header v0 is the correlation id; v1 adds the tagged-field section.
    @Test
    void responseHeaderVersions() {
        ResponseHeader h = new ResponseHeader().setCorrelationId(7);
        ByteBuf b = Unpooled.buffer();
        h.write(new MessageWriter(b), (short) 0);
        assertEquals("00000007", ByteBufUtil.hexDump(b));
        b.clear();
        h.write(new MessageWriter(b), (short) 1);
        assertEquals("0000000700", ByteBufUtil.hexDump(b));
    }

    private static String hex(RequestHeader h, short version, boolean dropClientId) {
        RequestHeader copy = dropClientId ? new RequestHeader().setRequestApiKey(h.requestApiKey())
                .setRequestApiVersion(h.requestApiVersion()).setCorrelationId(h.correlationId()) : h;
        ByteBuf b = Unpooled.buffer();
        copy.write(new MessageWriter(b), version);
        assertEquals(copy.size(version), b.readableBytes());
        return ByteBufUtil.hexDump(b);
    }
}

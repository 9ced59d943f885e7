package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.wharf.wire.frame.Request;
import dev.wharf.wire.frame.RequestFrames;
import dev.wharf.wire.message.ApiKey;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RandomRequestsTest {
    // The fuzzer's unmutated requests are valid: every API and version decodes whole, as sent.
    @Test
    void everyApiAndVersionMakesDecodableFrames() {
        RandomRequests requests = new RandomRequests(new Random(42));
        for (ApiKey api : ApiKey.values()) {
            for (short v = api.lowestVersion; v <= api.highestVersion; v++) {
                for (int i = 0; i < 20; i++) {
                    byte[] frame = requests.frame(api, v);
                    assertNotNull(frame, api + " v" + v);
                    assertEquals(frame.length - 4, Unpooled.wrappedBuffer(frame).getInt(0), "length prefix");
                    Request r = RequestFrames.decode(Unpooled.wrappedBuffer(frame, 4, frame.length - 4));
                    assertEquals(api, r.api());
                    assertEquals(v, r.version());
                }
            }
        }
    }

    // A seed replays a run: the same seed gives the same frames.
    @Test
    void sameSeedSameFrames() {
        RandomRequests a = new RandomRequests(new Random(7));
        RandomRequests b = new RandomRequests(new Random(7));
        FrameMutations ma = new FrameMutations(new Random(8));
        FrameMutations mb = new FrameMutations(new Random(8));
        for (ApiKey api : ApiKey.values()) {
            if (api.hasVersions()) {
                assertArrayEquals(ma.mutate(a.frame(api, api.highestVersion)), mb.mutate(b.frame(api, api.highestVersion)), api.toString());
            }
        }
    }
}

package dev.wharf.compat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.testing.KafkaWireClient;
import dev.wharf.wire.message.ApiKey;
import dev.wharf.wire.message.ApiVersionsRequest;
import dev.wharf.wire.message.ApiVersionsResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API-by-API part of the feature matrix: the broker's ApiVersions answer, each key's advertised
 * range held against what kafka-clients 4.4.0 speaks ({@link ApiKeys}), recorded for
 * {@link MatrixListener}. Runs against the suite's broker like every other IT, so an external
 * broker's answer is what is recorded.
 */
@Exercises({ApiKeys.API_VERSIONS, ApiKeys.DESCRIBE_CLUSTER})
class ApiVersionsMatrixIT {
    @TempDir
    Path dir;

    // Every API the broker advertises is one the 4.4 clients know and share at least one version
    // with, and the ones every client needs first (ApiVersions, Metadata, Produce, Fetch) are there.
    @Test
    void advertisedVersionsOverlapTheClients() throws Exception {
        try (RunningBroker broker = new RunningBroker(dir, Map.of());
                KafkaWireClient c = new KafkaWireClient(broker.bootstrap());
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrap()))) {
            ApiVersionsResponse r = c.call(ApiKey.API_VERSIONS, (short) 3, new ApiVersionsRequest()
                    .setClientSoftwareName("wharf-compat-matrix").setClientSoftwareVersion("1"));
            assertEquals(0, r.errorCode());
            Map<Integer, BrokerApis.Range> advertised = new HashMap<>();
            List<String> disjoint = new ArrayList<>();
            for (ApiVersionsResponse.ApiVersion v : r.apiKeys()) {
                advertised.put((int) v.apiKey(), new BrokerApis.Range(v.minVersion(), v.maxVersion()));
                if (ApiKeys.hasId(v.apiKey())) {
                    ApiKeys k = ApiKeys.forId(v.apiKey());
                    if (v.maxVersion() < k.oldestVersion() || v.minVersion() > k.latestVersion()) {
                        disjoint.add(k + " " + v.minVersion() + "-" + v.maxVersion());
                    }
                }
            }
            Map<String, Integer> features = new HashMap<>();
            r.finalizedFeatures().forEach(f -> features.put(f.name(), (int) f.maxVersionLevel()));
            String clusterId = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
            BrokerApis.record(clusterId, advertised, features);
            assertTrue(disjoint.isEmpty(), "advertised with no version in common with kafka-clients 4.4.0: " + disjoint);
            for (ApiKeys needed : List.of(ApiKeys.API_VERSIONS, ApiKeys.METADATA, ApiKeys.PRODUCE, ApiKeys.FETCH)) {
                assertTrue(advertised.containsKey((int) needed.id), needed + " not advertised");
            }
        }
    }
}

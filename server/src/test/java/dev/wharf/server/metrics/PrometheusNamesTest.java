package dev.wharf.server.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PrometheusNamesTest {
    // The names and labels are those the JMX exporter's kafka-2_0_0.yml rules give the same MBeans.
    @Test
    void exporterNames() throws Exception {
        MetricsRegistry registry = new MetricsRegistry();
        try {
            registry.meter(MetricName.of("kafka.server", "BrokerTopicMetrics", "MessagesInPerSec", "topic", "t"), "messages").mark(7);
            registry.meter(MetricName.of("kafka.server", "BrokerTopicMetrics", "MessagesInPerSec"), "messages").mark(9);
            registry.meter(MetricName.of("kafka.network", "RequestMetrics", "RequestsPerSec", "request", "Produce", "version", "11"),
                    "requests").mark();
            registry.histogram(MetricName.of("kafka.network", "RequestMetrics", "TotalTimeMs", "request", "Produce")).update(12);
            registry.gauge(MetricName.of("kafka.log", "Log", "Size", "topic", "t", "partition", "0"), () -> 1234L);
            registry.gauge(MetricName.of("kafka.controller", "KafkaController", "ActiveControllerCount"), () -> 1);
            registry.gauge(MetricName.of("kafka.server", "KafkaServer", "ClusterId"), () -> "abc");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            new PrometheusTextFormatWriter(false).write(out, PrometheusEndpoint.collect(registry));
            String text = out.toString(StandardCharsets.UTF_8);
            assertTrue(text.contains("kafka_server_brokertopicmetrics_messagesin_total{topic=\"t\"} 7.0"), text);
            assertTrue(text.contains("kafka_server_brokertopicmetrics_messagesin_total 9.0"), text);
            assertTrue(text.contains("kafka_network_requestmetrics_requests_total{request=\"Produce\",version=\"11\"} 1.0"), text);
            assertTrue(text.contains("kafka_network_requestmetrics_totaltimems_count{request=\"Produce\"} 1.0"), text);
            assertTrue(text.contains("kafka_network_requestmetrics_totaltimems{quantile=\"0.99\",request=\"Produce\"} 12.0"), text);
            assertTrue(text.contains("kafka_network_requestmetrics_totaltimems{quantile=\"0.50\",request=\"Produce\"} 12.0"), text);
            assertTrue(text.contains("kafka_network_requestmetrics_totaltimems{quantile=\"0.999\",request=\"Produce\"} 12.0"), text);
            assertTrue(text.contains("kafka_log_log_size{partition=\"0\",topic=\"t\"} 1234.0"), text);
            assertTrue(text.contains("kafka_controller_kafkacontroller_activecontrollercount 1.0"), text);
            assertTrue(!text.contains("clusterid"), text);
        } finally {
            registry.close();
        }
    }

    // The JMX name keeps Kafka's key order (type, name, then tags), which the exporter's rules match on.
    @Test
    void objectNameKeyOrder() {
        assertEquals("kafka.log:type=Log,name=Size,topic=t,partition=0",
                MetricName.of("kafka.log", "Log", "Size", "topic", "t", "partition", "0").objectName().toString());
    }
}

package dev.wharf.server.metrics;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

/**
 * A metric's JMX name as Kafka builds it: {@code <domain>:type=<type>,name=<name>[,<tag>=<value>...]},
 * keys in that order (the Prometheus JMX exporter's rules match on it), and the name the
 * exporter's standard Kafka rules ({@code example_configs/kafka-2_0_0.yml}, lowercased names)
 * give each of its attributes: {@code kafka_<domain suffix>_<type>_<name>}, the tags as labels.
 *
 * @param tags alternating keys and values
 */
public record MetricName(String domain, String type, String name, List<String> tags) {
    public MetricName {
        tags = List.copyOf(tags);
        if (tags.size() % 2 != 0) {
            throw new IllegalArgumentException("tags come in key/value pairs: " + tags);
        }
    }

    public static MetricName of(String domain, String type, String name, String... tags) {
        return new MetricName(domain, type, name, Arrays.asList(tags));
    }

    public ObjectName objectName() {
        StringBuilder s = new StringBuilder(domain).append(":type=").append(type);
        if (name != null) { // null: a Kafka Metrics group, whose metrics are attributes
            s.append(",name=").append(name);
        }
        for (int i = 0; i < tags.size(); i += 2) {
            s.append(',').append(tags.get(i)).append('=').append(quoteIfNeeded(tags.get(i + 1)));
        }
        try {
            return new ObjectName(s.toString());
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(s.toString(), e);
        }
    }

    private static String quoteIfNeeded(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ',' || c == '=' || c == ':' || c == '"' || c == '*' || c == '?' || c == '\n') {
                return ObjectName.quote(value);
            }
        }
        return value;
    }

    /** The exporter's {@code kafka_<domain suffix>_<type>_<name>}, lowercased; {@code strip} cut from the end of the name. */
    String prometheusName(String strip) {
        String n = strip != null && name.endsWith(strip) ? name.substring(0, name.length() - strip.length()) : name;
        String suffix = domain.startsWith("kafka.") ? domain.substring("kafka.".length()) : domain;
        return ("kafka_" + suffix + "_" + type + "_" + n).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_:]", "_");
    }

    /** The label names and values, as the exporter's rules take them from the tags. */
    List<String> labelNames() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < tags.size(); i += 2) {
            names.add(tags.get(i));
        }
        return names;
    }

    List<String> labelValues() {
        List<String> values = new ArrayList<>();
        for (int i = 1; i < tags.size(); i += 2) {
            values.add(tags.get(i));
        }
        return values;
    }
}

package dev.wharf.server.api;

import dev.wharf.controller.TopicInfo;
import dev.wharf.server.DynamicBrokerConfig;
import dev.wharf.server.DynamicBrokerConfig.Synonym;
import dev.wharf.server.TopicConfigs;
import dev.wharf.server.TopicKey;
import dev.wharf.server.config.BrokerKeys;
import dev.wharf.server.config.ConfigKey;
import dev.wharf.server.config.ConfigSource;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The config resources the config APIs address: topics (type 2) and brokers (type 4), and the
 * entries they describe with Kafka's config sources and synonyms. The entries come from the key
 * definitions ({@link TopicConfigs}, {@link BrokerKeys}) and the broker's
 * {@link DynamicBrokerConfig}.
 */
final class ConfigResources {
    static final byte TOPIC = 2;
    static final byte BROKER = 4;
    static final byte DYNAMIC_TOPIC_CONFIG = ConfigSource.DYNAMIC_TOPIC_CONFIG.id;

    /** A described config entry; {@code synonyms} is its value chain, strongest first, starting with itself. */
    record Entry(String name, String value, ConfigSource source, boolean readOnly, List<Synonym> synonyms) {}

    private ConfigResources() {}

    /**
     * Every topic key, by name: the topic's override, or the broker's default with the source
     * that gives it (a broker key set dynamically, per broker or cluster-wide, in server.properties,
     * or the key's default), as Kafka describes it.
     */
    static List<Entry> topic(TopicInfo topic, DynamicBrokerConfig broker) {
        List<Entry> out = new ArrayList<>();
        Map<String, String> overrides = topic.configs();
        for (TopicKey<?> key : TopicConfigs.all()) {
            List<Synonym> chain = new ArrayList<>();
            String override = overrides.get(key.name());
            if (override == null && key.internal()) {
                continue; // Kafka describes an internal key only where the topic sets it
            }
            if (override != null) {
                chain.add(new Synonym(key.name(), override, ConfigSource.DYNAMIC_TOPIC_CONFIG));
            }
            if (key.brokerKey() != null) {
                chain.addAll(broker.synonyms(key.brokerKey().name(), true));
            }
            String value = override != null ? override : key.defaultValue(broker.current());
            ConfigSource source = chain.isEmpty() ? ConfigSource.DEFAULT_CONFIG : chain.get(0).source();
            out.add(new Entry(key.name(), value, source, !key.def().dynamic(), chain));
        }
        return out;
    }

    /**
     * A broker's configs ({@code entity} its id): the keys worth showing, every dynamic key and
     * every name set dynamically, each with its value now and where it comes from; or, for the
     * cluster default ({@code entity} empty), only what is set there, as Kafka describes them.
     */
    static List<Entry> broker(DynamicBrokerConfig broker, String entity) {
        boolean perBroker = !entity.isEmpty();
        List<Entry> out = new ArrayList<>();
        if (!perBroker) {
            broker.configs("").forEach((name, value) ->
                    out.add(new Entry(name, value, ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
                            !DynamicBrokerConfig.isDynamic(name), broker.synonyms(name, false))));
            return out;
        }
        Set<String> names = new LinkedHashSet<>();
        BrokerKeys.DESCRIBED.forEach(k -> names.add(k.name()));
        BrokerKeys.all().stream().filter(ConfigKey::dynamic).forEach(k -> names.add(k.name()));
        Set<String> setDynamically = new TreeSet<>(broker.configs("").keySet());
        setDynamically.addAll(broker.configs(entity).keySet());
        names.addAll(setDynamically);
        for (String name : names) {
            List<Synonym> chain = broker.synonyms(name, true);
            ConfigKey<?> key = BrokerKeys.byName(name);
            // a name Wharf does not read has the value it was set to; a key's value is resolved over its units
            String value = key != null ? broker.current().rawValue(key) : chain.isEmpty() ? null : chain.get(0).value();
            ConfigSource source = chain.isEmpty() ? ConfigSource.DEFAULT_CONFIG : chain.get(0).source();
            out.add(new Entry(name, value, source, !DynamicBrokerConfig.isDynamic(name), chain));
        }
        return out;
    }
}

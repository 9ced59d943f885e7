package dev.wharf.server.metrics;

import java.util.Map;
import java.util.function.Supplier;
import javax.management.Attribute;
import javax.management.AttributeList;
import javax.management.AttributeNotFoundException;
import javax.management.DynamicMBean;
import javax.management.MBeanAttributeInfo;
import javax.management.MBeanInfo;

/**
 * An MBean shaped as Kafka's own metrics library (Kafka Metrics' JMX reporter) shows a group of
 * metrics: one MBean per tag set, each metric an attribute named as the metric
 * ({@code offset-commit-rate}, ...) with its value (a double; {@code app-info}'s strings and
 * longs), read when asked. Read-only; thread-safe if
 * its suppliers are.
 */
final class AttributesMBean implements DynamicMBean {
    private final Map<String, ? extends Supplier<?>> attributes;

    AttributesMBean(Map<String, ? extends Supplier<?>> attributes) {
        this.attributes = Map.copyOf(attributes);
    }

    @Override
    public Object getAttribute(String name) throws AttributeNotFoundException {
        Supplier<?> value = attributes.get(name);
        if (value == null) {
            throw new AttributeNotFoundException(name);
        }
        return value.get();
    }

    @Override
    public void setAttribute(Attribute attribute) {
        throw new UnsupportedOperationException("read-only");
    }

    @Override
    public AttributeList getAttributes(String[] names) {
        AttributeList list = new AttributeList();
        for (String name : names) {
            Supplier<?> value = attributes.get(name);
            if (value != null) {
                list.add(new Attribute(name, value.get()));
            }
        }
        return list;
    }

    @Override
    public AttributeList setAttributes(AttributeList attributes) {
        return new AttributeList();
    }

    @Override
    public Object invoke(String action, Object[] params, String[] signature) {
        throw new UnsupportedOperationException(action);
    }

    @Override
    public MBeanInfo getMBeanInfo() {
        MBeanAttributeInfo[] infos = attributes.keySet().stream().sorted()
                .map(name -> new MBeanAttributeInfo(name, typeOf(attributes.get(name).get()), name, true, false, false))
                .toArray(MBeanAttributeInfo[]::new);
        return new MBeanInfo(AttributesMBean.class.getName(), "Kafka metrics", infos, null, null, null);
    }

    private static String typeOf(Object value) {
        return value instanceof Double ? "double" : value == null ? Object.class.getName() : value.getClass().getName();
    }
}

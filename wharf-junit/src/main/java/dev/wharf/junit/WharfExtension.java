package dev.wharf.junit;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;

/**
 * Starts the clusters {@link WharfBroker} asks for and injects them. A cluster lives in the JUnit
 * store of the scope it belongs to (the class, or one test), which closes it when that scope ends,
 * after the scope's {@code @AfterAll}/{@code @AfterEach} methods; an {@code Admin} it injected is
 * closed first. The "current" cluster, which {@link WharfBootstrap}, an unannotated
 * {@link WharfCluster} parameter and an {@code Admin} parameter get, is the test's own if it has
 * one, else the class's.
 * <p>
 * Threads: JUnit calls it on the test's thread; the stores are JUnit's and thread-safe.
 */
public final class WharfExtension implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(WharfExtension.class);
    private static final String CURRENT = "current";

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        Class<?> testClass = context.getRequiredTestClass();
        Optional<WharfBroker> onClass = AnnotationSupport.findAnnotation(testClass, WharfBroker.class);
        if (onClass.isPresent()) {
            start(onClass.get(), context);
        }
        for (Field f : annotatedFields(testClass, WharfBroker.class)) {
            if (Modifier.isStatic(f.getModifiers())) {
                inject(f, null, start(f.getAnnotation(WharfBroker.class), context));
            }
        }
        injectBootstrap(testClass, null, context, true);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            for (Field f : annotatedFields(instance.getClass(), WharfBroker.class)) {
                if (!Modifier.isStatic(f.getModifiers())) {
                    inject(f, instance, start(f.getAnnotation(WharfBroker.class), context));
                }
            }
        }
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            injectBootstrap(instance.getClass(), instance, context, false);
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext context) {
        Parameter p = parameterContext.getParameter();
        Class<?> type = p.getType();
        if (parameterContext.isAnnotated(WharfBroker.class)) {
            return type == WharfCluster.class || type == String.class;
        }
        if (parameterContext.isAnnotated(WharfBootstrap.class)) {
            return type == String.class;
        }
        return (type == WharfCluster.class || AdminClients.TYPE_NAMES.contains(type.getName())) && current(context).isPresent();
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext context) {
        Class<?> type = parameterContext.getParameter().getType();
        WharfCluster cluster;
        if (parameterContext.isAnnotated(WharfBroker.class)) {
            try {
                cluster = start(parameterContext.findAnnotation(WharfBroker.class).orElseThrow(), context);
            } catch (IOException e) {
                throw new ParameterResolutionException("starting a Wharf cluster failed", e);
            }
        } else {
            cluster = current(context).orElseThrow(() -> new ParameterResolutionException(
                    "no @WharfBroker for " + parameterContext.getParameter()));
        }
        if (type == WharfCluster.class) {
            return cluster;
        }
        if (type == String.class) {
            return cluster.bootstrap();
        }
        return AdminClients.create(cluster.bootstrap(), context.getStore(NAMESPACE));
    }

    /** Starts a cluster as {@code settings} say, owned by {@code context}'s store, and makes it the current one there. */
    private static WharfCluster start(WharfBroker settings, ExtensionContext context) throws IOException {
        Map<String, String> config = new HashMap<>();
        for (String entry : settings.config()) {
            int eq = entry.indexOf('=');
            if (eq <= 0) {
                throw new ExtensionConfigurationException("@WharfBroker config '" + entry + "' is not key=value");
            }
            config.put(entry.substring(0, eq).trim(), entry.substring(eq + 1).trim());
        }
        List<TopicSpec> topics = Arrays.stream(settings.topics()).map(t -> TopicSpec.parse(t, settings.brokers())).toList();
        WharfCluster cluster = WharfCluster.start(settings.brokers(), config);
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        StoredCloser.register(store, cluster::close);
        for (TopicSpec t : topics) {
            cluster.createTopic(t.name(), t.partitions(), t.replicationFactor());
        }
        store.put(CURRENT, new Current(cluster));
        return cluster;
    }

    /** The test's own cluster if it has one, else its class's (the store looks in the parents' too). */
    private static Optional<WharfCluster> current(ExtensionContext context) {
        return Optional.ofNullable(context.getStore(NAMESPACE).get(CURRENT, Current.class)).map(Current::cluster);
    }

    /** The current cluster, in a holder JUnit does not close: its owner's entry does. */
    private record Current(WharfCluster cluster) {}

    private static void injectBootstrap(Class<?> type, Object instance, ExtensionContext context, boolean statics) {
        for (Field f : annotatedFields(type, WharfBootstrap.class)) {
            if (Modifier.isStatic(f.getModifiers()) != statics) {
                continue;
            }
            if (f.getType() != String.class) {
                throw new ExtensionConfigurationException("@WharfBootstrap field " + f + " must be a String");
            }
            WharfCluster cluster = current(context).orElseThrow(() -> new ExtensionConfigurationException(
                    "@WharfBootstrap field " + f + " but no @WharfBroker cluster for it"));
            set(f, instance, cluster.bootstrap());
        }
    }

    private static void inject(Field f, Object instance, WharfCluster cluster) {
        if (f.getType() == WharfCluster.class) {
            set(f, instance, cluster);
        } else if (f.getType() == String.class) {
            set(f, instance, cluster.bootstrap());
        } else {
            throw new ExtensionConfigurationException("@WharfBroker field " + f + " must be a WharfCluster or a String");
        }
    }

    private static void set(Field f, Object instance, Object value) {
        try {
            f.setAccessible(true);
            f.set(instance, value);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new ExtensionConfigurationException("cannot set " + f, e);
        }
    }

    private static List<Field> annotatedFields(Class<?> type, Class<? extends java.lang.annotation.Annotation> annotation) {
        return AnnotationSupport.findAnnotatedFields(type, annotation, f -> true, HierarchyTraversalMode.TOP_DOWN);
    }
}

package dev.wharf.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An in-process Wharf broker (or cluster of {@link #brokers()}) for a test, started by
 * {@link WharfExtension} and stopped, with its ZooKeeper and data, when its scope ends:
 * <ul>
 * <li>on a test class: one cluster for all of the class's tests; inject its address with a
 *     {@link WharfBootstrap} {@code String} field or parameter, or take a {@link WharfCluster} or an
 *     {@code org.apache.kafka.clients.admin.Admin} parameter;</li>
 * <li>on a static field of type {@link WharfCluster} or {@code String} (its bootstrap address): one
 *     cluster for the class, set before {@code @BeforeAll};</li>
 * <li>on an instance field or a test method's parameter of either type: a new cluster for each test.</li>
 * </ul>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.FIELD, ElementType.PARAMETER})
@ExtendWith(WharfExtension.class)
public @interface WharfBroker {
    /** How many brokers, with ids 1..n, sharing one embedded ZooKeeper. */
    int brokers() default 1;

    /**
     * Topics created before the first test sees the cluster, each {@code name},
     * {@code name:partitions} or {@code name:partitions:replicationFactor} (defaults: 1 partition,
     * as many replicas as brokers up to 3). Every partition has a leader known to every broker when
     * the test starts.
     */
    String[] topics() default {};

    /**
     * Broker settings as {@code key=value}, applied to every broker on top of the test defaults:
     * any key of Wharf's {@code server.properties} ({@code num.partitions=3},
     * {@code auto.create.topics.enable=false}, listeners with SASL or TLS and their settings, ...).
     */
    String[] config() default {};
}

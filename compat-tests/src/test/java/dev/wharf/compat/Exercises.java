package dev.wharf.compat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The Kafka APIs a test class's scenarios drive the broker through, beyond the ApiVersions and
 * Metadata exchanges every client makes: the feature matrix counts each scenario under each API its
 * class lists ({@link MatrixListener}); subclasses inherit it. Read from what the class calls (clients, Admin methods, raw
 * requests), so it names what the class relies on working, not every request a client may send.
 */
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@interface Exercises {
    ApiKeys[] value();
}

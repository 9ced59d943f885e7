package dev.wharf.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code String} field or parameter to receive the {@code bootstrap.servers} address
 * ({@code host:port,...}) of the test's {@link WharfBroker}: the per-test cluster if the test has
 * one, else the class's.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.PARAMETER})
public @interface WharfBootstrap {
}

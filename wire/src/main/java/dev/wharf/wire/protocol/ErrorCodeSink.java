package dev.wharf.wire.protocol;

/** Takes each error code of a response, as {@link Message#forEachErrorCode} visits them (one call per field). */
@FunctionalInterface
public interface ErrorCodeSink {
    void errorCode(short code);
}

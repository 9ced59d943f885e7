package dev.wharf.wire.protocol;

import java.util.List;

/**
 * A generated protocol struct: a whole message or one of its nested structs. Instances are plain
 * mutable data holders and are not thread-safe.
 */
public interface Message {

    /** Replaces this instance's contents with a {@code version} encoding read from {@code reader}. */
    void read(MessageReader reader, short version);

    /** Writes the {@code version} encoding; exactly {@link #size(short)} bytes. */
    void write(MessageWriter writer, short version);

    /** Encoded size in bytes at {@code version}, including file-backed records. */
    int size(short version);

    /** Tagged fields read that this version of Wharf does not know; written back unchanged. */
    List<RawTaggedField> unknownTaggedFields();

    /**
     * Hands each error code field of this struct and its nested ones that {@code version} carries to
     * {@code sink} (generated for responses; requests have none). Allocates nothing.
     */
    default void forEachErrorCode(short version, ErrorCodeSink sink) {
    }
}

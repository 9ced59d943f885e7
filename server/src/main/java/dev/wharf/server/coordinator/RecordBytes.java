package dev.wharf.server.coordinator;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Encoding of the keys and values coordinators store in their internal topics: written and read
 * with Java's data streams. Stateless; any thread.
 */
public final class RecordBytes {
    private RecordBytes() {}

    public interface Writer {
        void write(DataOutputStream out) throws IOException;
    }

    public interface Reader<T> {
        T read(DataInputStream in) throws IOException;
    }

    public static byte[] write(Writer w) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            w.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Decodes {@code b}; an unreadable record is an IllegalArgumentException naming {@code topic}. */
    public static <T> T read(byte[] b, String topic, Reader<T> r) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            return r.read(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("unreadable " + topic + " record: " + e.getMessage(), e);
        }
    }
}

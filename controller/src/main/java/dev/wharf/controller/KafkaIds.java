package dev.wharf.controller;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.UUID;

/** Kafka's text form of UUIDs (topic and cluster ids): 22 characters of URL-safe base64. */
public final class KafkaIds {
    private KafkaIds() {}

    public static String toText(UUID id) {
        ByteBuffer b = ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
    }

    public static UUID fromText(String text) {
        byte[] bytes = Base64.getUrlDecoder().decode(text);
        if (bytes.length != 16) {
            throw new IllegalArgumentException("not a Kafka id: " + text);
        }
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new UUID(b.getLong(), b.getLong());
    }

    /** A new random id that is never the zero id (Kafka reserves it and a couple of others). */
    public static UUID random() {
        UUID id;
        do {
            id = UUID.randomUUID();
        } while (id.getMostSignificantBits() == 0 && id.getLeastSignificantBits() <= 1);
        return id;
    }
}

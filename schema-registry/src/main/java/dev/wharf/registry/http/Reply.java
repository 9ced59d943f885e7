package dev.wharf.registry.http;

import com.fasterxml.jackson.databind.JsonNode;

/** What a handler answers with 200: a JSON value, or (for the {@code /schema} endpoints) the schema text itself. */
public record Reply(JsonNode json, String text) {
    public static Reply of(JsonNode json) {
        return new Reply(json, null);
    }

    public static Reply text(String text) {
        return new Reply(null, text);
    }
}

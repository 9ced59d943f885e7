package dev.wharf.wire.protocol;

/** An API key that no Kafka spec defines. */
public class UnknownApiKeyException extends WireException {
    private final int apiKey;

    public UnknownApiKeyException(int apiKey) {
        super("Unknown API key " + apiKey);
        this.apiKey = apiKey;
    }

    public int apiKey() {
        return apiKey;
    }
}

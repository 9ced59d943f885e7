package dev.wharf.wire.protocol;

/** The body of a Kafka request or response. */
public interface ApiMessage extends Message {
    short apiKey();

    short lowestSupportedVersion();

    short highestSupportedVersion();
}

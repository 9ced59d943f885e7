package dev.wharf.wire.protocol;

/**
 * A response that carries {@code throttle_time_ms}: how long the client was (or is to be) held
 * back for going over a quota (KIP-219). Every generated response with that field implements it.
 */
public interface ThrottledResponse extends ApiMessage {
    int throttleTimeMs();

    ThrottledResponse setThrottleTimeMs(int throttleTimeMs);
}

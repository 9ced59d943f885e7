package dev.wharf.wire.frame;

/**
 * The fixed start of every request header, read without validating anything else: enough to
 * answer a request Wharf cannot decode (an unknown version of ApiVersions gets the v0 fallback).
 */
public record HeaderPeek(short apiKey, short apiVersion, int correlationId) {}

package dev.wharf.server.security;

/**
 * What the broker keeps of a SCRAM user's password (RFC 5802): the salt, the iteration count, and
 * the stored and server keys derived from the salted password; never the password itself.
 * Stored in the user's config entity as Kafka does:
 * {@code salt=<base64>,stored_key=<base64>,server_key=<base64>,iterations=<n>}.
 */
public record ScramCredential(byte[] salt, byte[] storedKey, byte[] serverKey, int iterations) {
}

package dev.wharf.controller;

/**
 * The resource pattern one ACL znode holds, as Kafka's ZooKeeper mode names it: literal patterns
 * under {@code /kafka-acl/<resourceType>/<name>}, prefixed ones under
 * {@code /kafka-acl-extended/prefixed/<resourceType>/<name>}; {@code resourceType} is Kafka's name
 * for it ({@code Topic}, {@code Group}, {@code Cluster}, ...). Immutable.
 */
public record AclResource(boolean prefixed, String resourceType, String name) {}

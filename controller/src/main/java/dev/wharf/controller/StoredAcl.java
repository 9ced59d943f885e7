package dev.wharf.controller;

/**
 * One ACL entry of an ACL znode, as Kafka's ZooKeeper mode writes it:
 * {@code {"principal":"User:alice","permissionType":"Allow","operation":"Read","host":"*"}}. Immutable.
 */
public record StoredAcl(String principal, String permissionType, String operation, String host) {}

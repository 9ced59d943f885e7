package dev.wharf.controller;

/** A live broker as registered in ZooKeeper. */
public record BrokerInfo(int id, String host, int port) {}

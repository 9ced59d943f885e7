package dev.wharf.controller;

/**
 * Told of each partition leader the controller elected and wrote (the broker's ControllerStats
 * metrics); called on the controller's ZooKeeper event thread, must not block.
 */
@FunctionalInterface
public interface ElectionListener {
    /** {@code millis}: deciding and writing it; {@code unclean}: the new leader was not in the ISR. */
    void elected(long millis, boolean unclean);
}

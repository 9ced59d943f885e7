package dev.wharf.wire.records;

/** Whether a batch's timestamps come from the producer or from the broker's append. */
public enum TimestampType {
    CREATE_TIME,
    LOG_APPEND_TIME
}

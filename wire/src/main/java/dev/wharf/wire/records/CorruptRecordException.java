package dev.wharf.wire.records;

import dev.wharf.wire.protocol.WireException;

/** A record batch that fails validation: bad CRC, impossible lengths, undecodable records. */
public class CorruptRecordException extends WireException {
    public CorruptRecordException(String message) {
        super(message);
    }

    public CorruptRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.wharf.wire.protocol;

/**
 * A message version outside the valid range, or a value that the chosen version cannot carry (a
 * non-default, non-ignorable field absent from that version; tagged fields in a classic version).
 */
public class UnsupportedVersionException extends WireException {
    public UnsupportedVersionException(String message) {
        super(message);
    }

    public static UnsupportedVersionException cannot(String verb, String message, short version) {
        return new UnsupportedVersionException("Can't " + verb + " version " + version + " of " + message);
    }

    public static UnsupportedVersionException nonDefault(String field, short version) {
        return new UnsupportedVersionException(
                "Attempted to write a non-default " + field + " at version " + version);
    }

    public static UnsupportedVersionException taggedFieldsNotSupported(String struct, short version) {
        return new UnsupportedVersionException(
                "Tagged fields were set, but version " + version + " of " + struct + " does not support them");
    }
}

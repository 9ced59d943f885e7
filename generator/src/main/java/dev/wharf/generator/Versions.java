package dev.wharf.generator;

/**
 * An inclusive range of protocol versions as written in the specs: {@code "3"}, {@code "0-12"},
 * {@code "9+"} (open-ended) or {@code "none"} (empty).
 */
public record Versions(short lowest, short highest) {
    public static final Versions NONE = new Versions((short) 0, (short) -1);

    public static Versions parse(String text) {
        String s = text.trim();
        if (s.equals("none")) {
            return NONE;
        }
        try {
            if (s.endsWith("+")) {
                return new Versions(Short.parseShort(s.substring(0, s.length() - 1)), Short.MAX_VALUE);
            }
            int dash = s.indexOf('-');
            if (dash > 0) {
                return new Versions(Short.parseShort(s.substring(0, dash)), Short.parseShort(s.substring(dash + 1)));
            }
            short v = Short.parseShort(s);
            return new Versions(v, v);
        } catch (NumberFormatException e) {
            throw new SpecException("invalid version range '" + text + "'");
        }
    }

    public boolean isEmpty() {
        return highest < lowest;
    }

    public boolean contains(int version) {
        return version >= lowest && version <= highest;
    }

    public boolean isOpenEnded() {
        return highest == Short.MAX_VALUE;
    }

    public Versions intersect(Versions other) {
        short lo = (short) Math.max(lowest, other.lowest);
        short hi = (short) Math.min(highest, other.highest);
        return hi < lo ? NONE : new Versions(lo, hi);
    }

    /** True when every version in {@code within} is also in this range. */
    public boolean covers(Versions within) {
        return within.isEmpty() || (lowest <= within.lowest && highest >= within.highest);
    }

    @Override
    public String toString() {
        if (isEmpty()) {
            return "none";
        }
        if (isOpenEnded()) {
            return lowest + "+";
        }
        return lowest == highest ? Short.toString(lowest) : lowest + "-" + highest;
    }
}

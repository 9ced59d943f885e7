package dev.wharf.wire.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wharf.generator.MessageSpec;
import dev.wharf.generator.Versions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Byte-exactness against the official client: for every message in the specs and every valid
 * version, random instances built by kafka-clients are decoded and re-encoded by Wharf to the
 * same bytes, and random instances built by Wharf are decoded and re-encoded by kafka-clients to
 * the same bytes.
 */
class GoldenRoundTripTest {
    private static final int SAMPLES_PER_CASE = 4;

    private record Outcome(int cases, List<String> failures) {}

    // Every (request/response, version, direction) case the specs define round-trips byte for byte.
    @Test
    void everyApiEveryVersionBothDirectionsIsByteExact() {
        Outcome outcome = run(s -> s.kind() == MessageSpec.Kind.REQUEST || s.kind() == MessageSpec.Kind.RESPONSE);
        int defined = 0;
        for (MessageSpec s : SpecCatalog.all()) {
            if (s.kind() == MessageSpec.Kind.REQUEST || s.kind() == MessageSpec.Kind.RESPONSE) {
                defined += 2 * count(s.validVersions());
            }
        }
        System.out.printf("golden round trips: %d of %d (api, version, direction) cases defined by the specs,"
                + " %d random samples each%n", outcome.cases(), defined, SAMPLES_PER_CASE);
        assertTrue(outcome.failures().isEmpty(), () -> outcome.failures().size() + " failures:\n"
                + String.join("\n", outcome.failures().subList(0, Math.min(20, outcome.failures().size()))));
        assertEquals(defined, outcome.cases());
    }

    // Headers and the non-API data messages (consumer protocol, control records, ...) round-trip too.
    @Test
    void headersAndDataMessagesAreByteExact() {
        Outcome outcome = run(s -> s.kind() == MessageSpec.Kind.HEADER || s.kind() == MessageSpec.Kind.DATA);
        System.out.printf("golden round trips for headers and data messages: %d cases%n", outcome.cases());
        assertTrue(outcome.failures().isEmpty(), () -> String.join("\n", outcome.failures()));
        assertTrue(outcome.cases() > 20);
    }

    private static Outcome run(java.util.function.Predicate<MessageSpec> which) {
        int cases = 0;
        List<String> failures = new ArrayList<>();
        for (MessageSpec spec : SpecCatalog.all()) {
            if (!which.test(spec)) {
                continue;
            }
            Versions v = spec.validVersions();
            for (int version = v.lowest(); version <= v.highest() && !v.isEmpty(); version++) {
                for (Side from : List.of(Side.KAFKA, Side.WHARF)) {
                    Side to = from == Side.KAFKA ? Side.WHARF : Side.KAFKA;
                    String failure = null;
                    for (int sample = 0; sample < SAMPLES_PER_CASE && failure == null; sample++) {
                        long seed = ((long) spec.name().hashCode() << 20) ^ (version << 8) ^ (sample << 1)
                                ^ (from == Side.KAFKA ? 0 : 1);
                        failure = roundTrip(spec, (short) version, from, to, seed);
                    }
                    if (failure == null) {
                        cases++;
                    } else {
                        failures.add(failure);
                    }
                }
            }
        }
        return new Outcome(cases, failures);
    }

    /** Built and encoded by {@code from}, decoded and re-encoded by {@code to}: same bytes. */
    private static String roundTrip(MessageSpec spec, short version, Side from, Side to, long seed) {
        String label = spec.name() + " v" + version + " " + from.name() + "->" + to.name() + " (seed " + seed + ")";
        try {
            Object original = new RandomMessages(spec, from, new Random(seed)).message(version);
            byte[] expected = from.encode(original, version);
            Object decoded = to.decode(to.messageClass(spec.name(), spec.kind()), expected, version);
            int size = to.size(decoded, version);
            byte[] actual = to.encode(decoded, version);
            if (!Arrays.equals(expected, actual)) {
                int at = Arrays.mismatch(expected, actual);
                return label + ": bytes differ at " + at + "\n  expected " + HexFormat.of().formatHex(expected)
                        + "\n  actual   " + HexFormat.of().formatHex(actual) + "\n  message  " + original;
            }
            if (size != expected.length) {
                return label + ": size() says " + size + " but encoding is " + expected.length + " bytes";
            }
            return null;
        } catch (RuntimeException | AssertionError e) {
            return label + ": " + e;
        }
    }

    private static int count(Versions v) {
        return v.isEmpty() ? 0 : v.highest() - v.lowest() + 1;
    }
}

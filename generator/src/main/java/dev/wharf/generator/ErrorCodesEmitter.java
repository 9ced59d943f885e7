package dev.wharf.generator;

import java.util.function.Function;

/**
 * A response struct's {@code forEachErrorCode}: hands every {@code int16} field named
 * {@code ErrorCode} (or {@code PartitionErrorCode}) of the struct and of its nested structs (array
 * elements included) that the response's version carries to a
 * {@code dev.wharf.wire.protocol.ErrorCodeSink}, so that the broker can count the errors it answers
 * with (Kafka's {@code RequestMetrics ErrorsPerSec}) with no per-API code. Indexed loops: the visit
 * allocates nothing.
 */
final class ErrorCodesEmitter {
    static final String SINK = JavaTypes.RUNTIME + "ErrorCodeSink";

    private ErrorCodesEmitter() {}

    /**
     * @param structs the struct of each name
     * @param cond the Java condition on {@code version} under which a field of these versions is present
     */
    static void emit(CodeWriter w, StructSpec struct, Function<String, StructSpec> structs, Function<Versions, String> cond) {
        w.line("@Override");
        w.open("public void forEachErrorCode(short version, " + SINK + " sink)");
        for (FieldSpec f : struct.fields()) {
            String field = "this." + f.camelName();
            String present = cond.apply(f.versions());
            boolean visits = isErrorCode(f)
                    || f.structName().isPresent() && hasErrorCodes(structs.apply(f.structName().get()), structs, 0);
            if (!visits || present.equals("false")) {
                continue;
            }
            boolean always = present.equals("true");
            if (!always) {
                w.open("if (" + present + ")");
            }
            if (isErrorCode(f)) {
                w.line("sink.errorCode(" + field + ");");
            } else if (f.type() instanceof FieldType.ArrayType) {
                w.open("if (" + field + " != null)");
                w.open("for (int i = 0, n = " + field + ".size(); i < n; i++)");
                w.line(field + ".get(i).forEachErrorCode(version, sink);");
                w.close();
                w.close();
            } else {
                w.open("if (" + field + " != null)");
                w.line(field + ".forEachErrorCode(version, sink);");
                w.close();
            }
            if (!always) {
                w.close();
            }
        }
        w.close();
        w.blank();
    }

    private static boolean isErrorCode(FieldSpec f) {
        // not TopicConfigErrorCode (CreateTopics) nor AcknowledgeErrorCode (ShareFetch): Kafka counts neither
        return f.type().isPrimitive(FieldType.Primitive.INT16)
                && (f.name().equals("ErrorCode") || f.name().equals("PartitionErrorCode"));
    }

    private static boolean hasErrorCodes(StructSpec struct, Function<String, StructSpec> structs, int depth) {
        if (depth > 16) {
            return false; // specs nest a few levels; this bounds a (never seen) cycle
        }
        for (FieldSpec f : struct.fields()) {
            if (isErrorCode(f) || f.structName().isPresent()
                    && hasErrorCodes(structs.apply(f.structName().get()), structs, depth + 1)) {
                return true;
            }
        }
        return false;
    }
}

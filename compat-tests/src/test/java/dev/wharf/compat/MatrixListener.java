package dev.wharf.compat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Collects every integration-test scenario's outcome (pass, fail with the failure's first line, or
 * n/a with the abort's reason) and, at the end of each test plan, writes the feature matrix
 * {@code target/compat-matrix.json} and {@code .md} through {@link MatrixReport}. Registered with the
 * JUnit Platform through META-INF/services, so it runs on every failsafe run, external or not; a run
 * without any {@code *IT} (the unit tests) writes nothing.
 * <p>
 * The Platform calls a listener from the thread that runs the tests; the collected rows are guarded
 * by this object's monitor all the same, since a test plan may run in parallel when configured to.
 */
public final class MatrixListener implements TestExecutionListener {
    /** Outcome of one scenario, in the order they finished. */
    record Scenario(String testClass, String method, String name, String status, String detail, List<String> apis) {
    }

    private final Map<String, Scenario> scenarios = new LinkedHashMap<>();
    private TestPlan plan;

    @Override
    public synchronized void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
    }

    @Override
    public synchronized void executionSkipped(TestIdentifier id, String reason) {
        forEachTest(id, t -> add(t, "skipped", reason));
    }

    @Override
    public synchronized void executionFinished(TestIdentifier id, TestExecutionResult result) {
        String detail = result.getThrowable().map(MatrixListener::firstLine).orElse("");
        String status = switch (result.getStatus()) {
            case SUCCESSFUL -> "pass";
            case ABORTED -> "n/a";
            case FAILED -> "fail";
        };
        if (id.isTest()) {
            add(id, status, detail);
        } else if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL) {
            // a class whose @BeforeAll aborted or failed: its tests never started, yet each is a row
            forEachTest(id, t -> add(t, status, detail));
        }
    }

    @Override
    public synchronized void testPlanExecutionFinished(TestPlan testPlan) {
        if (!scenarios.isEmpty()) {
            MatrixReport.write(Path.of(System.getProperty("compat.matrix.dir", "target")), new ArrayList<>(scenarios.values()));
        }
    }

    private void forEachTest(TestIdentifier id, java.util.function.Consumer<TestIdentifier> action) {
        if (id.isTest()) {
            action.accept(id);
            return;
        }
        var children = plan.getChildren(id);
        if (children.isEmpty() && id.getSource().filter(MethodSource.class::isInstance).isPresent()) {
            action.accept(id); // a parameterized test whose class never started: one row for all its invocations
        }
        for (TestIdentifier child : children) {
            forEachTest(child, action);
        }
    }

    private void add(TestIdentifier id, String status, String detail) {
        Optional<TestSource> source = id.getSource();
        if (source.isEmpty() || !(source.get() instanceof MethodSource m) || !m.getClassName().endsWith("IT")) {
            return;
        }
        Class<?> type = m.getJavaClass();
        String name = humanize(m.getMethodName());
        if (id.getUniqueId().contains("-template-invocation:")) {
            name += " [" + id.getDisplayName() + "]"; // one invocation of a parameterized or repeated test
        }
        List<String> apis = new ArrayList<>();
        Exercises exercises = type.getAnnotation(Exercises.class);
        if (exercises != null) {
            for (var api : exercises.value()) {
                apis.add(api.name());
            }
        }
        scenarios.putIfAbsent(id.getUniqueId(), new Scenario(type.getSimpleName(), m.getMethodName(), name, status, detail, apis));
    }

    static String firstLine(Throwable t) {
        String message = t.getMessage() == null ? t.getClass().getName() : t.getClass().getSimpleName() + ": " + t.getMessage();
        String line = message.lines().findFirst().orElse("").strip();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** "committedOffsetsSurviveARestart" reads as "committed offsets survive a restart"; acronyms stay. */
    static String humanize(String method) {
        StringBuilder out = new StringBuilder();
        int n = method.length();
        for (int i = 0; i < n; i++) {
            char c = method.charAt(i);
            boolean upper = Character.isUpperCase(c);
            boolean prevLower = i > 0 && !Character.isUpperCase(method.charAt(i - 1));
            boolean nextLower = i + 1 < n && Character.isLowerCase(method.charAt(i + 1));
            boolean nextUpper = i + 1 < n && Character.isUpperCase(method.charAt(i + 1));
            boolean singleLetterWord = nextUpper && (i + 2 >= n || Character.isLowerCase(method.charAt(i + 2)));
            boolean startsWord = upper && i > 0 && (prevLower || nextLower);
            if (startsWord) {
                out.append(' ');
            }
            out.append(startsWord && (nextLower || singleLetterWord) || upper && i + 1 >= n && prevLower
                    ? Character.toLowerCase(c) : c);
        }
        return out.toString();
    }
}

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Puts two feature matrices (compat-matrix.json of a run against Apache Kafka and one against Wharf)
 * side by side in one Markdown file: the counts per broker, every scenario whose result differs,
 * then the full scenario and API tables. Run by run-matrix.sh as a single-file program on the Kafka
 * tools' class path (for Jackson):
 *   java -cp "compat-tests/kafka-tools-classpath/target/lib/*" compat-tests/MatrixMerge.java kafka.json wharf.json out.md
 * Single-threaded.
 */
public final class MatrixMerge {
    private static final String[] STATUSES = {"pass", "fail", "n/a", "skipped"};

    public static void main(String[] args) throws IOException {
        ObjectMapper json = new ObjectMapper();
        JsonNode kafka = json.readTree(Path.of(args[0]).toFile());
        JsonNode wharf = json.readTree(Path.of(args[1]).toFile());
        Files.writeString(Path.of(args[2]), merge(kafka, wharf));
    }

    static String merge(JsonNode kafka, JsonNode wharf) {
        Map<String, JsonNode[]> rows = new TreeMap<>();
        collect(rows, kafka, 0);
        collect(rows, wharf, 1);
        StringBuilder b = new StringBuilder("# Compatibility matrix: Apache Kafka and Wharf side by side\n\n");
        b.append("Written by `compat-tests/run-matrix.sh`: the compat-tests ITs run against each broker as an external ")
                .append("broker (`-Dcompat.bootstrap`), both started with the suite's baseline settings ")
                .append("(`compat-tests/src/test/resources/external-broker-baseline.properties`). ")
                .append("n/a: the scenario needs what one external broker cannot give (the reason is in its cell).\n\n");
        b.append("| | Kafka | Wharf |\n|---|---|---|\n");
        b.append("| broker | ").append(kafka.at("/broker/label").asText()).append(" | ").append(wharf.at("/broker/label").asText()).append(" |\n");
        b.append("| cluster id | `").append(kafka.at("/broker/clusterId").asText()).append("` | `")
                .append(wharf.at("/broker/clusterId").asText()).append("` |\n");
        b.append("| finalized features | ").append(features(kafka)).append(" | ").append(features(wharf)).append(" |\n");
        b.append("| run at | ").append(kafka.path("generated").asText()).append(" | ").append(wharf.path("generated").asText()).append(" |\n");
        for (String s : STATUSES) {
            b.append("| ").append(s).append(" | ").append(kafka.at("/summary/" + s.replace("/", "~1")).asInt())
                    .append(" | ").append(wharf.at("/summary/" + s.replace("/", "~1")).asInt()).append(" |\n");
        }
        b.append("| scenarios | ").append(kafka.path("scenarios").size()).append(" | ").append(wharf.path("scenarios").size()).append(" |\n\n");
        Map<String, Integer> pairs = new TreeMap<>();
        List<String> differing = new ArrayList<>();
        for (Map.Entry<String, JsonNode[]> e : rows.entrySet()) {
            String k = status(e.getValue()[0]);
            String w = status(e.getValue()[1]);
            pairs.merge("Kafka " + k + " / Wharf " + w, 1, Integer::sum);
            if (!k.equals(w)) {
                differing.add(row(e.getKey(), e.getValue()));
            }
        }
        b.append("## Pairs of results\n\n| Kafka / Wharf | scenarios |\n|---|---|\n");
        pairs.forEach((pair, n) -> b.append("| ").append(pair).append(" | ").append(n).append(" |\n"));
        b.append("\n## Scenarios whose results differ (").append(differing.size()).append(")\n\n");
        b.append("| class | scenario | Kafka | Wharf |\n|---|---|---|---|\n");
        differing.forEach(b::append);
        b.append("\n## All scenarios\n\n| class | scenario | Kafka | Wharf |\n|---|---|---|---|\n");
        rows.forEach((key, pair) -> b.append(row(key, pair)));
        b.append("\n## APIs\n\nEach API key kafka-clients 4.4.0 knows: its versions in the client, the range each broker")
                .append(" advertises, and the scenarios exercising it (`@Exercises`) as pass/fail/n-a on each broker.\n\n");
        b.append("| API | key | client | Kafka advertises | Wharf advertises | Kafka p/f/na | Wharf p/f/na |\n|---|---|---|---|---|---|---|\n");
        Map<String, JsonNode> wharfApis = new LinkedHashMap<>();
        wharf.path("apis").forEach(a -> wharfApis.put(a.path("api").asText(), a));
        for (JsonNode a : kafka.path("apis")) {
            JsonNode w = wharfApis.getOrDefault(a.path("api").asText(), json0());
            b.append("| ").append(a.path("api").asText()).append(" | ").append(a.path("key").asInt()).append(" | ")
                    .append(a.path("client").asText()).append(" | ").append(a.path("broker").asText()).append(" | ")
                    .append(w.path("broker").asText()).append(" | ").append(counts(a)).append(" | ").append(counts(w)).append(" |\n");
        }
        return b.toString();
    }

    private static JsonNode json0() {
        return new ObjectMapper().createObjectNode();
    }

    private static void collect(Map<String, JsonNode[]> rows, JsonNode matrix, int column) {
        for (JsonNode s : matrix.path("scenarios")) {
            String key = s.path("class").asText() + "\t" + s.path("name").asText();
            rows.computeIfAbsent(key, k -> new JsonNode[2])[column] = s;
        }
    }

    private static String status(JsonNode scenario) {
        return scenario == null ? "not run" : scenario.path("status").asText();
    }

    private static String row(String key, JsonNode[] pair) {
        String[] parts = key.split("\t", 2);
        return "| " + parts[0] + " | " + cell(parts[1]) + " | " + result(pair[0]) + " | " + result(pair[1]) + " |\n";
    }

    private static String result(JsonNode scenario) {
        if (scenario == null) {
            return "not run";
        }
        String detail = scenario.path("detail").asText();
        if (detail.length() > 160) {
            detail = detail.substring(0, 160) + "...";
        }
        String status = scenario.path("status").asText();
        return detail.isEmpty() || status.equals("pass") ? status : status + ": " + cell(detail);
    }

    private static String counts(JsonNode api) {
        return api.path("pass").asInt() + "/" + api.path("fail").asInt() + "/" + api.path("n/a").asInt();
    }

    private static String features(JsonNode matrix) {
        List<String> out = new ArrayList<>();
        matrix.at("/broker/features").properties().forEach(e -> out.add(e.getKey() + "=" + e.getValue().asText()));
        return String.join(", ", out);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}

package dev.edgeperf.core.corpus;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/**
 * The real-model corpus: {@code scripts/models-corpus.tsv} (what to fetch and how to feed it) and the
 * folder {@code scripts/fetch-models.sh} fills ({@code models-corpus/} at the repository root, or
 * {@code EDGEPERF_MODELS_CORPUS}). Absent folder: the tests are skipped locally, a failure on CI.
 */
final class Corpus {
    /**
     * One manifest row.
     *
     * @param shapes full shape per input
     * @param values constant values per input (a sample rate), given as {@code NAME=SHAPE:VALUE}
     * @param recipes the recipes to build: every recipe, none, or a list
     */
    record Entry(String name, String source, String spec, String member, String sha256, String exporter, int opset,
                 Map<String, long[]> shapes, Map<String, long[]> values, List<String> recipes, Path file) {
        @Override
        public String toString() {
            return name;
        }
    }

    private Corpus() {
    }

    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("scripts/models-corpus.tsv"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("scripts/models-corpus.tsv not found above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    static Path folder() {
        String env = System.getenv("EDGEPERF_MODELS_CORPUS");
        return env != null && !env.isBlank() ? Path.of(env) : root().resolve("models-corpus");
    }

    static List<Entry> entries(List<String> everyRecipe) {
        try {
            return Files.readAllLines(root().resolve("scripts/models-corpus.tsv")).stream()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .map(l -> parse(l, everyRecipe)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Entry parse(String line, List<String> everyRecipe) {
        String[] c = line.split("\t");
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, long[]> values = new LinkedHashMap<>();
        for (String in : c[7].split(";")) {
            String[] kv = in.split("=", 2);
            String[] sv = kv[1].split(":", 2);
            shapes.put(kv[0], sv[0].isEmpty() ? new long[0]
                    : Arrays.stream(sv[0].split("x")).mapToLong(Long::parseLong).toArray());
            if (sv.length > 1) {
                values.put(kv[0], Arrays.stream(sv[1].split(",")).mapToLong(Long::parseLong).toArray());
            }
        }
        List<String> recipes = switch (c[8]) {
            case "all" -> everyRecipe;
            case "none" -> List.of();
            default -> List.of(c[8].split(","));
        };
        return new Entry(c[0], c[1], c[2], c[3], c[4], c[5], Integer.parseInt(c[6]), shapes, values, recipes,
                folder().resolve(c[0] + ".onnx"));
    }

    /** Skips (locally) or fails (CI=true) when the model files are not there. */
    static void require(Entry e) {
        if (Files.isRegularFile(e.file())) {
            return;
        }
        String message = e.file() + " missing; run scripts/fetch-models.sh (fetches " + e.spec() + ")";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
    }
}

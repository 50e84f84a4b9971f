package dev.edgeperf.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.edgeperf.coordinator.testing.Processes;
import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.ProfileOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10, test corpus: every real exported model of {@code scripts/models-corpus.tsv} (fetched by
 * {@code scripts/fetch-models.sh}) measured in one campaign on two agent processes, baseline and fp16, with
 * the manifest's input shapes (and constant input values such as Silero's {@code sr}); every row stored with
 * its input shapes, the FLOPs of those shapes and the fp16 variant's fidelity.
 */
class CorpusCampaignIT {
    private static final List<String> VARIANTS = List.of("baseline", "quantized:fp16");

    @TempDir
    Path tmp;

    private final Processes processes = new Processes();

    @AfterEach
    void killEverything() throws InterruptedException {
        processes.close();
    }

    /** A manifest row: model name, full shapes by input, constant values by input (rank 0 inputs). */
    record Model(String name, Map<String, long[]> shapes, Map<String, String> values, Path file) {
        /** As results show them: {@code input=1x512 state=2x1x128 sr=scalar}. */
        String inputShapes() {
            return dev.edgeperf.core.onnx.ModelInputs.describe(shapes);
        }
    }

    static List<Model> corpus() throws Exception {
        Path root = Path.of(System.getProperty("edgeperf.repoRoot", ".."));
        String env = System.getenv("EDGEPERF_MODELS_CORPUS");
        Path folder = env != null && !env.isBlank() ? Path.of(env) : root.resolve("models-corpus");
        List<Model> models = new ArrayList<>();
        for (String line : Files.readAllLines(root.resolve("scripts/models-corpus.tsv"))) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            String[] c = line.split("\t");
            Map<String, long[]> shapes = new LinkedHashMap<>();
            Map<String, String> values = new LinkedHashMap<>();
            for (String in : c[7].split(";")) {
                String[] kv = in.split("=", 2);
                String[] sv = kv[1].split(":", 2);
                shapes.put(kv[0], sv[0].isEmpty() ? new long[0]
                        : Arrays.stream(sv[0].split("x")).mapToLong(Long::parseLong).toArray());
                if (sv.length > 1) {
                    values.put(kv[0], sv[1]);
                }
            }
            Path file = folder.resolve(c[0] + ".onnx");
            if (!Files.isRegularFile(file)) {
                String message = file + " missing; run scripts/fetch-models.sh";
                if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                    fail(message);
                }
                Assumptions.abort(message);
            }
            models.add(new Model(c[0], shapes, values, file));
        }
        return models;
    }

    static String spec(List<Model> models) {
        StringBuilder spec = new StringBuilder("batch_sizes: [1]\nvariants: [baseline, \"quantized:fp16\"]\n"
                + "measurement: {warmup_iterations: 1, min_iterations: 3, min_duration_ms: 0, max_duration_ms: 2000}\n"
                + "models:\n");
        for (Model m : models) {
            spec.append("  - file: ").append(m.file().toAbsolutePath()).append("\n    inputs: {");
            spec.append(m.shapes().entrySet().stream().filter(e -> !m.values().containsKey(e.getKey()))
                    .map(e -> "\"" + e.getKey() + "\": " + Arrays.stream(e.getValue()).mapToObj(Long::toString)
                            .collect(Collectors.joining("x"))).collect(Collectors.joining(", ")));
            spec.append("}\n");
            if (!m.values().isEmpty()) {
                spec.append("    values: {").append(m.values().entrySet().stream()
                        .map(e -> "\"" + e.getKey() + "\": " + e.getValue()).collect(Collectors.joining(", ")))
                        .append("}\n");
            }
        }
        return spec.toString();
    }

    @Test
    void everyCorpusModelIsMeasuredOnTwoAgentsAtItsShapesWithBaselineAndFp16() throws Exception {
        List<Model> models = corpus();
        Path dataDir = tmp.resolve("data");
        // preparing all-minilm-l6-v2's fp16 variant (a 90 MB model: its bytes, the parsed graph, the fp16 copy
        // and the ONNX Runtime check) peaks near 512 MiB of heap; at -Xmx512m it sometimes ran out, which the
        // preparation now reports as a failed campaign ("out of memory while building ...") instead of hanging
        Matcher listening = processes.startCoordinatorWithHeap("1g", dataDir, tmp.resolve("coordinator.log"));
        String grpc = "127.0.0.1:" + listening.group(1);
        for (int i = 1; i <= 2; i++) {
            processes.start(Processes.javaJar(Processes.agentJar(), "run", "--coordinator", grpc, "--name",
                    "corpus-" + i, "--token-file", dataDir.resolve("join-token").toString(), "--work-dir",
                    tmp.resolve("agent-" + i).toString()), tmp.resolve("agent-" + i + ".log"));
        }
        awaitLog(tmp.resolve("coordinator.log"), "agent 'corpus-1' connected", "agent 'corpus-2' connected");
        Path spec = Files.writeString(tmp.resolve("corpus.yaml"), spec(models));

        Processes.Outcome run = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(8),
                "campaign", "run", spec.toString(), "--timeout", "7m");
        assertThat(run.exitCode()).as("campaign run: %s\n%s\ncoordinator log: %s", run.stdout(), run.stderr(),
                Files.readString(tmp.resolve("coordinator.log"))).isZero();

        Processes.Outcome csv = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(1),
                "campaign", "export", "latest", "--format", "csv");
        assertThat(csv.exitCode()).as(csv.stderr()).isZero();
        List<String> lines = csv.stdout().lines().toList();
        List<String> header = List.of(lines.get(0).split(",", -1));
        Map<String, Integer> col = new HashMap<>();
        for (String name : List.of("state", "agent_name", "model_name", "variant_recipe", "input_shapes", "flops",
                "p50_ms", "fidelity_cosine", "fidelity_sqnr_db", "input_values", "variant_noop")) {
            col.put(name, header.indexOf(name));
        }
        assertThat(col).allSatisfy((name, index) -> assertThat(index).as(name).isNotNegative());

        Map<String, Model> byFile = models.stream().collect(Collectors.toMap(m -> m.name() + ".onnx", m -> m));
        Map<String, Long> flops = new HashMap<>();
        for (Model m : models) {
            flops.put(m.name(), ModelProfiler.profile(m.file(), new ProfileOptions(1, m.shapes(), Map.of(),
                    m.values().entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                            e -> Arrays.stream(e.getValue().split(",")).mapToLong(Long::parseLong).toArray())),
                    CountingConvention.SEED)).totalFlops());
        }
        List<String> seen = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            Model m = byFile.get(cells[col.get("model_name")]);
            assertThat(m).as(line).isNotNull();
            String variant = cells[col.get("variant_recipe")];
            seen.add(cells[col.get("agent_name")] + " " + m.name() + " " + variant);
            assertThat(cells[col.get("state")]).as(line).isEqualTo("done");
            assertThat(cells[col.get("input_shapes")]).as(line).isEqualTo(m.inputShapes());
            assertThat(Long.parseLong(cells[col.get("flops")])).as(line).isEqualTo(flops.get(m.name()));
            assertThat(Double.parseDouble(cells[col.get("p50_ms")])).as(line).isPositive();
            assertThat(cells[col.get("input_values")]).as(line).isEqualTo(m.values().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
            if (variant.equals("baseline")) {
                assertThat(cells[col.get("fidelity_cosine")]).as(line).isEmpty();
            } else {
                assertThat(Double.parseDouble(cells[col.get("fidelity_cosine")])).as(line).isGreaterThan(0.99);
                // identical outputs (a no-op, e.g. fp16 on silero v5 whose weights stay fp32) have no finite SQNR
                if (cells[col.get("variant_noop")].equals("true")) {
                    assertThat(cells[col.get("fidelity_sqnr_db")]).as(line).isEmpty();
                } else {
                    assertThat(Double.parseDouble(cells[col.get("fidelity_sqnr_db")])).as(line).isGreaterThan(20);
                }
            }
        }
        List<String> expected = new ArrayList<>();
        for (String agent : List.of("corpus-1", "corpus-2")) {
            for (Model m : models) {
                VARIANTS.forEach(v -> expected.add(agent + " " + m.name() + " " + v));
            }
        }
        assertThat(seen).containsExactlyInAnyOrderElementsOf(expected);

        // the same from flags: --value on the CLI, and bad values refused at submit (one line, exit 2, nothing stored)
        Model vad = models.stream().filter(m -> !m.values().isEmpty()).findFirst().orElseThrow();
        List<String> flags = new ArrayList<>(List.of("campaign", "run", "--model", vad.file().toString(), "--batch", "1",
                "--warmup", "1", "--min-iterations", "3", "--min-duration-ms", "0", "--max-duration-ms", "2000",
                "--json"));
        vad.shapes().forEach((name, shape) -> {
            if (!vad.values().containsKey(name)) {
                flags.addAll(List.of("--input", name + "=" + dev.edgeperf.core.onnx.ModelInputs.ShapeText.of(shape)));
            }
        });
        String name = vad.values().keySet().iterator().next();
        List<String> good = new ArrayList<>(flags);
        good.addAll(List.of("--value", name + "=" + vad.values().get(name)));
        Processes.Outcome byFlags = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(4),
                good.toArray(String[]::new));
        assertThat(byFlags.exitCode()).as(byFlags.stderr()).isZero();
        com.fasterxml.jackson.databind.JsonNode rows = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(byFlags.stdout()).get("rows");
        assertThat(rows).hasSize(2);
        rows.forEach(r -> assertThat(r.get("inputValues").asText()).isEqualTo(name + "=" + vad.values().get(name)));

        List<String> twoValues = new ArrayList<>(flags);
        twoValues.addAll(List.of("--value", name + "=16000,8000"));
        Processes.Outcome bad = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(1),
                twoValues.toArray(String[]::new));
        assertThat(bad.exitCode()).as(bad.stderr()).isEqualTo(2);
        assertThat(bad.stderr().strip()).hasLineCount(1).isEqualTo("edgeperf: model " + vad.name() + ".onnx: input '"
                + name + "' of shape [] holds 1 value(s), 2 given (" + name + "=16000,8000)");
        List<String> unknown = new ArrayList<>(flags);
        unknown.addAll(List.of("--value", "rate=16000"));
        Processes.Outcome noInput = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(1),
                unknown.toArray(String[]::new));
        assertThat(noInput.exitCode()).as(noInput.stderr()).isEqualTo(2);
        assertThat(noInput.stderr().strip()).hasLineCount(1).startsWith("edgeperf: model " + vad.name() + ".onnx has"
                + " no input 'rate' to give a value to; its inputs are ");
        List<String> malformed = new ArrayList<>(flags);
        malformed.addAll(List.of("--value", name + "=fast"));
        Processes.Outcome notANumber = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(1),
                malformed.toArray(String[]::new));
        assertThat(notANumber.exitCode()).isEqualTo(2);
        assertThat(notANumber.stderr().strip()).hasLineCount(1).isEqualTo("edgeperf: --value '" + name + "=fast' is"
                + " not NAME=V[,V...] with integer values, e.g. sr=16000");
        Processes.Outcome list = processes.coordinatorCli(grpc, dataDir, tmp.resolve("cli"), Duration.ofMinutes(1),
                "campaign", "list", "--json");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(list.stdout())).hasSize(2);
    }

    private static void awaitLog(Path log, String... texts) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (true) {
            String content = Files.exists(log) ? Files.readString(log) : "";
            if (Arrays.stream(texts).allMatch(content::contains)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + Arrays.toString(texts) + " in " + log);
            }
            Thread.sleep(250);
        }
    }
}

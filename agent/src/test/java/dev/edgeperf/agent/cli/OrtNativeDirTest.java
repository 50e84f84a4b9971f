package dev.edgeperf.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --ort-native-dir}: the agent loads ONNX Runtime from a folder of the operator's instead of
 * the jar's. The folders here are made from the jar's own libraries, copied elsewhere, so the build is
 * real; which files were loaded is read from the child JVM's {@code /proc/self/maps}, not from what
 * it was told. Child JVMs, because ONNX Runtime loads its libraries once per JVM.
 */
class OrtNativeDirTest {
    private static final String CORE = System.mapLibraryName("onnxruntime");
    private static final String JNI = System.mapLibraryName("onnxruntime4j_jni");

    @TempDir
    static Path dir;

    private static Path full;
    private static Path coreOnly;

    @BeforeAll
    static void localBuilds() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/maps")), "needs Linux /proc/self/maps");
        Path extracted = dir.resolve("jar-natives");
        // the jar's libraries as ONNX Runtime's own loader would get them
        for (String library : List.of(CORE, JNI)) {
            try (var in = Class.forName("ai.onnxruntime.OrtEnvironment", false,
                    OrtNativeDirTest.class.getClassLoader()).getResourceAsStream("/ai/onnxruntime/native/linux-"
                    + (System.getProperty("os.arch").contains("aarch64") ? "aarch64" : "x64") + "/" + library)) {
                assumeTrue(in != null, "the onnxruntime jar has no natives for this platform");
                Files.createDirectories(extracted);
                Files.copy(in, extracted.resolve(library));
            }
        }
        full = Files.createDirectories(dir.resolve("local-ort-full"));
        Files.copy(extracted.resolve(CORE), full.resolve(CORE));
        Files.copy(extracted.resolve(JNI), full.resolve(JNI));
        coreOnly = Files.createDirectories(dir.resolve("local-ort-core"));
        Files.copy(extracted.resolve(CORE), coreOnly.resolve(CORE));
    }

    /** Exit code, stdout and stderr of the agent CLI in a child JVM. */
    private record Outcome(int code, String output, String errors) {
    }

    private static Outcome agent(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), AgentMain.class.getName()));
        command.addAll(List.of(args));
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(command).redirectError(err.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Outcome(p.waitFor(), out, Files.readString(err));
    }

    private static List<String> libraries(Outcome info) throws Exception {
        assertThat(info.code()).as(info.errors()).isZero();
        JsonNode json = new ObjectMapper().readTree(info.output());
        List<String> out = new ArrayList<>();
        json.get("engineLibraries").forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void withoutTheFlagTheJarsLibrariesAreExtractedIntoTheWorkDir() throws Exception {
        Path work = dir.resolve("work-default");
        List<String> loaded = libraries(agent("info", "--json", "--work-dir", work.toString()));
        assertThat(loaded).isNotEmpty().allSatisfy(f -> assertThat(f).startsWith(work.resolve("native").toString()));
    }

    @Test
    void aFolderWithTheJavaBindingIsLoadedWhole() throws Exception {
        List<String> loaded = libraries(agent("info", "--json", "--work-dir", dir.resolve("work-full").toString(),
                "--ort-native-dir", full.toString()));
        assertThat(loaded).containsExactlyInAnyOrder(full.resolve(CORE).toString(), full.resolve(JNI).toString());
    }

    @Test
    void aFolderWithTheCoreLibraryOnlyIsPairedWithTheJarsBinding() throws Exception {
        Path work = dir.resolve("work-core");
        List<String> loaded = libraries(agent("info", "--json", "--work-dir", work.toString(), "--ort-native-dir",
                coreOnly.toString()));
        assertThat(loaded).contains(coreOnly.resolve(CORE).toString()).hasSize(2);
        assertThat(loaded).filteredOn(f -> f.endsWith(JNI)).singleElement()
                .satisfies(f -> assertThat(f).startsWith(work.resolve("native").toString()));
        assertThat(loaded).noneMatch(f -> f.endsWith(CORE) && f.startsWith(work.toString()));
    }

    @Test
    void aForkedWorkerMeasuresWithTheLocalBuild() throws Exception {
        Outcome bench = agent("bench", "--work-dir", dir.resolve("work-bench").toString(), "--ort-native-dir",
                coreOnly.toString(), "mnist-cnn", "--batch", "1", "--threads", "1", "--warmup", "1",
                "--min-iterations", "3", "--min-duration-ms", "1", "--max-duration-ms", "2000", "--json");
        assertThat(bench.code()).as(bench.errors()).isZero();
        JsonNode row = new ObjectMapper().readTree(bench.output()).get(0);
        assertThat(row.get("p50Ms").asDouble()).isPositive();
    }

    @Test
    void aMissingFolderOrOneWithoutTheCoreLibraryIsAOneLineUsageError() throws Exception {
        Path missing = dir.resolve("no-such-dir");
        Outcome none = agent("info", "--work-dir", dir.resolve("w1").toString(), "--ort-native-dir",
                missing.toString());
        assertThat(none.code()).isEqualTo(2);
        assertThat(none.errors().strip()).isEqualTo("edgeperf-agent: --ort-native-dir " + missing + " is not a"
                + " directory; expected the lib folder of an ONNX Runtime build holding " + CORE);
        Path empty = Files.createDirectories(dir.resolve("empty-lib"));
        Outcome noLib = agent("run", "--coordinator", "127.0.0.1:1", "--token-file",
                Files.writeString(dir.resolve("token"), "t\n").toString(), "--work-dir", dir.resolve("w2").toString(),
                "--ort-native-dir", empty.toString());
        assertThat(noLib.code()).isEqualTo(2);
        assertThat(noLib.errors().strip()).isEqualTo("edgeperf-agent: --ort-native-dir " + empty + " holds no"
                + " readable " + CORE + "; expected the lib folder of an ONNX Runtime build");
    }
}

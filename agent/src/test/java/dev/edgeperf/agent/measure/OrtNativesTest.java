package dev.edgeperf.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrtNativesTest {
    @Test
    void loadedLibrariesComeFromTheKernelsMapsOnceEach(@TempDir Path dir) throws Exception {
        Path maps = Files.writeString(dir.resolve("maps"), String.join("\n",
                "7f00-7f10 r--p 00000000 08:01 123 /opt/ort/lib/libonnxruntime.so",
                "7f10-7f20 r-xp 00010000 08:01 123 /opt/ort/lib/libonnxruntime.so",
                "7f30-7f40 r-xp 00000000 08:01 124 /var/lib/agent/native/libonnxruntime4j_jni.so",
                "7f50-7f60 r-xp 00000000 08:01 125 /usr/lib/x86_64-linux-gnu/libc.so.6",
                "7f70-7f80 rw-p 00000000 00:00 0 [heap]", ""));

        assertThat(OrtNatives.loaded(maps)).containsExactly(Path.of("/opt/ort/lib/libonnxruntime.so"),
                Path.of("/var/lib/agent/native/libonnxruntime4j_jni.so"));
        assertThat(OrtNatives.loaded(dir.resolve("absent"))).isEmpty();
    }

    /** An onnxruntime_gpu jar's layout: its CUDA and TensorRT providers must sit beside the core library. */
    @Test
    void aGpuBuildsProviderLibrariesAreExtractedBesideTheCoreIntoAGpuFolder(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("jar/ai/onnxruntime/native/linux-x64");
        Files.createDirectories(jar);
        for (String lib : List.of("onnxruntime", "onnxruntime4j_jni", "onnxruntime_providers_shared",
                "onnxruntime_providers_cuda", "onnxruntime_providers_tensorrt")) {
            Files.writeString(jar.resolve(System.mapLibraryName(lib)), "fake " + lib);
        }
        java.util.function.Function<String, java.net.URL> resources = name -> {
            Path file = dir.resolve("jar" + name);
            try {
                return Files.exists(file) ? file.toUri().toURL() : null;
            } catch (java.net.MalformedURLException e) {
                throw new IllegalStateException(e);
            }
        };

        Path natives = OrtNatives.extract(dir.resolve("work"), "linux-x64", "1.28.0", resources).orElseThrow();

        assertThat(natives).isEqualTo(dir.resolve("work/native/onnxruntime-1.28.0-gpu-linux-x64").toAbsolutePath());
        try (var files = Files.list(natives)) {
            assertThat(files.map(f -> f.getFileName().toString())).containsExactlyInAnyOrder("libonnxruntime.so",
                    "libonnxruntime4j_jni.so", "libonnxruntime_providers_shared.so", "libonnxruntime_providers_cuda.so",
                    "libonnxruntime_providers_tensorrt.so");
        }
        assertThat(Files.readString(natives.resolve("libonnxruntime_providers_cuda.so")))
                .isEqualTo("fake onnxruntime_providers_cuda");
        // a jar without this platform's core library yields nothing (ONNX Runtime falls back on its own)
        assertThat(OrtNatives.extract(dir.resolve("work"), "linux-aarch64", "1.28.0", resources)).isEmpty();
    }

    @Test
    void workersInheritALocalCoreLibrary() {
        String before = System.getProperty(OrtNatives.CORE_PROPERTY);
        try {
            System.setProperty(OrtNatives.CORE_PROPERTY, "/opt/ort/lib/libonnxruntime.so");
            assertThat(ForkedRunner.inheritedOptions())
                    .contains("-D" + OrtNatives.CORE_PROPERTY + "=/opt/ort/lib/libonnxruntime.so");
        } finally {
            if (before == null) {
                System.clearProperty(OrtNatives.CORE_PROPERTY);
            } else {
                System.setProperty(OrtNatives.CORE_PROPERTY, before);
            }
        }
    }
}

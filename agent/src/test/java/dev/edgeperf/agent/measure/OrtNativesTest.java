package dev.edgeperf.agent.measure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
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

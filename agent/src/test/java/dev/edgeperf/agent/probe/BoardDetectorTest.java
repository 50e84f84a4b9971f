package dev.edgeperf.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BoardDetectorTest {
    @Test
    void raspberryPi4(@TempDir Path root) throws Exception {
        assertThat(new BoardDetector(FakeTrees.pi4(root)).detect("aarch64")).isEqualTo("raspberry-pi-4");
    }

    @Test
    void raspberryPi5(@TempDir Path root) throws Exception {
        assertThat(new BoardDetector(FakeTrees.pi5(root)).detect("aarch64")).isEqualTo("raspberry-pi-5");
    }

    @Test
    void jetsonOrinNanoFromDeviceTree(@TempDir Path root) throws Exception {
        assertThat(new BoardDetector(FakeTrees.orinNano(root)).detect("aarch64")).isEqualTo("jetson-orin-nano");
    }

    @Test
    void jetsonFromTegraReleaseAlone(@TempDir Path root) throws Exception {
        FakeTrees.write(root, "etc/nv_tegra_release", "# R32 (release), REVISION: 7.1\n");
        assertThat(new BoardDetector(root).detect("aarch64")).isEqualTo("jetson");
    }

    @Test
    void agxOrinName() {
        assertThat(BoardDetector.fromModel("NVIDIA Jetson AGX Orin Developer Kit")).contains("jetson-agx-orin");
    }

    @Test
    void genericFallbackNamesTheArch(@TempDir Path root) throws Exception {
        assertThat(new BoardDetector(FakeTrees.xeon(root)).detect("x86_64")).isEqualTo("generic-x86_64");
        FakeTrees.write(root, "proc/device-tree/model", "Some Vendor Board\0");
        assertThat(new BoardDetector(root).detect("aarch64")).isEqualTo("generic-aarch64");
    }
}

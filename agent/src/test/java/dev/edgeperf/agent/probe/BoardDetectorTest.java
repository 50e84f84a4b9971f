package dev.edgeperf.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
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

    @Test
    void raspberryPi3(@TempDir Path root) throws Exception {
        assertThat(new BoardDetector(FakeTrees.pi3(root)).detect("aarch64")).isEqualTo("raspberry-pi-3");
    }

    @Test
    void jetsonNano(@TempDir Path root) throws Exception {
        assertThat(new BoardDetector(FakeTrees.jetsonNano(root)).detect("aarch64")).isEqualTo("jetson-nano");
    }

    /** AGX Xavier's model string is only "Jetson-AGX": the compatible list names the module. */
    @Test
    void jetsonAgxXavierFromCompatible(@TempDir Path root) throws Exception {
        assertThat(new BoardDetector(FakeTrees.agxXavier(root)).detect("aarch64")).isEqualTo("jetson-agx-xavier");
    }

    @Test
    void jetsonAgxOrin(@TempDir Path root) throws Exception {
        assertThat(new BoardDetector(FakeTrees.agxOrin(root)).detect("aarch64")).isEqualTo("jetson-agx-orin");
    }

    /** Orin NX and Orin Nano share the p3767 module family and carrier; the SKU tells them apart. */
    @Test
    void jetsonOrinNxVersusNanoBySku(@TempDir Path root) throws Exception {
        assertThat(new BoardDetector(FakeTrees.orinNx(root)).detect("aarch64")).isEqualTo("jetson-orin-nx");
        assertThat(BoardDetector.fromCompatible(List.of("nvidia,p3768-0000+p3767-0001", "nvidia,tegra234")))
                .contains("jetson-orin-nx");
        assertThat(BoardDetector.fromCompatible(List.of("nvidia,p3768-0000+p3767-0004", "nvidia,tegra234")))
                .contains("jetson-orin-nano");
    }

    @Test
    void compatibleWinsOverAModelStringAJetPackReworded(@TempDir Path root) throws Exception {
        FakeTrees.orinNano(root);
        FakeTrees.write(root, "proc/device-tree/model", "NVIDIA Jetson Orin Nano Engineering Reference Developer Kit Super\0");
        assertThat(new BoardDetector(root).detect("aarch64")).isEqualTo("jetson-orin-nano");
        assertThat(BoardDetector.fromModel("NVIDIA Jetson Orin Nano Engineering Reference Developer Kit Super"))
                .contains("jetson-orin-nano");
        assertThat(BoardDetector.fromModel("NVIDIA Orin NX Developer Kit")).contains("jetson-orin-nx");
    }

    @Test
    void unknownJetsonModuleNamesTheSocGeneration() {
        assertThat(BoardDetector.fromCompatible(List.of("nvidia,p9999-0000", "nvidia,tegra234"))).contains("jetson-orin");
        assertThat(BoardDetector.fromCompatible(List.of("vendor,board", "nvidia,tegra194"))).contains("jetson-xavier");
    }

    @Test
    void modelStringAloneStillNamesPis(@TempDir Path root) throws Exception {
        FakeTrees.write(root, "proc/device-tree/model", "Raspberry Pi 5 Model B Rev 1.0\0");
        assertThat(new BoardDetector(root).detect("aarch64")).isEqualTo("raspberry-pi-5");
        assertThat(BoardDetector.fromModel("Raspberry Pi Compute Module 4 Rev 1.0")).contains("raspberry-pi-cm4");
        assertThat(BoardDetector.fromCompatible(List.of("raspberrypi,4-compute-module", "brcm,bcm2711")))
                .contains("raspberry-pi-cm4");
        assertThat(BoardDetector.fromCompatible(List.of("raspberrypi,3-model-b-plus", "brcm,bcm2837")))
                .contains("raspberry-pi-3");
    }

    @Test
    void compatibleListIsSplitAtNuls(@TempDir Path root) throws Exception {
        assertThat(new BoardDetector(FakeTrees.agxOrin(root)).deviceTreeCompatible())
                .containsExactly("nvidia,p3737-0000+p3701-0005", "nvidia,p3701-0005", "nvidia,tegra234");
        assertThat(new BoardDetector(root.resolve("nothing")).deviceTreeCompatible()).isEmpty();
    }
}

package dev.edgeperf.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuInfoParserTest {
    @Test
    void raspberryPi4IsFourCortexA72WithNeonOnly(@TempDir Path root) throws Exception {
        CpuInfo cpu = new CpuInfoParser(FakeTrees.pi4(root)).parse();
        assertThat(cpu.logicalProcessors()).isEqualTo(4);
        assertThat(cpu.armCore()).contains("Cortex-A72");
        assertThat(cpu.modelName()).isEqualTo("ARM Cortex-A72");
        assertThat(cpu.isaFeatures()).containsExactly("neon");
        assertThat(cpu.boardModel()).contains("Raspberry Pi 4 Model B Rev 1.4");
    }

    @Test
    void raspberryPi5HasDotProductAndHalfPrecision(@TempDir Path root) throws Exception {
        CpuInfo cpu = new CpuInfoParser(FakeTrees.pi5(root)).parse();
        assertThat(cpu.armCore()).contains("Cortex-A76");
        assertThat(cpu.isaFeatures()).containsExactly("neon", "asimddp", "fp16");
    }

    @Test
    void jetsonOrinIsSixCortexA78AE(@TempDir Path root) throws Exception {
        CpuInfo cpu = new CpuInfoParser(FakeTrees.orinNano(root)).parse();
        assertThat(cpu.logicalProcessors()).isEqualTo(6);
        assertThat(cpu.armCore()).contains("Cortex-A78AE");
        assertThat(cpu.boardModel()).isEmpty();
    }

    @Test
    void xeonFlagsNormalizeInCanonicalOrder(@TempDir Path root) throws Exception {
        CpuInfo cpu = new CpuInfoParser(FakeTrees.xeon(root)).parse();
        assertThat(cpu.modelName()).isEqualTo("Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz");
        assertThat(cpu.logicalProcessors()).isEqualTo(2);
        assertThat(cpu.isaFeatures()).containsExactly("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni");
        assertThat(cpu.armCore()).isEmpty();
    }

    @Test
    void missingFileIsUnknownNotAnError(@TempDir Path root) {
        assertThat(new CpuInfoParser(root).parse()).isEqualTo(CpuInfo.unknown());
    }

    @Test
    void armv7NeonFlagMapsToNeon() {
        CpuInfo cpu = CpuInfoParser.parse("processor : 0\nFeatures : half thumb fastmult vfp edsp neon vfpv3 tls vfpv4\n"
                + "CPU implementer : 0x41\nCPU part : 0xc07\n");
        assertThat(cpu.isaFeatures()).containsExactly("neon");
        assertThat(cpu.armCore()).contains("Cortex-A7");
    }
}

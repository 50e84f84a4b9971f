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

    @Test
    void raspberryPi3IsFourCortexA53(@TempDir Path root) throws Exception {
        CpuInfo cpu = new CpuInfoParser(FakeTrees.pi3(root)).parse();
        assertThat(cpu.logicalProcessors()).isEqualTo(4);
        assertThat(cpu.armCore()).contains("Cortex-A53");
        assertThat(cpu.isaFeatures()).containsExactly("neon");
    }

    @Test
    void jetsonNanoKeepsL4tModelNameAndFindsCortexA57(@TempDir Path root) throws Exception {
        CpuInfo cpu = new CpuInfoParser(FakeTrees.jetsonNano(root)).parse();
        assertThat(cpu.modelName()).isEqualTo("ARMv8 Processor rev 1 (v8l)");
        assertThat(cpu.armCore()).contains("Cortex-A57");
        assertThat(cpu.isaFeatures()).containsExactly("neon");
    }

    /** Carmel is NVIDIA's own core (implementer 0x4e): part 0x004 there is not an Arm part. */
    @Test
    void jetsonXavierIsEightCarmelByNvidiaImplementer(@TempDir Path root) throws Exception {
        CpuInfo cpu = new CpuInfoParser(FakeTrees.agxXavier(root)).parse();
        assertThat(cpu.logicalProcessors()).isEqualTo(8);
        assertThat(cpu.armCore()).contains("Carmel");
        assertThat(cpu.isaFeatures()).containsExactly("neon", "fp16");
        assertThat(CpuInfoParser.parse("CPU implementer : 0x41\nCPU part : 0x004\n").armCore()).isEmpty();
    }

    @Test
    void jetsonAgxOrinIsTwelveCortexA78AE(@TempDir Path root) throws Exception {
        CpuInfo cpu = new CpuInfoParser(FakeTrees.agxOrin(root)).parse();
        assertThat(cpu.logicalProcessors()).isEqualTo(12);
        assertThat(cpu.armCore()).contains("Cortex-A78AE");
        assertThat(cpu.isaFeatures()).containsExactly("neon", "asimddp", "fp16");
    }

    @Test
    void graviton2IsNeoverseN1() {
        CpuInfo cpu = CpuInfoParser.parse(FakeTrees.graviton2CpuInfo());
        assertThat(cpu.armCore()).contains("Neoverse-N1");
        assertThat(cpu.isaFeatures()).containsExactly("neon", "asimddp", "fp16");
    }

    /** svei8mm/svebf16 are not i8mm/bf16 by themselves: only whole feature words count. */
    @Test
    void graviton3HasSveInt8MatrixAndBf16() {
        CpuInfo cpu = CpuInfoParser.parse(FakeTrees.graviton3CpuInfo());
        assertThat(cpu.armCore()).contains("Neoverse-V1");
        assertThat(cpu.isaFeatures()).containsExactly("neon", "asimddp", "fp16", "sve", "i8mm", "bf16");
        assertThat(CpuInfoParser.parse("Features : fp asimd sve svei8mm svebf16\n").isaFeatures())
                .containsExactly("neon", "sve");
    }

    @Test
    void sapphireRapidsHasVnniAndAmx() {
        CpuInfo cpu = CpuInfoParser.parse(FakeTrees.sapphireRapidsCpuInfo());
        assertThat(cpu.isaFeatures()).containsExactly("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni",
                "avx_vnni", "amx");
        assertThat(cpu.modelName()).isEqualTo("Intel(R) Xeon(R) Platinum 8488C");
    }

    @Test
    void alderLakeHasAvxVnniWithoutAvx512() {
        CpuInfo cpu = CpuInfoParser.parse(FakeTrees.alderLakeCpuInfo());
        assertThat(cpu.logicalProcessors()).isEqualTo(8);
        assertThat(cpu.isaFeatures()).containsExactly("sse4_2", "avx", "avx2", "fma", "avx_vnni");
    }
}

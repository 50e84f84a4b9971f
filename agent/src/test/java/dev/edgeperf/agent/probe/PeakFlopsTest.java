package dev.edgeperf.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeakFlopsTest {
    @Test
    void avx512XeonTwoCoresAtThreeGhz(@TempDir Path root) throws Exception {
        CpuInfo cpu = new CpuInfoParser(FakeTrees.xeon(root)).parse();
        PeakFlops.Estimate e = PeakFlops.estimate("x86_64", cpu, 2, 3_000_000_000L, 0);
        assertThat(e.flopsPerCycle()).isEqualTo(64);
        assertThat(e.gflops()).isCloseTo(384.0, within(1e-9));
        assertThat(e.basis()).isEqualTo("2 cores x 3.00 GHz x 64 FLOP/cycle (avx512f+fma; int8/bf16 not in the peak: avx512_vnni)");
    }

    @Test
    void raspberryPi4IsEightFlopsPerCycle(@TempDir Path root) throws Exception {
        CpuInfo cpu = new CpuInfoParser(FakeTrees.pi4(root)).parse();
        PeakFlops.Estimate e = PeakFlops.estimate("aarch64", cpu, 4, 1_800_000_000L, 0);
        assertThat(e.gflops()).isCloseTo(57.6, within(1e-9));
        assertThat(e.basis()).contains("Cortex-A72");
    }

    @Test
    void raspberryPi5AndOrinAreSixteenFlopsPerCycle(@TempDir Path pi5, @TempDir Path orin) throws Exception {
        assertThat(PeakFlops.estimate("aarch64", new CpuInfoParser(FakeTrees.pi5(pi5)).parse(), 4, 2_400_000_000L, 0)
                .gflops()).isCloseTo(153.6, within(1e-9));
        assertThat(PeakFlops.estimate("aarch64", new CpuInfoParser(FakeTrees.orinNano(orin)).parse(), 6,
                1_510_400_000L, 0).flopsPerCycle()).isEqualTo(16);
    }

    @Test
    void unknownMaxFrequencyUsesCurrentAndSaysSo() {
        CpuInfo avx2 = CpuInfoParser.parse("processor : 0\nflags : sse4_2 avx avx2 fma\n");
        PeakFlops.Estimate e = PeakFlops.estimate("x86_64", avx2, 4, 0, 2_000_000_000L);
        assertThat(e.gflops()).isCloseTo(256.0, within(1e-9));
        assertThat(e.basis()).contains("current frequency used");
    }

    @Test
    void noFrequencyAtAllGivesZeroWithReason() {
        PeakFlops.Estimate e = PeakFlops.estimate("aarch64", CpuInfo.unknown(), 4, 0, 0);
        assertThat(e.gflops()).isZero();
        assertThat(e.basis()).contains("frequency unknown");
    }

    @Test
    void avxWithoutFmaAndPlainSse() {
        assertThat(PeakFlops.row("x86_64", CpuInfoParser.parse("flags : sse4_2 avx\n")).flopsPerCycle()).isEqualTo(16);
        assertThat(PeakFlops.row("x86_64", CpuInfoParser.parse("flags : sse sse2\n")).flopsPerCycle()).isEqualTo(8);
    }

    private static PeakFlops.Estimate arm(String cpuinfo, int cores, long maxHz) {
        return PeakFlops.estimate("aarch64", CpuInfoParser.parse(cpuinfo), cores, maxHz, 0);
    }

    /** One figure per core type, each from the {@link CoreTypes} row that names its source. */
    @Test
    void peakPerArmCoreType() {
        assertThat(arm(FakeTrees.pi3CpuInfo(), 4, 1_200_000_000L).gflops()).isCloseTo(38.4, within(1e-9));
        assertThat(arm(FakeTrees.jetsonNanoCpuInfo(), 4, 1_479_000_000L).gflops()).isCloseTo(47.328, within(1e-9));
        assertThat(arm(FakeTrees.xavierCpuInfo(), 8, 2_265_600_000L).gflops()).isCloseTo(289.9968, within(1e-9));
        assertThat(arm(FakeTrees.orinCpuInfo(12), 12, 2_201_600_000L).gflops()).isCloseTo(422.7072, within(1e-9));
        assertThat(arm(FakeTrees.orinCpuInfo(8), 8, 1_984_000_000L).gflops()).isCloseTo(253.952, within(1e-9));
        assertThat(arm(FakeTrees.graviton2CpuInfo(), 4, 2_500_000_000L).gflops()).isCloseTo(160.0, within(1e-9));
        assertThat(arm(FakeTrees.graviton3CpuInfo(), 4, 2_600_000_000L).flopsPerCycle()).isEqualTo(32);
        assertThat(arm(FakeTrees.xavierCpuInfo(), 8, 2_265_600_000L).basis()).contains("Carmel");
    }

    @Test
    void everyCoreTypeWithAFigureNamesItsSource() {
        for (String name : new String[] {"Cortex-A53", "Cortex-A72", "Cortex-A76", "Cortex-A78AE", "Carmel",
                "Neoverse-N1"}) {
            CoreTypes.CoreType t = CoreTypes.byName(name).orElseThrow();
            assertThat(t.flopsPerCycle()).as(name).isPositive();
            assertThat(t.source()).as(name).isNotBlank();
        }
        assertThat(CoreTypes.lookup("0x4E", "0x004")).map(CoreTypes.CoreType::name).contains("Carmel");
    }

    @Test
    void armCoreWithoutAFigureGetsTheGenericRowAndSaysSo() {
        PeakFlops.Estimate e = arm("CPU implementer : 0x41\nCPU part : 0xd09\n", 4, 2_000_000_000L);
        assertThat(e.flopsPerCycle()).isEqualTo(8);
        assertThat(e.basis()).contains("Cortex-A73, no published figure");
    }

    @Test
    void alderLakeIsAvx2WithVnniNoted() {
        PeakFlops.Estimate e = PeakFlops.estimate("x86_64", CpuInfoParser.parse(FakeTrees.alderLakeCpuInfo()), 8,
                5_000_000_000L, 0);
        assertThat(e.gflops()).isCloseTo(1280.0, within(1e-9));
        assertThat(e.basis()).isEqualTo("8 cores x 5.00 GHz x 32 FLOP/cycle (avx2+fma; int8/bf16 not in the peak: avx_vnni)");
    }
}

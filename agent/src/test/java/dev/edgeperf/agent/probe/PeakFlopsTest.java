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
        assertThat(e.basis()).isEqualTo("2 cores x 3.00 GHz x 64 FLOP/cycle (avx512f+fma)");
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
}

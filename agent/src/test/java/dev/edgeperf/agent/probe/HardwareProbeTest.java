package dev.edgeperf.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HardwareProbeTest {
    private static SystemFacts piFacts(long maxHz) {
        return new SystemFacts("", 4, 4, maxHz, 8L << 30, "Debian GNU/Linux 12 (bookworm)", "pi5-lab", "aarch64",
                "OpenJDK 64-Bit Server VM 17.0.15");
    }

    @Test
    void raspberryPi5FromFakeTree(@TempDir Path root) throws Exception {
        HardwareInfo hw = new HardwareProbe(FakeTrees.pi5(root)).assemble(piFacts(0));
        assertThat(hw.board()).isEqualTo("raspberry-pi-5");
        assertThat(hw.arch()).isEqualTo("aarch64");
        assertThat(hw.cpuModel()).isEqualTo("ARM Cortex-A76");
        assertThat(hw.maxFreqHz()).as("from cpuinfo_max_freq when OSHI does not know").isEqualTo(2_400_000_000L);
        assertThat(hw.peakGflopsFp32()).isCloseTo(153.6, within(1e-9));
        assertThat(hw.isaFeatures()).containsExactly("neon", "asimddp", "fp16");
        assertThat(hw.fingerprint()).hasSize(16).matches("[0-9a-f]{16}");
    }

    @Test
    void fingerprintIsStableAndChangesWithTheBoard(@TempDir Path a, @TempDir Path b) throws Exception {
        HardwareInfo first = new HardwareProbe(FakeTrees.pi5(a)).assemble(piFacts(2_400_000_000L));
        HardwareInfo again = new HardwareProbe(a).assemble(piFacts(2_400_000_000L));
        FakeTrees.pi5(b);
        FakeTrees.deviceTree(b, "Raspberry Pi 4 Model B Rev 1.4", "raspberrypi,4-model-b", "brcm,bcm2711");
        HardwareInfo otherBoard = new HardwareProbe(b).assemble(piFacts(2_400_000_000L));
        assertThat(again.fingerprint()).isEqualTo(first.fingerprint());
        assertThat(otherBoard.fingerprint()).isNotEqualTo(first.fingerprint());
    }

    /** ISA flags belong to one family: an x86 flag list never gives an ARM board avx, nor a PC neon. */
    @Test
    void isaFeaturesAreFilteredByArchitecture(@TempDir Path x86, @TempDir Path arm) throws Exception {
        FakeTrees.write(x86, "proc/cpuinfo", FakeTrees.xeonAvx512CpuInfo().replace("flags\t\t: ",
                "flags\t\t: asimd asimddp asimdhp neon "));
        HardwareInfo pc = new HardwareProbe(x86).assemble(new SystemFacts("Xeon", 2, 2, 0, 8L << 30, "Linux", "pc",
                "amd64", "jvm"));
        assertThat(pc.isaFeatures()).contains("avx512f", "avx2", "fma").doesNotContain("neon", "asimddp", "fp16");

        FakeTrees.pi5(arm);
        FakeTrees.write(arm, "proc/cpuinfo", FakeTrees.pi5CpuInfo().replace("Features\t: ",
                "Features\t: avx avx2 fma avx512f sse4_2 "));
        HardwareInfo pi = new HardwareProbe(arm).assemble(piFacts(0));
        assertThat(pi.isaFeatures()).containsExactly("neon", "asimddp", "fp16");
        assertThat(pi.peakBasis()).doesNotContain("avx", "fma");
    }

    /** A Jetson as the agent sees it: board, core, L4T's "model name", peak from the A57 row. */
    @Test
    void jetsonNanoFromFakeTree(@TempDir Path root) throws Exception {
        HardwareInfo hw = new HardwareProbe(FakeTrees.jetsonNano(root)).assemble(new SystemFacts("", 4, 4, 0, 4L << 30,
                "Ubuntu 18.04.6 LTS", "nano", "aarch64", "OpenJDK 64-Bit Server VM 17.0.9"));
        assertThat(hw.board()).isEqualTo("jetson-nano");
        assertThat(hw.cpuModel()).isEqualTo("ARMv8 Processor rev 1 (v8l) (Cortex-A57)");
        assertThat(hw.isaFeatures()).containsExactly("neon");
        assertThat(hw.peakGflopsFp32()).isCloseTo(4 * 1.479 * 8, within(1e-9));
        assertThat(hw.peakBasis()).isEqualTo("4 cores x 1.48 GHz x 8 FLOP/cycle (armv8 asimd, Cortex-A57)");
    }

    @Test
    void sapphireRapidsKeepsAmxOutOfTheFp32Peak(@TempDir Path root) throws Exception {
        FakeTrees.write(root, "proc/cpuinfo", FakeTrees.sapphireRapidsCpuInfo());
        HardwareInfo hw = new HardwareProbe(root).assemble(new SystemFacts("Intel(R) Xeon(R) Platinum 8488C", 4, 4,
                2_400_000_000L, 16L << 30, "Linux", "m7i", "amd64", "jvm"));
        assertThat(hw.isaFeatures()).containsExactly("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni",
                "avx_vnni", "amx");
        assertThat(hw.peakGflopsFp32()).isCloseTo(4 * 2.4 * 64, within(1e-9));
        assertThat(hw.peakBasis()).endsWith("(avx512f+fma; int8/bf16 not in the peak: avx512_vnni avx_vnni amx)");
        assertThat(hw.board()).isEqualTo("generic-x86_64");
    }

    @Test
    void archNames() {
        assertThat(HardwareProbe.normalizeArch("amd64")).isEqualTo("x86_64");
        assertThat(HardwareProbe.normalizeArch("arm64")).isEqualTo("aarch64");
        assertThat(HardwareProbe.normalizeArch("arm")).isEqualTo("armv7l");
    }

    @Test
    void thisMachineProbesWithoutThrowing() {
        HardwareInfo hw = HardwareProbe.detectThisMachine();
        assertThat(hw.logicalCores()).isPositive();
        assertThat(hw.physicalCores()).isPositive();
        assertThat(hw.memoryBytes()).isPositive();
        assertThat(hw.arch()).isIn("x86_64", "aarch64", "armv7l");
    }
}

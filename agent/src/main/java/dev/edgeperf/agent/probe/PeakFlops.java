package dev.edgeperf.agent.probe;

import java.util.Locale;
import java.util.Objects;

/**
 * Theoretical FP32 peak: physical cores x GHz x FLOPs per cycle per core of the widest vector ISA.
 *
 * <p>FLOPs/cycle/core (an FMA counts as 2 FLOPs):
 * <table>
 *   <caption>FP32 FLOPs per cycle per core</caption>
 *   <tr><th>ISA / core</th><th>FLOP/cycle</th><th>why</th></tr>
 *   <tr><td>x86 avx512f + fma</td><td>64</td><td>2 FMA units x 16 fp32 lanes x 2</td></tr>
 *   <tr><td>x86 avx2 + fma</td><td>32</td><td>2 FMA units x 8 lanes x 2</td></tr>
 *   <tr><td>x86 avx</td><td>16</td><td>1 add + 1 mul unit x 8 lanes</td></tr>
 *   <tr><td>x86 sse</td><td>8</td><td>1 add + 1 mul unit x 4 lanes</td></tr>
 *   <tr><td>armv8 Cortex-A76/A77/A78/X1/Neoverse (Pi 5, Orin)</td><td>16</td><td>2 x 128-bit FMA pipes x 4 lanes x 2</td></tr>
 *   <tr><td>armv8 Cortex-A72/A73 (Pi 4)</td><td>8</td><td>the 2 NEON pipes sustain 1 fp32 FMA/cycle: 4 lanes x 2</td></tr>
 *   <tr><td>Cortex-A53/A55</td><td>8</td><td>1 x 128-bit FMA per cycle: 4 lanes x 2</td></tr>
 *   <tr><td>unknown ARM core</td><td>8</td><td>conservative: one 128-bit FMA per cycle</td></tr>
 * </table>
 * These are upper bounds no real kernel reaches; the point is a stable, documented denominator for
 * the naive FLOPs predictor.
 */
public final class PeakFlops {
    private PeakFlops() {
    }

    /**
     * @param gflops         peak GFLOPS, 0 when the frequency is unknown
     * @param flopsPerCycle  FP32 FLOPs per cycle per core from the table above
     * @param basis          how it was derived, e.g. "2 cores x 3.00 GHz x 64 FLOP/cycle (avx512f+fma)"
     */
    public record Estimate(double gflops, int flopsPerCycle, String basis) {
        public Estimate {
            Objects.requireNonNull(basis, "basis is null");
        }
    }

    /**
     * FLOPs per cycle per core and the name of the ISA row that gave it.
     */
    static Row row(String arch, CpuInfo cpu) {
        if (arch.equals("x86_64")) {
            if (cpu.has("avx512f") && cpu.has("fma")) {
                return new Row(64, "avx512f+fma");
            }
            if (cpu.has("avx2") && cpu.has("fma")) {
                return new Row(32, "avx2+fma");
            }
            if (cpu.has("avx")) {
                return new Row(16, "avx");
            }
            return new Row(8, "sse");
        }
        String core = cpu.armCore().orElse("");
        String c = core.toLowerCase(Locale.ROOT);
        if (c.matches("cortex-a7[6-8].*|cortex-x\\d.*|neoverse-.*|cortex-a710")) {
            return new Row(16, "armv8 asimd, " + core);
        }
        if (c.startsWith("cortex-a72") || c.startsWith("cortex-a73") || c.startsWith("cortex-a57")) {
            return new Row(8, "armv8 asimd, " + core);
        }
        if (!core.isEmpty()) {
            return new Row(8, (arch.equals("armv7l") ? "armv7 neon, " : "armv8 asimd, ") + core);
        }
        return new Row(8, arch.equals("armv7l") ? "armv7 neon, unknown core" : "armv8 asimd, unknown core");
    }

    record Row(int flopsPerCycle, String isa) {
    }

    /**
     * Estimates the peak.
     *
     * @param physicalCores physical cores (at least 1 is assumed)
     * @param maxFreqHz     maximum frequency, 0 when unknown
     * @param currentFreqHz current frequency, used (and said so) when the maximum is unknown; 0 when unknown too
     */
    public static Estimate estimate(String arch, CpuInfo cpu, int physicalCores, long maxFreqHz, long currentFreqHz) {
        Row row = row(arch, cpu);
        int cores = Math.max(1, physicalCores);
        long hz = maxFreqHz > 0 ? maxFreqHz : currentFreqHz;
        String freqNote = maxFreqHz > 0 ? "" : " [max frequency unknown: current frequency used]";
        if (hz <= 0) {
            return new Estimate(0, row.flopsPerCycle(), cores + " cores x unknown GHz x " + row.flopsPerCycle()
                    + " FLOP/cycle (" + row.isa() + "): frequency unknown, no peak");
        }
        double ghz = hz / 1e9;
        double gflops = cores * ghz * row.flopsPerCycle();
        String basis = String.format(Locale.ROOT, "%d cores x %.2f GHz x %d FLOP/cycle (%s)%s",
                cores, ghz, row.flopsPerCycle(), row.isa(), freqNote);
        return new Estimate(gflops, row.flopsPerCycle(), basis);
    }
}

package dev.edgeperf.agent.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Theoretical FP32 peak: physical cores x max GHz x FLOPs per cycle per core (an FMA counts as 2 FLOPs).
 *
 * <p>ARM: per core type, from {@link CoreTypes} (each row names its source); an ARM core without a
 * figure gets 8, one 128-bit FMA per cycle. x86, by the widest vector ISA the flags show:
 * <table>
 *   <caption>x86 FP32 FLOPs per cycle per core</caption>
 *   <tr><th>ISA</th><th>FLOP/cycle</th><th>why</th></tr>
 *   <tr><td>avx512f + fma</td><td>64</td><td>2 x 512-bit FMA ports (Skylake-SP Gold/Platinum, Ice Lake-SP,
 *       Sapphire Rapids; Intel 64 and IA-32 Architectures Optimization Reference Manual) x 16 lanes x 2.
 *       Parts with one 512-bit unit, and AMD Zen 4's double-pumped 256-bit units, reach half</td></tr>
 *   <tr><td>avx2 + fma</td><td>32</td><td>2 x 256-bit FMA ports (Haswell and later, Zen 2 and later) x 8 lanes x 2</td></tr>
 *   <tr><td>avx</td><td>16</td><td>1 x 256-bit add + 1 x 256-bit multiply port (Sandy/Ivy Bridge) x 8 lanes</td></tr>
 *   <tr><td>sse</td><td>8</td><td>1 x 128-bit add + 1 x 128-bit multiply port x 4 lanes</td></tr>
 * </table>
 * AMX and the VNNI extensions compute bf16/int8, not FP32, so they do not change this peak; the
 * basis names them so a reader of an int8 result knows the FP32 figure understates the machine.
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

    /** FLOPs per cycle per core for an ARM core the table has no figure for: one 128-bit FMA per cycle. */
    static final int GENERIC_ARM_FLOPS_PER_CYCLE = 8;

    /**
     * FLOPs per cycle per core and the name of the ISA row that gave it.
     */
    static Row row(String arch, CpuInfo cpu) {
        if (arch.equals("x86_64")) {
            String extras = x86Extras(cpu);
            if (cpu.has("avx512f") && cpu.has("fma")) {
                return new Row(64, "avx512f+fma" + extras);
            }
            if (cpu.has("avx2") && cpu.has("fma")) {
                return new Row(32, "avx2+fma" + extras);
            }
            if (cpu.has("avx")) {
                return new Row(16, "avx" + extras);
            }
            return new Row(8, "sse" + extras);
        }
        String isa = arch.equals("armv7l") ? "armv7 neon, " : "armv8 asimd, ";
        String core = cpu.armCore().orElse("");
        if (core.isEmpty()) {
            return new Row(GENERIC_ARM_FLOPS_PER_CYCLE, isa + "unknown core");
        }
        int perCycle = CoreTypes.byName(core).map(CoreTypes.CoreType::flopsPerCycle).orElse(0);
        if (perCycle <= 0) {
            return new Row(GENERIC_ARM_FLOPS_PER_CYCLE, isa + core + ", no published figure");
        }
        return new Row(perCycle, isa + core);
    }

    /** The int8/bf16 extensions present, as "; int8/bf16 not in the peak: avx512_vnni amx". */
    private static String x86Extras(CpuInfo cpu) {
        List<String> present = new ArrayList<>();
        for (String f : List.of("avx512_vnni", "avx_vnni", "amx")) {
            if (cpu.has(f)) {
                present.add(f);
            }
        }
        return present.isEmpty() ? "" : "; int8/bf16 not in the peak: " + String.join(" ", present);
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

package dev.edgeperf.agent.probe;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * ARM core types by {@code /proc/cpuinfo} "CPU implementer" and "CPU part", with the FP32 peak per
 * cycle per core that {@link PeakFlops} multiplies by cores and frequency.
 *
 * <p>FLOPs per cycle = vector FMA instructions per cycle x fp32 lanes x 2 (an FMA is two FLOPs).
 * Where Arm publishes a Software Optimization Guide (SOG) the FMA throughput comes from its
 * "ASIMD floating-point multiply-accumulate (FMLA, Q-form)" row; the source column says which
 * figure is a documented one and which is an assumption.
 */
public final class CoreTypes {
    /** Arm Ltd's implementer id. */
    static final String ARM = "0x41";
    /** NVIDIA's implementer id (Denver, Carmel). */
    static final String NVIDIA = "0x4e";

    /**
     * One core type.
     *
     * @param implementer   "CPU implementer", lower case hex, e.g. "0x41"
     * @param part          "CPU part", lower case hex, e.g. "0xd0b"
     * @param name          core name, e.g. "Cortex-A76"
     * @param flopsPerCycle FP32 FLOPs per cycle per core, 0 when no figure is known (the generic ARM row applies)
     * @param source        where {@code flopsPerCycle} comes from
     */
    public record CoreType(String implementer, String part, String name, int flopsPerCycle, String source) {
        public CoreType {
            Objects.requireNonNull(implementer, "implementer is null");
            Objects.requireNonNull(part, "part is null");
            Objects.requireNonNull(name, "name is null");
            Objects.requireNonNull(source, "source is null");
            if (flopsPerCycle < 0) {
                throw new IllegalArgumentException("flopsPerCycle must be >= 0: " + flopsPerCycle);
            }
        }
    }

    private static final String SOG_1 = "Arm SOG: FMLA (vector, Q-form) throughput 1/cycle: 1 x 4 lanes x 2";
    private static final String SOG_2 = "Arm SOG: FMLA (vector, Q-form) throughput 2/cycle on V0/V1: 2 x 4 lanes x 2";
    private static final String SOG_4 = "Arm SOG: FMLA (vector, Q-form) throughput 4/cycle on V0-V3: 4 x 4 lanes x 2";
    private static final String IN_ORDER = "in-order core, one 128-bit FMA per cycle at best: 1 x 4 lanes x 2 "
            + "(Arm publishes no FMLA throughput for it; an upper bound)";

    private static final List<CoreType> TABLE = List.of(
            new CoreType(ARM, "0xc07", "Cortex-A7", 0, "no figure; generic ARM row"),
            new CoreType(ARM, "0xc09", "Cortex-A9", 0, "no figure; generic ARM row"),
            new CoreType(ARM, "0xc0f", "Cortex-A15", 0, "no figure; generic ARM row"),
            // Raspberry Pi 3 / Zero 2 W
            new CoreType(ARM, "0xd03", "Cortex-A53", 8, IN_ORDER),
            new CoreType(ARM, "0xd04", "Cortex-A35", 8, IN_ORDER),
            new CoreType(ARM, "0xd05", "Cortex-A55", 8, IN_ORDER),
            // Jetson Nano, Jetson TX1/TX2
            new CoreType(ARM, "0xd07", "Cortex-A57", 8, "Cortex-A57 " + SOG_1),
            // Raspberry Pi 4 / 400 / CM4
            new CoreType(ARM, "0xd08", "Cortex-A72", 8, "Cortex-A72 " + SOG_1),
            new CoreType(ARM, "0xd09", "Cortex-A73", 0, "no figure; generic ARM row"),
            new CoreType(ARM, "0xd0a", "Cortex-A75", 0, "no figure; generic ARM row"),
            // Raspberry Pi 5 / CM5
            new CoreType(ARM, "0xd0b", "Cortex-A76", 16, "Cortex-A76 " + SOG_2),
            // AWS Graviton2, Ampere Altra
            new CoreType(ARM, "0xd0c", "Neoverse-N1", 16, "Neoverse N1 " + SOG_2),
            new CoreType(ARM, "0xd0d", "Cortex-A77", 16, "Cortex-A77 " + SOG_2),
            // AWS Graviton3: 2 x 256-bit SVE pipes or 4 x 128-bit ASIMD
            new CoreType(ARM, "0xd40", "Neoverse-V1", 32, "Neoverse V1 " + SOG_4),
            new CoreType(ARM, "0xd41", "Cortex-A78", 16, "Cortex-A78 " + SOG_2),
            // Jetson AGX Orin, Orin NX, Orin Nano: the A78's safety variant, same pipelines
            new CoreType(ARM, "0xd42", "Cortex-A78AE", 16, "Cortex-A78AE = Cortex-A78 pipelines; Cortex-A78 " + SOG_2),
            new CoreType(ARM, "0xd44", "Cortex-X1", 32, "Cortex-X1 " + SOG_4),
            new CoreType(ARM, "0xd46", "Cortex-A510", 8, "vector unit shared by a pair of cores; " + IN_ORDER),
            new CoreType(ARM, "0xd47", "Cortex-A710", 16, "Cortex-A710 " + SOG_2),
            new CoreType(ARM, "0xd49", "Neoverse-N2", 16, "Neoverse N2 " + SOG_2),
            new CoreType(ARM, "0xd4b", "Cortex-A78C", 16, "Cortex-A78C = Cortex-A78 pipelines; Cortex-A78 " + SOG_2),
            // AWS Graviton4, NVIDIA Grace
            new CoreType(ARM, "0xd4f", "Neoverse-V2", 32, "Neoverse V2 " + SOG_4),
            // Jetson AGX Xavier, Xavier NX
            new CoreType(NVIDIA, "0x004", "Carmel", 16, "NVIDIA publishes no optimization guide for Carmel; 16 assumes "
                    + "two 128-bit FMA pipes (2 x 4 lanes x 2) like the ARMv8.2 cores of its time (an assumption)"),
            // Jetson TX2's big cores
            new CoreType(NVIDIA, "0x003", "Denver-2", 0, "no figure; generic ARM row"));

    private CoreTypes() {
    }

    /** The core type with this implementer and part (any case); empty for parts edgeperf does not know. */
    public static Optional<CoreType> lookup(String implementer, String part) {
        String i = implementer.toLowerCase(Locale.ROOT);
        String p = part.toLowerCase(Locale.ROOT);
        return TABLE.stream().filter(c -> c.implementer().equals(i) && c.part().equals(p)).findFirst();
    }

    /** The core type with this name, e.g. "Cortex-A76" (any case); empty when unknown. */
    public static Optional<CoreType> byName(String name) {
        return TABLE.stream().filter(c -> c.name().equalsIgnoreCase(name)).findFirst();
    }
}

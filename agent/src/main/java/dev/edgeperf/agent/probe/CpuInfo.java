package dev.edgeperf.agent.probe;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@code /proc/cpuinfo} says about the CPU.
 *
 * @param modelName         x86 "model name", or the ARM core name derived from "CPU part"; empty when absent
 * @param logicalProcessors number of "processor" entries (0 when the file is unreadable)
 * @param isaFeatures       normalized ISA features in canonical order (see {@link CpuInfoParser})
 * @param armCore           ARM core name from "CPU part", e.g. "Cortex-A76"; empty on x86 or unknown parts
 * @param boardModel        the "Model" line some ARM kernels print (Raspberry Pi); empty when absent
 */
public record CpuInfo(String modelName, int logicalProcessors, List<String> isaFeatures,
                      Optional<String> armCore, Optional<String> boardModel) {
    public CpuInfo {
        Objects.requireNonNull(modelName, "modelName is null");
        isaFeatures = List.copyOf(isaFeatures);
        Objects.requireNonNull(armCore, "armCore is null");
        Objects.requireNonNull(boardModel, "boardModel is null");
    }

    /** Nothing known: the file was missing or unreadable. */
    public static CpuInfo unknown() {
        return new CpuInfo("", 0, List.of(), Optional.empty(), Optional.empty());
    }

    /**
     * The same facts with only the features of {@code arch}'s ISA family (x86 flags on x86_64, ARM
     * ones on aarch64/armv7l): a cpuinfo read through emulation or a mixed fake tree can carry both,
     * and a Pi never has avx. An unknown arch keeps everything, as nothing says which family is wrong.
     */
    public CpuInfo forArch(String arch) {
        List<String> keep = switch (arch) {
            case "x86_64", "x86", "i386", "i686" -> CpuInfoParser.X86_FEATURES;
            case "aarch64", "armv7l" -> CpuInfoParser.ARM_FEATURES;
            default -> isaFeatures;
        };
        return new CpuInfo(modelName, logicalProcessors, isaFeatures.stream().filter(keep::contains).toList(), armCore,
                boardModel);
    }

    public boolean has(String feature) {
        return isaFeatures.contains(feature);
    }
}

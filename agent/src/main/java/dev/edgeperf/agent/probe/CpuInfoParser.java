package dev.edgeperf.agent.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Parses {@code <root>/proc/cpuinfo} and normalizes the flags to the ISA features edgeperf cares
 * about, lower case, in this order: sse4_2, avx, avx2, fma, avx512f, avx512_vnni, avx_vnni (x86);
 * neon (ARM "asimd" on 64-bit, "neon" on 32-bit), asimddp (dot product), fp16 ("asimdhp"/"fphp").
 */
public final class CpuInfoParser {
    static final List<String> X86_FEATURES =
            List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni");
    static final List<String> ARM_FEATURES = List.of("neon", "asimddp", "fp16");

    /** ARM "CPU part" numbers of implementer 0x41 (Arm Ltd) to core names. */
    private static final Map<String, String> ARM_PARTS = Map.ofEntries(
            Map.entry("0xd03", "Cortex-A53"), Map.entry("0xd04", "Cortex-A35"),
            Map.entry("0xd05", "Cortex-A55"), Map.entry("0xd07", "Cortex-A57"),
            Map.entry("0xd08", "Cortex-A72"), Map.entry("0xd09", "Cortex-A73"),
            Map.entry("0xd0a", "Cortex-A75"), Map.entry("0xd0b", "Cortex-A76"),
            Map.entry("0xd0c", "Neoverse-N1"), Map.entry("0xd0d", "Cortex-A77"),
            Map.entry("0xd40", "Neoverse-V1"), Map.entry("0xd41", "Cortex-A78"),
            Map.entry("0xd42", "Cortex-A78AE"), Map.entry("0xd44", "Cortex-X1"),
            Map.entry("0xd46", "Cortex-A510"), Map.entry("0xd47", "Cortex-A710"),
            Map.entry("0xd49", "Neoverse-N2"), Map.entry("0xd4b", "Cortex-A78C"),
            Map.entry("0xd4f", "Neoverse-V2"), Map.entry("0xc07", "Cortex-A7"),
            Map.entry("0xc09", "Cortex-A9"), Map.entry("0xc0f", "Cortex-A15"));

    private final Path root;

    /** @param root the file-system root, "/" on a real machine */
    public CpuInfoParser(Path root) {
        this.root = Objects.requireNonNull(root, "root is null");
    }

    /** Parses the file; an unreadable or missing file gives {@link CpuInfo#unknown()}. */
    public CpuInfo parse() {
        Path file = root.resolve("proc/cpuinfo");
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return CpuInfo.unknown();
        }
    }

    /** Parses cpuinfo text. */
    public static CpuInfo parse(String text) {
        String modelName = "";
        String part = null;
        String implementer = null;
        String boardModel = null;
        int processors = 0;
        Set<String> flags = new HashSet<>();
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (key) {
                case "processor" -> processors++;
                case "model name" -> modelName = modelName.isEmpty() ? value : modelName;
                case "flags", "features" -> {
                    for (String f : value.toLowerCase(Locale.ROOT).split("\\s+")) {
                        if (!f.isEmpty()) {
                            flags.add(f);
                        }
                    }
                }
                case "cpu part" -> part = part == null ? value.toLowerCase(Locale.ROOT) : part;
                case "cpu implementer" -> implementer = implementer == null ? value.toLowerCase(Locale.ROOT) : implementer;
                case "model" -> boardModel = value.isEmpty() ? null : value;
                default -> {
                    // other keys carry nothing edgeperf uses
                }
            }
        }
        Optional<String> armCore = Optional.empty();
        if (part != null && (implementer == null || implementer.equals("0x41"))) {
            armCore = Optional.ofNullable(ARM_PARTS.get(part));
        }
        if (modelName.isEmpty() && armCore.isPresent()) {
            modelName = "ARM " + armCore.get();
        }
        return new CpuInfo(modelName, processors, normalize(flags), armCore, Optional.ofNullable(boardModel));
    }

    static List<String> normalize(Set<String> flags) {
        List<String> out = new ArrayList<>();
        for (String f : X86_FEATURES) {
            if (flags.contains(f)) {
                out.add(f);
            }
        }
        if (flags.contains("asimd") || flags.contains("neon")) {
            out.add("neon");
        }
        if (flags.contains("asimddp")) {
            out.add("asimddp");
        }
        if (flags.contains("asimdhp") || flags.contains("fphp")) {
            out.add("fp16");
        }
        return out;
    }
}

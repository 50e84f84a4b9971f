package dev.edgeperf.agent.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Parses {@code <root>/proc/cpuinfo} and normalizes the flags to the ISA features edgeperf cares
 * about, lower case, in this order: sse4_2, avx, avx2, fma, avx512f, avx512_vnni, avx_vnni, amx
 * (x86; "amx" when the kernel lists amx_tile); neon (ARM "asimd" on 64-bit, "neon" on 32-bit),
 * asimddp (dot product), fp16 ("asimdhp"/"fphp"), sve, i8mm, bf16 (ARM, from the "Features" line).
 * The ARM core is named from "CPU implementer" and "CPU part" through {@link CoreTypes}.
 */
public final class CpuInfoParser {
    static final List<String> X86_FEATURES =
            List.of("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx_vnni", "amx");
    static final List<String> ARM_FEATURES = List.of("neon", "asimddp", "fp16", "sve", "i8mm", "bf16");

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
        if (part != null) {
            // 32-bit kernels of some boards omit the implementer line; those are Arm's own cores
            armCore = CoreTypes.lookup(implementer == null ? CoreTypes.ARM : implementer, part).map(CoreTypes.CoreType::name);
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
        // Linux lists AMX as amx_tile plus the data types (amx_bf16, amx_int8); the tile unit is the feature
        if (flags.contains("amx_tile") && !out.contains("amx")) {
            out.add("amx");
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
        for (String f : List.of("sve", "i8mm", "bf16")) {
            if (flags.contains(f)) {
                out.add(f);
            }
        }
        return out;
    }
}

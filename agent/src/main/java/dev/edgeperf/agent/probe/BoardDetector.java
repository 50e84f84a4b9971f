package dev.edgeperf.agent.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Names the board: "raspberry-pi-4", "raspberry-pi-5", "jetson-orin-nano", "jetson-orin-nx",
 * "jetson-agx-orin", "jetson-nano", … from the device tree's {@code compatible} list first (stable
 * across OS releases), then its {@code model} string, then {@code /etc/nv_tegra_release} ("jetson");
 * otherwise "generic-&lt;arch&gt;".
 */
public final class BoardDetector {
    /** Jetson carrier and module ids ("nvidia,p3768-0000+p3767-0005") as NVIDIA's L4T device trees spell them. */
    private static final Pattern NVIDIA_PART = Pattern.compile("p(\\d{4})-(\\d{4})");
    private static final Pattern PI_COMPATIBLE = Pattern.compile("raspberrypi,(\\d+)-(model-[a-z+-]+|compute-module)");

    private final Path root;

    /** @param root the file-system root, "/" on a real machine */
    public BoardDetector(Path root) {
        this.root = Objects.requireNonNull(root, "root is null");
    }

    /**
     * The board name.
     *
     * @param arch normalized architecture, used for the generic fallback
     */
    public String detect(String arch) {
        Optional<String> named = fromCompatible(deviceTreeCompatible());
        if (named.isEmpty()) {
            named = deviceTreeModel().flatMap(BoardDetector::fromModel);
        }
        if (named.isPresent()) {
            return named.get();
        }
        if (Files.exists(root.resolve("etc/nv_tegra_release"))) {
            return "jetson";
        }
        return "generic-" + arch;
    }

    /** The device-tree model string without its trailing NUL, if the machine has one. */
    public Optional<String> deviceTreeModel() {
        return deviceTreeFile("model").map(s -> s.replace("\0", "").trim()).filter(s -> !s.isEmpty());
    }

    /** The device-tree compatible strings, most specific first; empty without a device tree (x86). */
    public List<String> deviceTreeCompatible() {
        List<String> out = new ArrayList<>();
        deviceTreeFile("compatible").ifPresent(s -> {
            for (String c : s.split("\0")) {
                if (!c.isBlank()) {
                    out.add(c.trim().toLowerCase(Locale.ROOT));
                }
            }
        });
        return out;
    }

    private Optional<String> deviceTreeFile(String name) {
        for (String dir : new String[] {"proc/device-tree/", "sys/firmware/devicetree/base/"}) {
            try {
                return Optional.of(Files.readString(root.resolve(dir + name), StandardCharsets.ISO_8859_1));
            } catch (IOException | RuntimeException e) {
                // no device tree here (x86), try the next location
            }
        }
        return Optional.empty();
    }

    /**
     * Maps device-tree compatible strings to a board name; empty for boards edgeperf does not know.
     * Module ids are NVIDIA's (Jetson Linux developer guide, "Jetson Module Adaptation"): p3767-0000/0001
     * Orin NX 16/8 GB, p3767-0003/0004/0005 Orin Nano 8/4 GB/devkit, p3701 AGX Orin, p3448/p3450 Nano,
     * p2888/p2972 AGX Xavier, p3668 Xavier NX.
     */
    static Optional<String> fromCompatible(List<String> compatible) {
        for (String c : compatible) {
            Matcher pi = PI_COMPATIBLE.matcher(c);
            if (pi.matches()) {
                String gen = pi.group(1);
                return Optional.of(pi.group(2).equals("compute-module") ? "raspberry-pi-cm" + gen : "raspberry-pi-" + gen);
            }
            if (c.equals("raspberrypi,400") || c.equals("raspberrypi,500")) {
                return Optional.of("raspberry-pi-" + c.substring(c.indexOf(',') + 1));
            }
        }
        for (String c : compatible) {
            Matcher m = NVIDIA_PART.matcher(c);
            while (c.startsWith("nvidia,") && m.find()) {
                Optional<String> module = jetsonModule(m.group(1), Integer.parseInt(m.group(2)));
                if (module.isPresent()) {
                    return module;
                }
            }
            if (c.equals("nvidia,jetson-nano")) {
                return Optional.of("jetson-nano");
            }
        }
        // a Jetson module this table does not know yet: name the SoC generation
        if (compatible.contains("nvidia,tegra234")) {
            return Optional.of("jetson-orin");
        }
        if (compatible.contains("nvidia,tegra194")) {
            return Optional.of("jetson-xavier");
        }
        if (compatible.contains("nvidia,tegra210")) {
            return Optional.of("jetson-tegra210");
        }
        return Optional.empty();
    }

    private static Optional<String> jetsonModule(String board, int sku) {
        return switch (board) {
            case "3767" -> Optional.of(sku <= 1 ? "jetson-orin-nx" : "jetson-orin-nano");
            case "3701" -> Optional.of("jetson-agx-orin");
            case "3448", "3450" -> Optional.of("jetson-nano");
            case "2888", "2972" -> Optional.of("jetson-agx-xavier");
            case "3668" -> Optional.of("jetson-xavier-nx");
            default -> Optional.empty();
        };
    }

    /** Maps a device-tree model string to a board name; empty for boards edgeperf does not know. */
    static Optional<String> fromModel(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        if (m.contains("raspberry pi")) {
            Matcher cm = Pattern.compile("compute module (\\d+)").matcher(m);
            if (cm.find()) {
                return Optional.of("raspberry-pi-cm" + cm.group(1));
            }
            Matcher gen = Pattern.compile("raspberry pi (\\d+)").matcher(m);
            return Optional.of(gen.find() ? "raspberry-pi-" + gen.group(1) : "raspberry-pi");
        }
        // JetPack releases word the same module differently ("NVIDIA Jetson Orin Nano Developer Kit",
        // "... Engineering Reference Developer Kit Super", "NVIDIA Orin NX Developer Kit"): key on words
        boolean nvidia = m.contains("jetson") || m.contains("nvidia");
        if (nvidia && m.contains("orin")) {
            return Optional.of(m.contains("agx") ? "jetson-agx-orin" : m.contains(" nx") ? "jetson-orin-nx"
                    : m.contains("nano") ? "jetson-orin-nano" : "jetson-orin");
        }
        if (nvidia && m.contains("xavier")) {
            return Optional.of(m.contains(" nx") ? "jetson-xavier-nx" : "jetson-agx-xavier");
        }
        if (m.contains("jetson") && m.contains("nano")) {
            return Optional.of("jetson-nano");
        }
        int jetson = m.indexOf("jetson");
        if (jetson >= 0) {
            String rest = m.substring(jetson)
                    .replace("developer kit", "").replace("engineering reference", "")
                    .replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
            return Optional.of(rest);
        }
        return Optional.empty();
    }
}

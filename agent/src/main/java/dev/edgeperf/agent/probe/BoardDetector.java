package dev.edgeperf.agent.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Names the board from the device tree: "raspberry-pi-4", "raspberry-pi-5", "jetson-orin-nano", …;
 * "jetson" when only {@code /etc/nv_tegra_release} is present; otherwise "generic-&lt;arch&gt;".
 */
public final class BoardDetector {
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
        Optional<String> model = deviceTreeModel();
        if (model.isPresent()) {
            Optional<String> named = fromModel(model.get());
            if (named.isPresent()) {
                return named.get();
            }
        }
        if (Files.exists(root.resolve("etc/nv_tegra_release"))) {
            return "jetson";
        }
        return "generic-" + arch;
    }

    /** The device-tree model string without its trailing NUL, if the machine has one. */
    public Optional<String> deviceTreeModel() {
        for (String p : new String[] {"proc/device-tree/model", "sys/firmware/devicetree/base/model"}) {
            try {
                String s = Files.readString(root.resolve(p), StandardCharsets.ISO_8859_1).replace("\0", "").trim();
                if (!s.isEmpty()) {
                    return Optional.of(s);
                }
            } catch (IOException | RuntimeException e) {
                // no device tree here (x86), try the next location
            }
        }
        return Optional.empty();
    }

    /** Maps a device-tree model string to a board name; empty for boards edgeperf does not know. */
    static Optional<String> fromModel(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        for (int gen = 5; gen >= 2; gen--) {
            if (m.contains("raspberry pi " + gen)) {
                return Optional.of("raspberry-pi-" + gen);
            }
        }
        if (m.contains("raspberry pi")) {
            return Optional.of("raspberry-pi");
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

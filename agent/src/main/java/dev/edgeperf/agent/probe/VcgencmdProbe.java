package dev.edgeperf.agent.probe;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raspberry Pi firmware throttling flags from {@code vcgencmd get_throttled} ("throttled=0x50005"),
 * where the binary is on the PATH. Bits: 0 under-voltage, 1 ARM frequency capped, 2 throttled,
 * 3 soft temperature limit (now); 16-19 the same "has occurred since boot". Absent tool, timeout or
 * unparsable output: empty, never an exception.
 */
public final class VcgencmdProbe {
    /** Bits 0-3: conditions active now. */
    public static final long NOW_MASK = 0xFL;
    /** Bits 16-19: conditions that occurred since boot (sticky). */
    public static final long OCCURRED_MASK = 0xF0000L;
    private static final String[] NAMES = {"under-voltage", "arm frequency capped", "throttled", "soft temperature limit"};
    private static final Pattern VALUE = Pattern.compile("throttled=(0x[0-9a-fA-F]+|\\d+)");
    private static final long TIMEOUT_MS = 2_000;

    private final Optional<Path> binary;

    /** @param pathDirs the directories to search for {@code vcgencmd}, in order */
    public VcgencmdProbe(List<Path> pathDirs) {
        Optional<Path> found = Optional.empty();
        for (Path dir : pathDirs) {
            Path p = dir.resolve("vcgencmd");
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                found = Optional.of(p);
                break;
            }
        }
        this.binary = found;
    }

    /** Searches this process's {@code PATH}. */
    public static VcgencmdProbe fromEnvironment() {
        return fromPath(System.getenv("PATH"));
    }

    /** Searches a PATH-style string (":"-separated); null or empty finds nothing. */
    public static VcgencmdProbe fromPath(String path) {
        List<Path> dirs = new ArrayList<>();
        if (path != null) {
            for (String d : path.split(File.pathSeparator)) {
                if (!d.isBlank()) {
                    try {
                        dirs.add(Path.of(d));
                    } catch (RuntimeException e) {
                        // a malformed PATH entry cannot hold the tool
                    }
                }
            }
        }
        return new VcgencmdProbe(dirs);
    }

    /** True when the tool was found. */
    public boolean available() {
        return binary.isPresent();
    }

    /** The current flags; empty when the tool is absent or fails. */
    public OptionalLong throttled() {
        if (binary.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            Process p = new ProcessBuilder(binary.get().toString(), "get_throttled").redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                if (!p.waitFor(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    return OptionalLong.empty();
                }
                out = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
            return p.exitValue() == 0 ? parse(out) : OptionalLong.empty();
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    /** Parses "throttled=0x50005"; empty when the text holds no such value. */
    public static OptionalLong parse(String output) {
        Matcher m = VALUE.matcher(Objects.requireNonNullElse(output, ""));
        if (!m.find()) {
            return OptionalLong.empty();
        }
        String v = m.group(1);
        try {
            return OptionalLong.of(v.startsWith("0x") ? Long.parseLong(v.substring(2), 16) : Long.parseLong(v));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Names of the set bits, "now" bits first, e.g. ["under-voltage", "throttled (occurred)"]. */
    public static List<String> describe(long bits) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < NAMES.length; i++) {
            if ((bits & (1L << i)) != 0) {
                out.add(NAMES[i]);
            }
        }
        for (int i = 0; i < NAMES.length; i++) {
            if ((bits & (1L << (16 + i))) != 0) {
                out.add(NAMES[i] + " (occurred)");
            }
        }
        return out;
    }
}

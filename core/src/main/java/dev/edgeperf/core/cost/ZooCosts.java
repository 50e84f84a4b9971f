package dev.edgeperf.core.cost;

import ai.onnx.proto.OnnxMl.ModelProto;
import dev.edgeperf.core.io.AtomicFiles;
import dev.edgeperf.core.io.Digests;
import dev.edgeperf.core.zoo.ModelZoo;
import java.io.IOException;
import java.io.Reader;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * The headline counts of the zoo models (batch 1, seed convention), measured by profiling each
 * model once and kept in a small cache file, so that listing the zoo does not build vgg16's 553 MB
 * every time.
 *
 * <p>The figures are never typed in: a cache miss builds the model and profiles it. The cache file
 * is named after a SHA-256 fingerprint of the code that builds and counts the models (the core jar,
 * or the class files of the zoo, cost and onnx packages when run from a build folder), so any change
 * to that code starts a new cache. It lives in {@code $EDGEPERF_CACHE_DIR}, else
 * {@code $XDG_CACHE_HOME/edgeperf}, else {@code ~/.cache/edgeperf}. A cache that cannot be read or
 * written is ignored (the counts are then measured every time).
 */
public final class ZooCosts {
    /**
     * Counts of one zoo model at batch 1.
     *
     * @param fileSizeBytes size of the serialized ONNX model
     * @param fromCache     whether the figures came from the cache file (false: measured now)
     */
    public record Entry(String name, long totalParams, long trainableParams, long totalMacs, long totalFlops,
                        long fileSizeBytes, boolean fromCache) {
        public Entry {
            Objects.requireNonNull(name, "name is null");
        }
    }

    private static final List<String> FIELDS = List.of("totalParams", "trainableParams", "totalMacs", "totalFlops",
            "fileSizeBytes");

    /**
     * Packages whose class files make the fingerprint when run from a build folder: everything that
     * builds a zoo model or decides its counts (the zoo builders and their training information, the
     * parameter and cost rules, shape inference), so a change to any count starts a new cache.
     */
    static final List<String> FINGERPRINTED_PACKAGES = List.of("zoo", "cost", "onnx");

    private final Path cacheFile;
    private final Properties cache = new Properties();

    private ZooCosts(Path cacheFile) {
        this.cacheFile = cacheFile;
        if (cacheFile != null && Files.isRegularFile(cacheFile)) {
            try (Reader in = Files.newBufferedReader(cacheFile, StandardCharsets.UTF_8)) {
                cache.load(in);
            } catch (IOException | IllegalArgumentException e) {
                cache.clear(); // a damaged cache is measured again and rewritten
            }
        }
    }

    /**
     * A cache in {@code cacheDir}; with a null dir, or when the code cannot be fingerprinted, no
     * cache is used and every model is measured.
     */
    public static ZooCosts open(Path cacheDir) {
        String fingerprint = cacheDir == null ? null : codeFingerprint();
        return new ZooCosts(fingerprint == null ? null : cacheDir.resolve("zoo-costs-" + fingerprint + ".properties"));
    }

    /** {@code $EDGEPERF_CACHE_DIR}, else {@code $XDG_CACHE_HOME/edgeperf}, else {@code ~/.cache/edgeperf}. */
    public static Path defaultCacheDir(Map<String, String> env) {
        String explicit = env.get("EDGEPERF_CACHE_DIR");
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "edgeperf");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "edgeperf");
    }

    /** The cache file in use, or null. */
    public Path cacheFile() {
        return cacheFile;
    }

    /**
     * Counts of a zoo model: from the cache, or measured (the model is built and profiled, not
     * serialized) and then stored.
     *
     * @throws dev.edgeperf.core.EdgeperfException USER_ERROR for an unknown model name
     */
    public Entry get(String name) {
        ModelZoo.describe(name); // validates the name before anything is read or built
        long[] values = new long[FIELDS.size()];
        boolean hit = true;
        for (int i = 0; i < values.length && hit; i++) {
            String v = cache.getProperty(name + "." + FIELDS.get(i));
            try {
                values[i] = Long.parseLong(v == null ? "" : v);
            } catch (NumberFormatException e) {
                hit = false;
            }
        }
        if (hit) {
            return new Entry(name, values[0], values[1], values[2], values[3], values[4], true);
        }
        ModelProto model = ModelZoo.buildProto(name);
        long size = model.getSerializedSize();
        ModelProfile p = ModelProfiler.profile(model, name, size, new ProfileOptions(1, Map.of(),
                CountingConvention.SEED));
        Entry e = new Entry(name, p.totalParams(), p.trainableParams(), p.totalMacs(), p.totalFlops(), size, false);
        long[] measured = {e.totalParams(), e.trainableParams(), e.totalMacs(), e.totalFlops(), e.fileSizeBytes()};
        for (int i = 0; i < measured.length; i++) {
            cache.setProperty(name + "." + FIELDS.get(i), Long.toString(measured[i]));
        }
        store();
        return e;
    }

    private void store() {
        if (cacheFile == null) {
            return;
        }
        try {
            Files.createDirectories(cacheFile.getParent());
            AtomicFiles.write(cacheFile, out -> cache.store(out,
                    "edgeperf zoo counts (batch 1, seed convention), measured by profiling each model"));
        } catch (IOException e) {
            // Read-only home or full disk: listing still works, it just measures again next time.
        }
    }

    /** First 16 hex digits of the SHA-256 of the code that builds and counts the zoo models; null if unknown. */
    static String codeFingerprint() {
        try {
            MessageDigest sha = Digests.sha256();
            CodeSource source = ZooCosts.class.getProtectionDomain().getCodeSource();
            Path location = source == null ? null : Path.of(source.getLocation().toURI());
            if (location != null && Files.isRegularFile(location)) {
                Digests.update(sha, location);
            } else if (location != null && Files.isDirectory(location)) {
                for (String pkg : FINGERPRINTED_PACKAGES) {
                    Path dir = location.resolve("dev/edgeperf/core/" + pkg);
                    if (!Files.isDirectory(dir)) {
                        continue;
                    }
                    try (Stream<Path> files = Files.walk(dir)) {
                        for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                            sha.update(location.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
                            Digests.update(sha, f);
                        }
                    }
                }
            } else {
                return null;
            }
            return Digests.hex(sha).substring(0, 16);
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return null;
        }
    }

}

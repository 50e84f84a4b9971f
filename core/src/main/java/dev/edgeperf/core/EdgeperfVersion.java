package dev.edgeperf.core;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The one version string of edgeperf, shown by both CLIs' {@code --version} and sent by agents in
 * their hello. Maven writes it into {@code version.properties} from the reactor's
 * {@code project.version}, so it holds in a jar, in {@code target/classes} and in tests alike.
 */
public final class EdgeperfVersion {
    private static final String RESOURCE = "version.properties";
    private static final String VERSION = load();

    private EdgeperfVersion() {
    }

    /** The project version, e.g. {@code 0.1.0-SNAPSHOT}; never empty. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = EdgeperfVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from edgeperf-core");
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "").trim();
            // An unfiltered copy (an IDE build that skipped Maven's resource filtering) says so.
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

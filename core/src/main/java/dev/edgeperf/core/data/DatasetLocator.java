package dev.edgeperf.core.data;

import dev.edgeperf.core.EdgeperfException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Finds the datasets folder, in this order: system property {@code edgeperf.datasets}, environment
 * variable {@code EDGEPERF_DATASETS}, {@code ./datasets}, then {@code datasets/} in the edgeperf
 * checkout that contains the working directory (found by walking up to the folder holding
 * {@code scripts/fetch-datasets.sh}), so tests running in {@code core/} find the repository's copy.
 */
public final class DatasetLocator {
    /** System property naming the datasets folder. */
    public static final String PROPERTY = "edgeperf.datasets";
    /** Environment variable naming the datasets folder. */
    public static final String ENV = "EDGEPERF_DATASETS";
    private static final String FETCH_SCRIPT = "scripts/fetch-datasets.sh";

    private final UnaryOperator<String> properties;
    private final UnaryOperator<String> environment;
    private final Path workingDir;

    /**
     * @param properties  system property lookup (name -> value or null)
     * @param environment environment lookup (name -> value or null)
     * @param workingDir  folder relative lookups start from
     */
    public DatasetLocator(UnaryOperator<String> properties, UnaryOperator<String> environment, Path workingDir) {
        this.properties = Objects.requireNonNull(properties, "properties is null");
        this.environment = Objects.requireNonNull(environment, "environment is null");
        this.workingDir = Objects.requireNonNull(workingDir, "workingDir is null").toAbsolutePath().normalize();
    }

    /** The locator of this process: real system properties, environment and working directory. */
    public static DatasetLocator system() {
        return new DatasetLocator(System::getProperty, System::getenv, Path.of(""));
    }

    /**
     * The datasets folder, or empty when none of the places exists.
     *
     * @throws EdgeperfException USER_ERROR when the property or variable is set to something that
     *                           is not a folder (an explicit setting is never silently ignored)
     */
    public Optional<Path> locate() {
        for (String[] setting : new String[][] {{"system property " + PROPERTY, properties.apply(PROPERTY)},
                {"environment variable " + ENV, environment.apply(ENV)}}) {
            String value = setting[1];
            if (value != null && !value.isBlank()) {
                Path dir = workingDir.resolve(value);
                if (!Files.isDirectory(dir)) {
                    throw EdgeperfException.userError(setting[0] + " is '" + value + "', expected an existing datasets folder");
                }
                return Optional.of(dir);
            }
        }
        Path local = workingDir.resolve("datasets");
        if (Files.isDirectory(local)) {
            return Optional.of(local);
        }
        for (Path dir = workingDir; dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve(FETCH_SCRIPT))) {
                Path repo = dir.resolve("datasets");
                return Files.isDirectory(repo) ? Optional.of(repo) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * The datasets folder.
     *
     * @throws EdgeperfException USER_ERROR saying where it looked and how to fetch the data
     */
    public Path require() {
        return locate().orElseThrow(() -> EdgeperfException.userError("no datasets folder found (looked at -D" + PROPERTY
                + ", $" + ENV + ", " + workingDir.resolve("datasets") + " and the checkout's datasets/): run "
                + FETCH_SCRIPT + " [DIR]"));
    }
}

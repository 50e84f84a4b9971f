package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.store.LeasedJob;
import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.ProfileOptions;
import dev.edgeperf.core.predict.kernel.Kernel;
import dev.edgeperf.core.predict.kernel.KernelDetector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-node cost profile of a job's variant at the job's batch and input shapes, for per-node
 * predictors at lease time, and the kernels ONNX Runtime runs for it, for the kernel predictor.
 * Both are cached per (digest, batch, shapes), so a variant is profiled (and optimized by ONNX
 * Runtime) once per shape however many agents and attempts lease it. A variant that cannot be
 * profiled gives empty (its per-node predictions say "no profile"), one whose kernels cannot be
 * detected gives the reason, never a failed lease.
 */
public interface VariantProfiles {
    /** No profiles: per-node predictors cannot predict. */
    VariantProfiles NONE = job -> Optional.empty();

    Optional<ModelProfile> profile(LeasedJob job);

    /** The kernels of the job's variant at its shapes; only asked for when an agent can use them. */
    default DetectedKernels kernels(LeasedJob job) {
        return DetectedKernels.failed("the coordinator does not detect kernels of stored variants");
    }

    /**
     * The kernels of a variant, or why there are none.
     *
     * @param kernels empty when detection failed
     * @param failure "" when {@code kernels} is present
     */
    record DetectedKernels(Optional<List<Kernel>> kernels, String failure) {
        public DetectedKernels {
            kernels = kernels.map(List::copyOf);
            Objects.requireNonNull(failure, "failure is null");
        }

        static DetectedKernels of(List<Kernel> kernels) {
            return new DetectedKernels(Optional.of(kernels), "");
        }

        static DetectedKernels failed(String why) {
            return new DetectedKernels(Optional.empty(), why);
        }
    }

    /** Profiles the stored variant file of {@code artifacts}, keeping the last {@code capacity} profiles. */
    static VariantProfiles of(ArtifactStore artifacts, int capacity) {
        return new Cached(artifacts, capacity);
    }

    /** The artifact-store-backed cache. */
    final class Cached implements VariantProfiles {
        private static final Logger LOG = LoggerFactory.getLogger(VariantProfiles.class);

        private final ArtifactStore artifacts;
        private final Map<String, Optional<ModelProfile>> cache;
        private final Map<String, DetectedKernels> kernelCache;

        Cached(ArtifactStore artifacts, int capacity) {
            this.artifacts = Objects.requireNonNull(artifacts, "artifacts is null");
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
            }
            this.cache = lru(capacity);
            this.kernelCache = lru(capacity);
        }

        private static <V> Map<String, V> lru(int capacity) {
            return new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                    return size() > capacity;
                }
            };
        }

        @Override
        public Optional<ModelProfile> profile(LeasedJob job) {
            return cached(cache, job, this::load);
        }

        @Override
        public DetectedKernels kernels(LeasedJob job) {
            return cached(kernelCache, job, this::detect);
        }

        private static <V> V cached(Map<String, V> cache, LeasedJob job, Function<LeasedJob, V> compute) {
            String key = key(job);
            synchronized (cache) {
                V hit = cache.get(key);
                if (hit != null) {
                    return hit;
                }
            }
            // computed outside the lock: another agent's lease must not wait for this variant
            V value = compute.apply(job);
            synchronized (cache) {
                cache.put(key, value);
            }
            return value;
        }

        private DetectedKernels detect(LeasedJob job) {
            Optional<Path> file = stored(job);
            if (file.isEmpty()) {
                return DetectedKernels.failed("variant " + job.modelDigest() + " is not in the artifact store");
            }
            try {
                return DetectedKernels.of(KernelDetector.detect(file.get(), job.batchSize(), job.inputShapes(),
                        Map.of()));
            } catch (RuntimeException e) {
                // a model ONNX Runtime cannot optimize here still runs on the agent: the lease goes ahead
                LOG.warn("kernels of variant {} (job {}) cannot be detected at batch {}: {}; no kernel prediction",
                        job.modelDigest(), job.jobId(), job.batchSize(), e.getMessage());
                return DetectedKernels.failed("its kernels cannot be detected: " + e.getMessage());
            }
        }

        private static String key(LeasedJob job) {
            StringBuilder key = new StringBuilder(job.modelDigest()).append('|').append(job.batchSize());
            new java.util.TreeMap<>(job.inputShapes()).forEach((name, dims) ->
                    key.append('|').append(name).append('=').append(java.util.Arrays.toString(dims)));
            return key.toString();
        }

        /** The variant's file; empty (and logged) when the artifact store does not hold it. */
        private Optional<Path> stored(LeasedJob job) {
            Path file;
            try {
                file = artifacts.path(job.modelDigest());
            } catch (RuntimeException e) {
                LOG.warn("variant {} of job {} is not in the artifact store: {}; per-node predictions skipped",
                        job.modelDigest(), job.jobId(), e.getMessage());
                return Optional.empty();
            }
            if (!Files.isRegularFile(file)) {
                LOG.warn("variant {} of job {} is not in the artifact store; per-node predictions skipped",
                        job.modelDigest(), job.jobId());
                return Optional.empty();
            }
            return Optional.of(file);
        }

        private Optional<ModelProfile> load(LeasedJob job) {
            Optional<Path> file = stored(job);
            if (file.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(ModelProfiler.profile(file.get(), new ProfileOptions(job.batchSize(), job.inputShapes(),
                        CountingConvention.DETAILED)));
            } catch (RuntimeException e) {
                LOG.warn("variant {} of job {} cannot be profiled at batch {}: {}; per-node predictions skipped",
                        job.modelDigest(), job.jobId(), job.batchSize(), e.getMessage());
                return Optional.empty();
            }
        }
    }
}

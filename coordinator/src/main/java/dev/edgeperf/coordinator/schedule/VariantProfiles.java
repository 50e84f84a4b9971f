package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.store.LeasedJob;
import dev.edgeperf.core.cost.CountingConvention;
import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.cost.ModelProfiler;
import dev.edgeperf.core.cost.ProfileOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-node cost profile of a job's variant at the job's batch and input shapes, for per-node
 * predictors at lease time. Profiles are cached per (digest, batch, shapes), so a variant is
 * profiled once per shape however many agents and attempts lease it. A variant that cannot be
 * profiled gives empty (its per-node predictions say "no profile"), never a failed lease.
 */
public interface VariantProfiles {
    /** No profiles: per-node predictors cannot predict. */
    VariantProfiles NONE = job -> Optional.empty();

    Optional<ModelProfile> profile(LeasedJob job);

    /** Profiles the stored variant file of {@code artifacts}, keeping the last {@code capacity} profiles. */
    static VariantProfiles of(ArtifactStore artifacts, int capacity) {
        return new Cached(artifacts, capacity);
    }

    /** The artifact-store-backed cache. */
    final class Cached implements VariantProfiles {
        private static final Logger LOG = LoggerFactory.getLogger(VariantProfiles.class);

        private final ArtifactStore artifacts;
        private final Map<String, Optional<ModelProfile>> cache;

        Cached(ArtifactStore artifacts, int capacity) {
            this.artifacts = Objects.requireNonNull(artifacts, "artifacts is null");
            if (capacity < 1) {
                throw new IllegalArgumentException("capacity must be >= 1, got " + capacity);
            }
            this.cache = new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Optional<ModelProfile>> eldest) {
                    return size() > capacity;
                }
            };
        }

        @Override
        public Optional<ModelProfile> profile(LeasedJob job) {
            String key = key(job);
            synchronized (cache) {
                Optional<ModelProfile> hit = cache.get(key);
                if (hit != null) {
                    return hit;
                }
            }
            // profiled outside the lock: another agent's lease must not wait for this variant
            Optional<ModelProfile> profile = load(job);
            synchronized (cache) {
                cache.put(key, profile);
            }
            return profile;
        }

        private static String key(LeasedJob job) {
            StringBuilder key = new StringBuilder(job.modelDigest()).append('|').append(job.batchSize());
            new java.util.TreeMap<>(job.inputShapes()).forEach((name, dims) ->
                    key.append('|').append(name).append('=').append(java.util.Arrays.toString(dims)));
            return key.toString();
        }

        private Optional<ModelProfile> load(LeasedJob job) {
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
            try {
                return Optional.of(ModelProfiler.profile(file, new ProfileOptions(job.batchSize(), job.inputShapes(),
                        CountingConvention.DETAILED)));
            } catch (RuntimeException e) {
                LOG.warn("variant {} of job {} cannot be profiled at batch {}: {}; per-node predictions skipped",
                        job.modelDigest(), job.jobId(), job.batchSize(), e.getMessage());
                return Optional.empty();
            }
        }
    }
}

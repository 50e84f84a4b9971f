package dev.edgeperf.agent.net;

import dev.edgeperf.agent.measure.InferenceRunner;
import dev.edgeperf.agent.measure.MeasurementRequest;
import dev.edgeperf.agent.measure.MeasurementResult;
import dev.edgeperf.agent.measure.MeasurementRunner;
import dev.edgeperf.agent.probe.HardwareInfo;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.agreement.DeviceAgreement;
import dev.edgeperf.core.agreement.ReferenceSet;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.proto.JobAssignment;
import dev.edgeperf.proto.JobResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * The real job: fetch the model by digest, measure it with the job's batch, threads, concurrency and
 * settings, in a forked worker unless the job (or the agent) asks for in-process. A model that
 * verifies but does not load is evicted from the cache, so a fixed artifact is fetched afresh.
 */
public final class MeasuringJobHandler implements JobHandler {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MeasuringJobHandler.class);
    private final ArtifactCache cache;
    private final MeasurementRunner runner;
    private final MeasurementRunner inProcessRunner;
    private final HardwareInfo hardware;
    private final String agentVersion;
    private final LongSupplier wallClockMs;
    private final String agentName;
    private final java.util.function.Supplier<java.util.List<String>> availableProviders;

    /** Every job measured by {@code runner}. */
    public MeasuringJobHandler(ArtifactCache cache, MeasurementRunner runner, HardwareInfo hardware,
                               String agentVersion, LongSupplier wallClockMs) {
        this(cache, runner, runner, hardware, agentVersion, wallClockMs);
    }

    /**
     * @param runner          the default (a {@link dev.edgeperf.agent.measure.ForkedRunner})
     * @param inProcessRunner for jobs whose settings say {@code in_process}
     */
    public MeasuringJobHandler(ArtifactCache cache, MeasurementRunner runner, MeasurementRunner inProcessRunner,
                               HardwareInfo hardware, String agentVersion, LongSupplier wallClockMs) {
        this(cache, runner, inProcessRunner, hardware, agentVersion, wallClockMs, hardware.hostname(),
                InferenceRunner::availableProviders);
    }

    /**
     * @param agentName          the agent's name, in the message of a job that requests a provider it lacks
     * @param availableProviders the engine's execution providers ({@link InferenceRunner#availableProviders()})
     */
    public MeasuringJobHandler(ArtifactCache cache, MeasurementRunner runner, MeasurementRunner inProcessRunner,
                               HardwareInfo hardware, String agentVersion, LongSupplier wallClockMs, String agentName,
                               java.util.function.Supplier<java.util.List<String>> availableProviders) {
        this.agentName = Objects.requireNonNull(agentName, "agentName is null");
        this.availableProviders = Objects.requireNonNull(availableProviders, "availableProviders is null");
        this.cache = Objects.requireNonNull(cache, "cache is null");
        this.runner = Objects.requireNonNull(runner, "runner is null");
        this.inProcessRunner = Objects.requireNonNull(inProcessRunner, "inProcessRunner is null");
        this.hardware = Objects.requireNonNull(hardware, "hardware is null");
        this.agentVersion = Objects.requireNonNull(agentVersion, "agentVersion is null");
        this.wallClockMs = Objects.requireNonNull(wallClockMs, "wallClockMs is null");
    }

    @Override
    public JobResult execute(JobAssignment job) {
        if (job.getBatchSize() < 1) {
            throw EdgeperfException.userError("job " + job.getJobId() + " has batch_size " + job.getBatchSize()
                    + "; expected >= 1");
        }
        if (job.getIntraOpThreads() < 0) {
            throw EdgeperfException.userError("job " + job.getJobId() + " has intra_op_threads "
                    + job.getIntraOpThreads() + "; expected >= 0");
        }
        MeasurementSettings settings;
        try {
            settings = ProtoMapping.settings(job);
        } catch (EdgeperfException e) {
            throw new EdgeperfException(e.category(), "job " + job.getJobId() + ": " + e.getMessage());
        }
        // before fetching anything: a provider this agent lacks fails the job, never a silent CPU run
        dev.edgeperf.agent.measure.SessionProviders.requireAvailable(settings.providers(), availableProviders.get(),
                "agent " + agentName);
        Path model = cache.model(job.getModelDigest(), job.getModelExternalDataList());
        MeasurementRunner chosen = settings.inProcess() ? inProcessRunner : runner;
        MeasurementResult m;
        try {
            m = chosen.measure(new MeasurementRequest(model, job.getBatchSize(), job.getIntraOpThreads(), settings,
                    inputShapes(job), Map.of(), inputValues(job)));
        } catch (EdgeperfException e) {
            if (e.getMessage().startsWith(InferenceRunner.MODEL_LOAD_FAILURE)) {
                cache.evict(job.getModelDigest());
            }
            throw e;
        }
        JobResult.Builder result = ProtoMapping.result(job, m, hardware, agentVersion, wallClockMs.getAsLong())
                .toBuilder();
        agreement(job, model, result);
        return result.build();
    }

    /**
     * The on-device agreement check (issue 13), after the timed runs and never inside them: the variant on
     * the job's reference inputs against the coordinator's outputs, every output compared. A check that cannot be
     * made is reported in {@code device_agreement_error}, never as a failed measurement; so is the worst output's
     * name when the device disagrees.
     */
    private void agreement(JobAssignment job, Path model, JobResult.Builder result) {
        String digest = job.getReferenceSetDigest();
        if (digest.isEmpty()) {
            return;
        }
        try {
            ReferenceSet set = ReferenceSet.decode(Files.readAllBytes(cache.get(digest)),
                    "reference set " + digest.substring(0, Math.min(12, digest.length())));
            DeviceAgreement a = set.check(model, job.getIntraOpThreads(), "model " + job.getModelName());
            result.setDeviceAgreementCosine(a.cosine()).setDeviceMaxAbsDiff(a.maxAbsDiff())
                    .setDeviceDisagrees(a.disagrees());
            if (a.disagrees()) {
                // the cosine field holds the worst output's; which output that is goes in the reason field
                result.setDeviceAgreementError("disagrees at " + a.describe());
                LOG.warn("job {}: {} {} disagrees with the coordinator's reference outputs at {}", job.getJobId(),
                        job.getModelName(), job.getVariantRecipe(), a.describe());
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("job {}: agreement check not made: {}", job.getJobId(), e.getMessage());
            result.setDeviceAgreementError(String.valueOf(e.getMessage()).lines().findFirst().orElse("unknown"));
        }
    }

    /**
     * The shapes the coordinator resolved for this job's batch, fed as they are: the agent sizes
     * nothing itself (none from an older coordinator: inputs are then sized by the batch alone).
     */
    /** The values the user gave for integer inputs ({@code sr=16000}), fed as they are. */
    static Map<String, long[]> inputValues(JobAssignment job) {
        Map<String, long[]> values = new LinkedHashMap<>();
        job.getInputValuesMap().forEach((name, v) -> values.put(name,
                v.getValuesList().stream().mapToLong(Long::longValue).toArray()));
        return values;
    }

    static Map<String, long[]> inputShapes(JobAssignment job) {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        job.getInputShapesMap().forEach((name, shape) -> {
            long[] dims = shape.getDimsList().stream().mapToLong(Long::longValue).toArray();
            for (long d : dims) {
                if (d < 1) {
                    throw EdgeperfException.userError("job " + job.getJobId() + " gives input '" + name + "' the shape "
                            + shape.getDimsList() + "; expected dimensions >= 1");
                }
            }
            shapes.put(name, dims);
        });
        return shapes;
    }
}

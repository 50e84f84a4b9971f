package dev.edgeperf.coordinator.store;

import dev.edgeperf.proto.DeviceState;
import dev.edgeperf.proto.JobResult;
import dev.edgeperf.proto.LatencyStats;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one declaration of a campaign result row's fields. Each field says how it is read (a SQL
 * expression over {@code jobs j}, {@code campaigns c}, {@code results r}, {@code agents a}), how it
 * is written when the agent's result arrives (a {@code results} column and its value, for fields
 * the result carries) and what it means. The store's insert and select, the CSV and JSON exports,
 * the HTTP API and the dashboard's table all come from this list, so a new field is one constant
 * here plus a migration adding its column.
 *
 * <p>Values are {@code null} where there is none: a failed or cancelled job has no latencies, and
 * an agent may not report every figure. Latencies are per batch in ms; compute latency is
 * {@code session.run} only, end-to-end includes tensor creation and output read.
 */
public enum ResultField {
    JOB_ID("jobId", Type.TEXT, "j.id", "job id", "job_id", c -> c.result().getJobId()),
    CAMPAIGN_ID("campaignId", Type.TEXT, "j.campaign_id", "campaign id"),
    STATE("state", Type.TEXT, "j.state", "queued, leased, done, failed or cancelled"),
    ATTEMPT("attempt", Type.INT, "COALESCE(r.attempt, j.attempt)", "the attempt (1-based) this row is about",
            "attempt", c -> c.result().getAttempt()),
    AGENT_NAME("agentName", Type.TEXT, "a.name", "agent that produced the result, else the one that last held the job"),
    MODEL_NAME("modelName", Type.TEXT, "j.model_name", "model (zoo name or uploaded file name)"),
    MODEL_DIGEST("modelDigest", Type.TEXT, "j.model_digest", "SHA-256 of the variant's ONNX file"),
    MODEL_SIZE_BYTES("modelSizeBytes", Type.LONG, "j.model_size_bytes", "size of the variant's ONNX file, bytes"),
    VARIANT_RECIPE("variantRecipe", Type.TEXT, "j.variant_recipe", "variant recipe, e.g. quantized:int8-static"),
    BATCH_SIZE("batchSize", Type.INT, "j.batch_size", "samples per inference call", "batch_size",
            c -> c.result().getBatchSize()),
    THREADS("threads", Type.INT, "r.threads", "intra-op threads the session used (the engine default resolved)",
            "threads", c -> c.result().getIntraOpThreads()),
    REQUESTED_THREADS("requestedThreads", Type.INT, "j.threads", "intra-op threads asked for; 0 = engine default"),
    CONCURRENCY("concurrency", Type.INT, "j.concurrency", "in-flight requests; 0 or 1 = latency mode",
            "concurrency", c -> c.result().getConcurrency()),
    SELECTOR("selector", Type.TEXT, "j.selector", "device selector the job was planned for"),
    MIN_ITERATIONS("minIterations", Type.INT, "j.min_iterations", "settings: timed runs at least; 0 = agent default"),
    MIN_DURATION_MS("minDurationMs", Type.LONG, "j.min_duration_ms", "settings: timed ms at least; 0 = agent default"),
    MAX_DURATION_MS("maxDurationMs", Type.LONG, "j.max_duration_ms", "settings: timed ms at most; 0 = agent default"),
    TARGET_CI_HALF_WIDTH("targetCiHalfWidth", Type.DOUBLE, "j.target_ci_half_width",
            "settings: relative half-width of the median's 95% CI to reach; 0 = none"),
    FLOPS("flops", Type.LONG, "j.flops", "FLOPs per batch (2 x MACs for conv/gemm/matmul)"),
    MACS("macs", Type.LONG, "j.macs", "multiply-accumulates per batch from the cost model (the variant's"
            + " per-node profile at the job's shapes, as leased); null before the job is leased"),
    PEAK_GFLOPS("peakGflops", Type.DOUBLE, "COALESCE(r.peak_gflops, NULLIF(j.peak_gflops, 0))",
            "peak GFLOP/s the prediction divided by", "peak_gflops", c -> c.prediction().peakGflops()),
    PEAK_BASIS("peakBasis", Type.TEXT, "COALESCE(r.peak_basis, NULLIF(j.peak_basis, ''))",
            "calibrated (measured by agent calibrate) or theoretical (hardware table) peak", "peak_basis",
            c -> c.prediction().basis()),
    PREDICTED_MS("predictedMs", Type.DOUBLE, "COALESCE(r.predicted_ms, NULLIF(j.predicted_ms, 0))",
            "predicted ms per batch, made when the job was leased", "predicted_ms",
            c -> c.prediction().predictedMs()),
    SAMPLE_COUNT("sampleCount", Type.LONG, "r.sample_count", "timed runs", "sample_count", c -> compute(c).getCount()),
    MEAN_MS("meanMs", Type.DOUBLE, "r.mean_ms", "compute latency, mean", "mean_ms", c -> compute(c).getMeanMs()),
    STDEV_MS("stdevMs", Type.DOUBLE, "r.stdev_ms", "compute latency, standard deviation", "stdev_ms",
            c -> compute(c).getStdevMs()),
    MIN_MS("minMs", Type.DOUBLE, "r.min_ms", "compute latency, fastest run", "min_ms", c -> compute(c).getMinMs()),
    P50_MS("p50Ms", Type.DOUBLE, "r.p50_ms", "compute latency, median", "p50_ms", c -> compute(c).getP50Ms()),
    P90_MS("p90Ms", Type.DOUBLE, "r.p90_ms", "compute latency, 90th percentile", "p90_ms", c -> compute(c).getP90Ms()),
    P95_MS("p95Ms", Type.DOUBLE, "r.p95_ms", "compute latency, 95th percentile", "p95_ms", c -> compute(c).getP95Ms()),
    P99_MS("p99Ms", Type.DOUBLE, "r.p99_ms", "compute latency, 99th percentile", "p99_ms", c -> compute(c).getP99Ms()),
    P999_MS("p999Ms", Type.DOUBLE, "r.p999_ms", "compute latency, 99.9th percentile", "p999_ms",
            c -> positive(c.result().getP999Ms())),
    MAX_MS("maxMs", Type.DOUBLE, "r.max_ms", "compute latency, slowest run", "max_ms", c -> compute(c).getMaxMs()),
    P50_CI95_LOW_MS("p50Ci95LowMs", Type.DOUBLE, "r.p50_ci95_low_ms", "95% confidence interval of the median, low",
            "p50_ci95_low_ms", c -> positive(c.result().getP50Ci95LowMs())),
    P50_CI95_HIGH_MS("p50Ci95HighMs", Type.DOUBLE, "r.p50_ci95_high_ms", "95% confidence interval of the median, high",
            "p50_ci95_high_ms", c -> positive(c.result().getP50Ci95HighMs())),
    MEASURED_OVER_PREDICTED("measuredOverPredicted", Type.DOUBLE,
            "r.p50_ms / NULLIF(COALESCE(r.predicted_ms, j.predicted_ms), 0)", "measured p50 / predicted ms"),
    THROUGHPUT_SAMPLES_PER_S("throughputSamplesPerS", Type.DOUBLE, "r.throughput_samples_per_s",
            "samples per second", "throughput_samples_per_s", c -> c.result().getThroughputSamplesPerS()),
    END_TO_END_COUNT("endToEndCount", Type.LONG, "r.e2e_count", "end-to-end timed runs", "e2e_count",
            c -> e2e(c, LatencyStats::getCount)),
    END_TO_END_MEAN_MS("endToEndMeanMs", Type.DOUBLE, "r.e2e_mean_ms", "end-to-end latency, mean", "e2e_mean_ms",
            c -> e2e(c, LatencyStats::getMeanMs)),
    END_TO_END_STDEV_MS("endToEndStdevMs", Type.DOUBLE, "r.e2e_stdev_ms", "end-to-end latency, standard deviation",
            "e2e_stdev_ms", c -> e2e(c, LatencyStats::getStdevMs)),
    END_TO_END_MIN_MS("endToEndMinMs", Type.DOUBLE, "r.e2e_min_ms", "end-to-end latency, fastest run", "e2e_min_ms",
            c -> e2e(c, LatencyStats::getMinMs)),
    END_TO_END_P50_MS("endToEndP50Ms", Type.DOUBLE, "r.e2e_p50_ms", "end-to-end latency, median", "e2e_p50_ms",
            c -> e2e(c, LatencyStats::getP50Ms)),
    END_TO_END_P90_MS("endToEndP90Ms", Type.DOUBLE, "r.e2e_p90_ms", "end-to-end latency, 90th percentile",
            "e2e_p90_ms", c -> e2e(c, LatencyStats::getP90Ms)),
    END_TO_END_P95_MS("endToEndP95Ms", Type.DOUBLE, "r.e2e_p95_ms", "end-to-end latency, 95th percentile",
            "e2e_p95_ms", c -> e2e(c, LatencyStats::getP95Ms)),
    END_TO_END_P99_MS("endToEndP99Ms", Type.DOUBLE, "r.e2e_p99_ms", "end-to-end latency, 99th percentile",
            "e2e_p99_ms", c -> e2e(c, LatencyStats::getP99Ms)),
    END_TO_END_MAX_MS("endToEndMaxMs", Type.DOUBLE, "r.e2e_max_ms", "end-to-end latency, slowest run", "e2e_max_ms",
            c -> e2e(c, LatencyStats::getMaxMs)),
    SESSION_CREATE_MS("sessionCreateMs", Type.DOUBLE, "r.session_create_ms", "cold start: session construction, ms",
            "session_create_ms", c -> c.result().getSessionCreateMs()),
    FIRST_INFERENCE_MS("firstInferenceMs", Type.DOUBLE, "r.first_inference_ms", "cold start: first run, ms",
            "first_inference_ms", c -> c.result().getFirstInferenceMs()),
    WARMUP_ITERATIONS("warmupIterations", Type.INT, "r.warmup_iterations", "untimed warm-up runs made",
            "warmup_iterations", c -> c.result().getWarmupIterations()),
    STOP_REASON("stopReason", Type.TEXT, "r.stop_reason", "why the timed runs stopped", "stop_reason",
            c -> c.result().getStopReason()),
    ENGINE("engine", Type.TEXT, "r.engine", "inference engine", "engine", c -> c.result().getEngine()),
    ENGINE_VERSION("engineVersion", Type.TEXT, "r.engine_version", "engine version at measurement time",
            "engine_version", c -> c.result().getEngineVersion()),
    EXECUTION_PROVIDER("executionProvider", Type.TEXT, "r.execution_provider", "execution provider used",
            "execution_provider", c -> c.result().getExecutionProvider()),
    EXECUTION_PROVIDERS_AVAILABLE("executionProvidersAvailable", Type.TEXT, "r.execution_providers_available",
            "execution providers the engine offered", "execution_providers_available",
            c -> cut(String.join(",", c.result().getExecutionProvidersAvailableList()), 500)),
    JVM("jvm", Type.TEXT, "r.jvm", "JVM that ran the agent", "jvm", c -> c.result().getJvm()),
    AGENT_VERSION("agentVersion", Type.TEXT, "r.agent_version", "agent version", "agent_version",
            c -> c.result().getAgentVersion()),
    HARDWARE_FINGERPRINT("hardwareFingerprint", Type.TEXT, "r.hardware_fingerprint",
            "hash of the agent's hardware at measurement time", "hardware_fingerprint",
            c -> c.result().getHardwareFingerprint()),
    ARCH("arch", Type.TEXT, "r.arch", "CPU architecture at measurement time", "arch", c -> c.hardware().arch()),
    BOARD("board", Type.TEXT, "r.board", "board at measurement time", "board", c -> c.hardware().board()),
    CPU_MODEL("cpuModel", Type.TEXT, "r.cpu_model", "CPU model at measurement time", "cpu_model",
            c -> c.hardware().cpuModel()),
    CPU_TEMP_BEFORE_C("cpuTempBeforeC", Type.DOUBLE, "r.cpu_temp_before_c", "CPU temperature before the runs, C",
            "cpu_temp_before_c", c -> temp(c.result().hasBefore() ? c.result().getBefore() : null)),
    CPU_FREQ_BEFORE_HZ("cpuFreqBeforeHz", Type.LONG, "r.cpu_freq_before_hz", "CPU frequency before the runs, Hz",
            "cpu_freq_before_hz", c -> freq(c.result().hasBefore() ? c.result().getBefore() : null)),
    CPU_TEMP_AFTER_C("cpuTempAfterC", Type.DOUBLE, "r.cpu_temp_after_c", "CPU temperature after the runs, C",
            "cpu_temp_after_c", c -> temp(c.result().hasAfter() ? c.result().getAfter() : null)),
    CPU_FREQ_AFTER_HZ("cpuFreqAfterHz", Type.LONG, "r.cpu_freq_after_hz", "CPU frequency after the runs, Hz",
            "cpu_freq_after_hz", c -> freq(c.result().hasAfter() ? c.result().getAfter() : null)),
    THROTTLED("throttled", Type.BOOL, "r.throttled", "the CPU throttled during the runs", "throttled",
            c -> c.result().getThrottled()),
    THROTTLE_EVIDENCE("throttleEvidence", Type.TEXT, "r.throttle_evidence", "why throttled is true",
            "throttle_evidence", c -> cut(c.result().getThrottleEvidence(), 500)),
    CPU_GOVERNOR("cpuGovernor", Type.TEXT, "r.cpu_governor", "cpufreq governor", "cpu_governor",
            c -> c.result().getCpuGovernor().isEmpty() ? null : cut(c.result().getCpuGovernor(), 64)),
    LOAD_AVERAGE_1M("loadAverage1m", Type.DOUBLE, "r.load_average_1m", "1-minute load average before the runs",
            "load_average_1m", c -> c.result().hasLoadAverage1M() ? c.result().getLoadAverage1M() : null),
    WORKER_PEAK_RSS_BYTES("workerPeakRssBytes", Type.LONG, "r.worker_peak_rss_bytes",
            "peak resident memory of the forked worker, bytes", "worker_peak_rss_bytes",
            c -> c.result().getWorkerPeakRssBytes() > 0 ? c.result().getWorkerPeakRssBytes() : null),
    SESSION_FOOTPRINT_BYTES("sessionFootprintBytes", Type.LONG, "r.session_footprint_bytes",
            "resident memory growth across session creation, bytes", "session_footprint_bytes",
            c -> c.result().getSessionFootprintBytes() > 0 ? c.result().getSessionFootprintBytes() : null),
    IN_PROCESS("inProcess", Type.BOOL, "r.in_process", "measured in the agent's JVM instead of a forked worker",
            "in_process", c -> c.result().getInProcess()),
    QUEUE_WAIT_MS("queueWaitMs", Type.LONG, "r.queue_wait_ms", "queued until leased, coordinator clock, ms",
            "queue_wait_ms", c -> Math.max(0, c.queueWaitMs())),
    MEASUREMENT_MS("measurementMs", Type.LONG, "r.measurement_ms", "leased until the result arrived, ms",
            "measurement_ms", c -> Math.max(0, c.measurementMs())),
    AGENT_FINISHED_UNIX_MS("agentFinishedUnixMs", Type.LONG, "r.finished_ms", "when the agent finished, agent clock",
            "finished_ms", c -> c.result().getFinishedUnixMs()),
    RECEIVED_UNIX_MS("receivedUnixMs", Type.LONG, "r.received_ms", "when the result arrived, coordinator clock",
            "received_ms", ResultCommit::receivedMs),
    FINISHED_UNIX_MS("finishedUnixMs", Type.LONG, "j.finished_ms", "when the job ended, coordinator clock"),
    FAILURE_REASON("failureReason", Type.TEXT, "j.failure_reason", "why the job failed or was cancelled"),
    // input shapes in campaigns (issue 10 item 2)
    INPUT_SHAPES("inputShapes", Type.TEXT, "r.input_shapes",
            "the shape of every model input the agent fed, e.g. x=8x3x320x320 y=8x10", "input_shapes",
            c -> c.inputShapes().isEmpty() ? null : cut(c.inputShapes(), 4000)),
    // No-op variants (issue 10): a recipe that changed nothing is measured as what it is, the baseline.
    VARIANT_NOOP("variantNoop", Type.BOOL, "j.variant_noop",
            "the variant's recipe changed nothing (no node quantized, nothing pruned): it computes what the baseline does"),
    VARIANT_NOOP_REASON("variantNoopReason", Type.TEXT, "NULLIF(j.variant_noop_reason, '')",
            "why the variant is a no-op; empty otherwise"),
    // Calibration data and fidelity of the variant (issue 10 items 5 and 7), kept with the job since V8.
    CALIBRATION("calibration", Type.TEXT, "NULLIF(j.calibration, '')",
            "data the variant was calibrated and checked on, e.g. random (seed 20240601), mnist train[0:256],"
                    + " images:DIR 64 files; null = not recorded"),
    FIDELITY_COSINE("fidelityCosine", Type.DOUBLE, "j.fidelity_cosine",
            "cosine similarity of the variant's output to the baseline's on the calibration data; null for baselines"),
    FIDELITY_SQNR_DB("fidelitySqnrDb", Type.DOUBLE, "j.fidelity_sqnr_db",
            "signal-to-quantization-noise ratio of the variant's output vs the baseline's, dB; null when identical"
                    + " or for baselines"),
    FIDELITY_TOP1("fidelityTop1", Type.DOUBLE, "j.fidelity_top1",
            "top-1 agreement with the baseline (0..1), classifier outputs [N, classes] only; null otherwise"),
    // Every predictor's prediction, made at lease time with the leasing agent's device profile (issue 12, V9).
    PREDICTED_NAIVE_MS("predictedNaiveMs", Type.DOUBLE, predictedBy("naive-flops"),
            "naive-flops predictor: FLOPs / peak, ms per batch; null = could not predict"),
    PREDICTED_ROOFLINE_MS("predictedRooflineMs", Type.DOUBLE, predictedBy("roofline"),
            "roofline predictor: per node max(compute, memory) + dispatch overhead, ms per batch; null = could not"
                    + " predict (uncalibrated device)"),
    PREDICTED_KERNEL_MS("predictedKernelMs", Type.DOUBLE, predictedBy("kernel"),
            "kernel predictor: sum of per-kernel regressors, ms per batch; null = not registered or could not predict"),
    PREDICTED_LEARNED_MS("predictedLearnedMs", Type.DOUBLE, predictedBy("learned-from-campaigns"),
            "learned-from-campaigns predictor: the kernel (complete) or roofline figure x a correction fitted on other"
                    + " models measured on the same agent, ms per batch; null = too few such cells or no base figure"),
    RECOMMENDED_PREDICTOR("recommendedPredictor", Type.TEXT, "NULLIF(j.recommended_predictor, '')",
            "the predictor whose figure to believe for this job (kernel when it predicted every kernel, else roofline when it"
                    + " could predict, else naive-flops)"),
    PREDICTION_STALE("predictionStale", Type.BOOL, "j.prediction_stale",
            "the device profile the predictions came from was measured on other hardware or another engine version"),
    PREDICTION_STALE_REASON("predictionStaleReason", Type.TEXT, "NULLIF(j.prediction_stale_reason, '')",
            "why the predictions are stale; null when they are not"),
    // Accuracy on the campaign's labelled evaluation data (issue 13 item 1), measured once per variant at
    // preparation on the coordinator, kept with the job since V10.
    EVALUATION("evaluation", Type.TEXT, "NULLIF(j.evaluation, '')",
            "labelled data accuracy was measured on, e.g. mnist test[0:10000]; null = no evaluation data given"),
    EVALUATION_SAMPLES("evaluationSamples", Type.INT, "j.eval_samples", "labelled samples accuracy was measured on"),
    ACCURACY_TOP1("accuracyTop1", Type.DOUBLE, "j.accuracy_top1",
            "top-1 accuracy (0..1) on the evaluation data, as ONNX Runtime on the coordinator computes it"),
    ACCURACY_TOP5("accuracyTop5", Type.DOUBLE, "j.accuracy_top5",
            "top-5 accuracy (0..1) on the evaluation data; null with 5 classes or fewer"),
    EVAL_FIDELITY_COSINE("evalFidelityCosine", Type.DOUBLE, "j.eval_cosine",
            "cosine similarity of the variant's output to the baseline's on the evaluation data; null for baselines"),
    EVAL_FIDELITY_SQNR_DB("evalFidelitySqnrDb", Type.DOUBLE, "j.eval_sqnr_db",
            "SQNR of the variant's output vs the baseline's on the evaluation data, dB; null when identical or for"
                    + " baselines"),
    EVAL_TOP1_AGREEMENT("evalTop1Agreement", Type.DOUBLE, "j.eval_top1_agreement",
            "top-1 agreement (0..1) with the baseline on the evaluation data; null for baselines"),
    // input values in campaigns (issue 10): --value sr=16000, a spec's values:
    INPUT_VALUES("inputValues", Type.TEXT, "r.input_values",
            "the values the user gave for integer inputs, fed instead of generated data, e.g. sr=16000", "input_values",
            c -> c.inputValues().isEmpty() ? null : cut(c.inputValues(), 2000)),
    // The on-device agreement check (issue 13 item 1, V13): the agent's outputs on the variant's reference inputs
    // against the coordinator's ONNX Runtime outputs, made after the timed runs.
    DEVICE_AGREEMENT_COSINE("deviceAgreementCosine", Type.DOUBLE, "r.device_agreement_cosine",
            "cosine similarity of the device's outputs to the coordinator's on the variant's reference inputs (batch 1),"
                    + " the worst of the model's float outputs; null = not checked or a non-finite output", "device_agreement_cosine",
            c -> c.result().hasDeviceAgreementCosine() ? finite(c.result().getDeviceAgreementCosine()) : null),
    DEVICE_MAX_ABS_DIFF("deviceMaxAbsDiff", Type.DOUBLE, "r.device_max_abs_diff",
            "largest absolute difference of one output value between the device and the coordinator on the reference"
                    + " inputs, in the output's units; null = not checked", "device_max_abs_diff",
            c -> c.result().hasDeviceMaxAbsDiff() ? finite(c.result().getDeviceMaxAbsDiff()) : null),
    DEVICE_DISAGREES("deviceDisagrees", Type.BOOL, "r.device_disagrees",
            "true when the device computes something else: agreement cosine below 0.99 or a non-finite output"
                    + " (a flag, not a failed job); null = not checked", "device_disagrees",
            c -> c.result().hasDeviceAgreementCosine() ? (Object) c.result().getDeviceDisagrees() : null),
    DEVICE_AGREEMENT_ERROR("deviceAgreementError", Type.TEXT, "r.device_agreement_error",
            "why the agreement check could not be made, or, when the device disagrees, which output is worst"
                    + " (disagrees at output 'NAME' (worst of N): cosine C, ...); null = made and agrees, or no reference set", "device_agreement_error",
            c -> c.result().getDeviceAgreementError().isEmpty() ? null : cut(c.result().getDeviceAgreementError(), 500)),
    // execution providers per job (issue 14 item 3, V11)
    PROVIDERS_REQUESTED("providersRequested", Type.TEXT, "NULLIF(j.providers, '')",
            "the execution providers the campaign requested, in order, e.g. cuda,cpu; null = none (CPU alone)"),
    PROVIDER_NODES("providerNodes", Type.TEXT, "r.provider_nodes",
            "nodes of the profiled pass per execution provider, e.g. CPUExecutionProvider=12; null = unknown",
            "provider_nodes", c -> c.result().getProviderNodes().isEmpty() ? null : cut(c.result().getProviderNodes(), 2000));

    /** How a value is read from SQL and written to the wire. */
    public enum Type { TEXT, INT, LONG, DOUBLE, BOOL }

    private static final Map<String, ResultField> BY_KEY = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(ResultField::key, f -> f));

    private final String key;
    private final Type type;
    private final String select;
    private final String description;
    private final String column;
    private final Function<ResultCommit, Object> fromCommit;

    ResultField(String key, Type type, String select, String description) {
        this(key, type, select, description, null, null);
    }

    ResultField(String key, Type type, String select, String description, String column,
                Function<ResultCommit, Object> fromCommit) {
        this.key = key;
        this.type = type;
        this.select = select;
        this.description = description;
        this.column = column;
        this.fromCommit = fromCommit;
    }

    /** The name in JSON, the API, the wire and the dashboard, camelCase, e.g. {@code p50Ms}. */
    public String key() {
        return key;
    }

    /** The CSV column name: the key in snake_case, e.g. {@code p50_ms}. */
    public String csvName() {
        return key.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    public Type type() {
        return type;
    }

    /** What the value means, with its unit. */
    public String description() {
        return description;
    }

    /** SQL expression reading the field. */
    String select() {
        return select;
    }

    /** True for fields written from the agent's result into a {@code results} column. */
    boolean stored() {
        return column != null;
    }

    String column() {
        return column;
    }

    Object valueOf(ResultCommit commit) {
        return fromCommit.apply(commit);
    }

    public static List<ResultField> all() {
        return List.of(values());
    }

    /** @throws IllegalArgumentException for a key no field has */
    public static ResultField byKey(String key) {
        ResultField f = BY_KEY.get(Objects.requireNonNull(key, "key is null"));
        if (f == null) {
            throw new IllegalArgumentException("no result field '" + key + "'");
        }
        return f;
    }

    /** The stored prediction of one predictor for the row's attempt; 0 (could not predict) reads as null. */
    private static String predictedBy(String predictor) {
        return "(SELECT NULLIF(p.predicted_ms, 0) FROM job_predictions p WHERE p.job_id = j.id"
                + " AND p.attempt = COALESCE(r.attempt, j.attempt) AND p.predictor = '" + predictor + "')";
    }

    private static LatencyStats compute(ResultCommit c) {
        return c.result().getComputeLatency();
    }

    private static Object e2e(ResultCommit c, Function<LatencyStats, Object> stat) {
        JobResult r = c.result();
        return r.hasEndToEndLatency() ? stat.apply(r.getEndToEndLatency()) : null;
    }

    private static Double positive(double value) {
        return value > 0 ? value : null;
    }

    private static Double finite(double value) {
        return Double.isFinite(value) ? value : null;
    }

    private static Double temp(DeviceState s) {
        return s != null && s.hasCpuTempC() ? s.getCpuTempC() : null;
    }

    private static Long freq(DeviceState s) {
        return s != null && s.hasCpuFreqHz() ? s.getCpuFreqHz() : null;
    }

    private static String cut(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}

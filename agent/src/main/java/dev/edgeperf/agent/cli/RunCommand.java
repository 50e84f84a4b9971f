package dev.edgeperf.agent.cli;

import dev.edgeperf.agent.calibrate.CalibrationFigures;
import dev.edgeperf.agent.calibrate.CalibrationStore;
import dev.edgeperf.agent.calibrate.MicroModels;
import dev.edgeperf.agent.calibrate.ProfileRefresh;
import dev.edgeperf.agent.measure.ForkedRunner;
import dev.edgeperf.agent.measure.InferenceRunner;
import dev.edgeperf.agent.measure.OrtNatives;
import dev.edgeperf.agent.measure.MeasurementRunner;
import dev.edgeperf.agent.net.AgentClient;
import dev.edgeperf.agent.net.AgentConfig;
import dev.edgeperf.agent.net.CoordinatorChannel;
import dev.edgeperf.agent.probe.DeviceSensors;
import dev.edgeperf.agent.probe.HardwareInfo;
import dev.edgeperf.agent.probe.HardwareProbe;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.EdgeperfVersion;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run}: join a coordinator and measure the jobs it sends until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Connect to a coordinator and run its measurement jobs (one at a time) until stopped.",
        footer = {"", "Examples:", "  scripts/agent run --coordinator=192.168.1.10:7700 --token-file=join-token",
                "  export " + RunCommand.COORDINATOR_ENV + "=10.0.0.5:7700 " + RunCommand.TOKEN_FILE_ENV
                        + "=~/join-token", "  scripts/agent run --name=pi5-kitchen"})
final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    private static final Pattern TARGET = Pattern.compile("([^\\s:/]+|\\[[0-9a-fA-F:.]+\\]):(\\d{1,5})");

    static final String COORDINATOR_ENV = "EDGEPERF_COORDINATOR";
    static final String TOKEN_FILE_ENV = "EDGEPERF_TOKEN_FILE";
    static final String DEFAULT_TOKEN_FILE = "./edgeperf-data/join-token";

    @Option(names = "--coordinator", paramLabel = "HOST:PORT", defaultValue = "${env:" + COORDINATOR_ENV + "}",
            description = "Coordinator gRPC address, plaintext unless --tls-ca is given "
                    + "(default: $" + COORDINATOR_ENV + ").")
    String coordinator;

    @Option(names = "--tls-ca", paramLabel = "PEM",
            description = "Talk TLS to the coordinator, trusting this CA or self-signed certificate (PEM).")
    Path tlsCa;

    @Option(names = "--name", paramLabel = "NAME", description = "Agent name, unique in the fleet (default: host name).")
    String name;

    @Option(names = "--token-file", paramLabel = "FILE",
            defaultValue = "${env:" + TOKEN_FILE_ENV + ":-" + DEFAULT_TOKEN_FILE + "}",
            description = "File holding the coordinator's join token (default: $" + TOKEN_FILE_ENV + ", else "
                    + DEFAULT_TOKEN_FILE + ").")
    Path tokenFile;

    @CommandLine.Mixin
    WorkDirOption work;

    private Path workDir;

    @Option(names = "--labels", paramLabel = "K=V", split = ",", description = "Labels, e.g. rack=a,owner=lab.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--connect-timeout", paramLabel = "DURATION", defaultValue = "60s",
            converter = DurationConverter.class,
            description = "Give up when the coordinator stays unreachable this long at start (default: ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    @Option(names = "--cache-max-bytes", paramLabel = "SIZE", defaultValue = "2G",
            converter = ByteSizeConverter.class,
            description = "Size limit of the model cache in the work dir; least recently used models are "
                    + "evicted after each download (bytes, or e.g. 512M, 2G; default: ${DEFAULT-VALUE}).")
    long cacheMaxBytes;

    @Option(names = "--refresh-calibration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Before joining, refresh the stored profile for this long (as `calibrate --refresh "
                    + "--budget DURATION`, e.g. 30s), so that the coordinator predicts with the device's speed of today.")
    Duration refreshCalibration;

    @Option(names = "--refresh-every", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "While serving, refresh the profile again this often (between jobs, each for the"
                    + " --refresh-calibration budget) and rejoin the coordinator with it, e.g. 6h: on a shared"
                    + " machine whose speed drifts by the hour.")
    Duration refreshEvery;

    @Option(names = "--in-process", hidden = true,
            description = "Measure every job in this JVM instead of a forked worker per job (debugging).")
    boolean inProcess;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (coordinator == null || coordinator.isBlank()) {
            throw EdgeperfException.userError("no coordinator given; pass --coordinator=HOST:PORT (e.g. "
                    + "--coordinator=192.168.1.10:7700) or set " + COORDINATOR_ENV);
        }
        String target = validateTarget(coordinator);
        if (refreshCalibration != null && refreshCalibration.isZero()) {
            throw EdgeperfException.userError("--refresh-calibration 0 refreshes nothing; expected a duration such as"
                    + " 30s, or leave it out");
        }
        if (refreshEvery != null && (refreshCalibration == null || refreshEvery.isZero())) {
            throw EdgeperfException.userError(refreshEvery.isZero() ? "--refresh-every 0 never refreshes; expected a"
                    + " duration such as 6h, or leave it out" : "--refresh-every needs --refresh-calibration DURATION,"
                    + " the budget of each refresh (e.g. --refresh-calibration 30s --refresh-every 6h)");
        }
        String token = readToken(tokenFile, tokenFileSource());
        workDir = work.prepare();
        ManagedChannel channel = CoordinatorChannel.open(target, Optional.ofNullable(tlsCa));
        try {
            serve(channel, target, token);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        return 0;
    }

    private void serve(ManagedChannel channel, String target, String token) throws IOException {
        HardwareInfo hardware = HardwareProbe.detectThisMachine();
        String agentName = name != null && !name.isBlank() ? name : hardware.hostname();
        if (refreshCalibration != null) {
            refreshCalibration(hardware);
        }
        Optional<CalibrationFigures> calibration = readCalibration(workDir);
        AgentConfig config = new AgentConfig(agentName, target, token, tokenFile, workDir, labels, connectTimeout,
                AgentConfig.DEFAULT_FETCH_TIMEOUT, hardware, EdgeperfVersion.get(), InferenceRunner.engineVersion(),
                profileToSend(calibration, workDir), cacheMaxBytes, Optional.ofNullable(tlsCa));
        SystemInfo si = new SystemInfo();
        DeviceSensors sensors = DeviceSensors.forThisMachine(() -> si.getHardware().getSensors().getCpuTemperature());
        InferenceRunner inProcessRunner = new InferenceRunner(sensors, hardware.physicalCores());
        MeasurementRunner runner = inProcess ? inProcessRunner
                : new ForkedRunner(workDir.resolve("work"), hardware.physicalCores());
        calibration.ifPresentOrElse(c -> LOG.info("calibration from {}: matmul {} GFLOPS, memory {} GB/s",
                        CalibrationStore.inWorkDir(workDir).file(), Math.round(c.matmulGflops()), Math.round(c.memoryGbPerS())),
                () -> LOG.info("no calibration in {}; run `agent calibrate` to measure this machine's peak", workDir));
        LOG.info("agent {} on {} ({}, {} cores, peak {} GFLOPS fp32), work dir {}, model cache up to {} MiB, {}",
                agentName, hardware.board(), hardware.cpuModel(), hardware.physicalCores(),
                Math.round(hardware.peakGflopsFp32()), workDir, cacheMaxBytes >> 20,
                tlsCa == null ? "plaintext" : "TLS trusting " + tlsCa);
        LOG.info("ONNX Runtime {} from {}, execution providers {}", config.engineVersion(),
                OrtNatives.loaded().isEmpty() ? "an unknown place" : OrtNatives.loaded(), InferenceRunner.availableProviders());
        LOG.info("gRPC transport {}", CoordinatorChannel.transport());

        AgentClient client = AgentClient.measuring(channel, config, runner, inProcessRunner);
        if (refreshEvery != null) {
            client.refreshProfileEvery(refreshEvery, () -> {
                refreshCalibration(hardware);
                return profileToSend(readCalibration(workDir), workDir);
            });
        }
        Runtime.getRuntime().addShutdownHook(new Thread(client::close, "edgeperf-shutdown"));
        client.run();
    }

    /** Brings the stored profile up to date ({@link ProfileRefresh}) before it is sent to the coordinator. */
    private void refreshCalibration(HardwareInfo hardware) {
        ProfileRefresh refresh = ProfileRefresh.of(workDir, new CalibrationStore.MeasuredOn(hardware.fingerprint(),
                InferenceRunner.engineVersion()));
        LOG.info("refreshing the calibration in {} for {} s", refresh.store().file(), refreshCalibration.toSeconds());
        refresh.run(new InferenceRunner(DeviceSensors.forThisMachine(() -> Double.NaN), hardware.physicalCores()),
                workDir.resolve("work"), MicroModels.Sizes.FULL, 0, refreshCalibration, line -> LOG.info("refresh: {}", line));
    }

    /** The hello's profile: the stored figures, stamped with what they were measured on, and the kernel samples. */
    private static Optional<dev.edgeperf.proto.Calibration> profileToSend(Optional<CalibrationFigures> figures,
                                                                          Path workDir) {
        return figures.map(c -> withKernels(CalibrationStore.inWorkDir(workDir).measuredOn().stamp(c.toProto()),
                workDir));
    }

    /** The stored calibration; a broken file is logged and ignored, so it never stops the agent serving. */
    static Optional<CalibrationFigures> readCalibration(Path workDir) {
        try {
            return CalibrationStore.inWorkDir(workDir).read();
        } catch (EdgeperfException e) {
            LOG.warn("{}; serving without calibration", e.getMessage());
            return Optional.empty();
        }
    }

    /** The calibration with its kernel samples (field 90) when the file has valid ones; a broken section is logged. */
    static dev.edgeperf.proto.Calibration withKernels(dev.edgeperf.proto.Calibration figures, Path workDir) {
        try {
            return CalibrationStore.inWorkDir(workDir).readKernels().map(k -> figures.toBuilder()
                    .setKernels(dev.edgeperf.core.predict.kernel.KernelCalibrationProto.toProto(k)).build())
                    .orElse(figures);
        } catch (EdgeperfException e) {
            LOG.warn("{}; sending the calibration without kernel samples", e.getMessage());
            return figures;
        }
    }

    static String validateTarget(String value) {
        Matcher m = TARGET.matcher(value.trim());
        if (!m.matches() || Integer.parseInt(m.group(2)) < 1 || Integer.parseInt(m.group(2)) > 65535) {
            throw EdgeperfException.userError("--coordinator '" + value + "' is not HOST:PORT (e.g. 192.168.1.10:7443)");
        }
        return value.trim();
    }

    /** Where {@code --token-file}'s value came from, for the error that says where the agent looked. */
    private String tokenFileSource() {
        if (spec != null && spec.commandLine().getParseResult() != null
                && spec.commandLine().getParseResult().hasMatchedOption("--token-file")) {
            return "--token-file";
        }
        String env = System.getenv(TOKEN_FILE_ENV);
        return env != null && !env.isBlank() ? TOKEN_FILE_ENV : "the default; neither --token-file nor "
                + TOKEN_FILE_ENV + " was given";
    }

    static String readToken(Path file) {
        return readToken(file, "--token-file");
    }

    /** @param source where {@code file} came from ("--token-file", the variable, the default) */
    static String readToken(Path file, String source) {
        String token;
        try {
            token = Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (NoSuchFileException e) {
            throw EdgeperfException.userError("join token file " + file + " does not exist (from " + source
                    + "); copy <data-dir>/join-token from the coordinator's host, then pass --token-file=FILE or set "
                    + TOKEN_FILE_ENV + "=FILE");
        } catch (IOException e) {
            throw EdgeperfException.userError("cannot read join token file " + file + ": " + e.getMessage());
        }
        if (token.isEmpty()) {
            throw EdgeperfException.userError("join token file " + file + " is empty");
        }
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw EdgeperfException.userError("join token file " + file
                    + " holds characters other than printable ASCII; expected the token on one line");
        }
        return token;
    }
}

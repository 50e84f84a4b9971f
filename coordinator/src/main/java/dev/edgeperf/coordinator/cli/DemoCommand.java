package dev.edgeperf.coordinator.cli;

import dev.edgeperf.coordinator.app.AgentProcesses;
import dev.edgeperf.coordinator.app.CoordinatorConfig;
import dev.edgeperf.coordinator.app.CoordinatorRuntime;
import dev.edgeperf.coordinator.app.StopSignals;
import dev.edgeperf.coordinator.grpc.CampaignMessages;
import dev.edgeperf.coordinator.review.ParetoFront;
import dev.edgeperf.coordinator.schedule.SchedulerSettings;
import dev.edgeperf.coordinator.spec.CampaignSpec;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.calibration.CalibrationSource;
import dev.edgeperf.core.data.DatasetLocator;
import dev.edgeperf.proto.CampaignStatus;
import dev.edgeperf.proto.MeasurementSettings;
import dev.edgeperf.proto.SubmitCampaignRequest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code edgeperf demo}: an in-process coordinator, N local agent processes and the default
 * campaign (mnist-cnn as baseline, int8-static and structured-pruned variants at batches 1 and 8,
 * calibrated and evaluated on MNIST when the datasets are there), the results and the accuracy-vs-p50
 * Pareto front, then the dashboard until Ctrl-C. The agents share this machine, so the scheduler runs
 * their jobs one at a time (per-host exclusivity), and the campaign takes N x 6 jobs' time, each
 * bounded by {@link #SETTINGS}' max duration.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run a coordinator and local agents, measure mnist-cnn and two of its variants and show the"
                + " results, accuracy and the Pareto front.",
        footer = {"%nExamples:", "  edgeperf demo", "  edgeperf demo --agents 1 --exit --grpc-port=0 --http-port=0"})
final class DemoCommand implements Callable<Integer> {
    static final List<String> MODELS = List.of("mnist-cnn");
    /** One recipe that keeps accuracy and gets faster, one that gets faster and loses it: the Pareto front decides. */
    static final List<String> VARIANTS = List.of("baseline", "quantized:int8-static", "pruned:structured:0.5");
    static final List<Integer> BATCHES = List.of(1, 8);
    /** Short but sane: enough iterations for a stable p50 on a laptop in a few seconds per job. */
    static final MeasurementSettings SETTINGS = MeasurementSettings.newBuilder().setWarmupIterations(20)
            .setMinIterations(100).setMinDurationMs(1_000).setMaxDurationMs(5_000).build();
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(60);
    static final Duration CAMPAIGN_TIMEOUT = Duration.ofMinutes(10);

    @Option(names = "--agents", paramLabel = "N", defaultValue = "2", description = "Local agent processes (default: ${DEFAULT-VALUE}).")
    int agents;

    @Option(names = "--exit", description = "Stop everything once the results are printed instead of waiting for Ctrl-C.")
    boolean exit;

    @Mixin
    ServeCommand.ServerOptions server;

    @Mixin
    VerboseOption verbose;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
        server.validate();
        if (agents < 1 || agents > 16) {
            throw EdgeperfException.userError("--agents must be between 1 and 16, got '" + agents + "'");
        }
        PrintWriter out = spec.commandLine().getOut();
        AgentProcesses processes = new AgentProcesses(AgentProcesses.resolveAgentJar());
        CoordinatorRuntime runtime = CoordinatorRuntime.start(new CoordinatorConfig(server.bind, server.httpBind,
                server.grpcPort, server.httpPort, server.dataDir, Optional.empty(), SchedulerSettings.DEFAULTS,
                Optional.empty()));
        Thread shutdown = new Thread(() -> {
            processes.close();
            runtime.close();
        }, "edgeperf-demo-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        StopSignals.install(() -> {
            processes.close();
            runtime.close();
            System.exit(130); // the main thread may be waiting on agents or the campaign, not on the server
        });
        try {
            out.println(runtime.listeningLine());
            out.flush();
            Path dataDir = runtime.config().dataDir();
            for (int i = 1; i <= agents; i++) {
                String name = "demo-agent-" + i;
                processes.start(name, server.bind + ":" + runtime.grpcPort(), runtime.joinTokenFile(),
                        dataDir.resolve("agents").resolve(name), dataDir.resolve("logs").resolve(name + ".log"));
            }
            awaitAgents(runtime, processes);
            CampaignStatus submitted = CampaignMessages.status(runtime.campaigns().submit(CampaignMessages.request(
                    request(DatasetLocator.system().locate().isPresent()))));
            spec.commandLine().getErr().println("submitted campaign " + submitted.getCampaignId() + ": "
                    + CampaignReport.submitted(submitted) + (agents > 1 ? "; the " + agents + " agents share this"
                    + " machine, so they measure one at a time" : ""));
            CampaignStatus done = CampaignWatcher.await(
                    () -> CampaignMessages.status(runtime.campaigns().status(submitted.getCampaignId())),
                    submitted, CAMPAIGN_TIMEOUT, System.err);
            out.print(CampaignReport.table(done));
            out.println();
            out.print(CampaignParetoCommand.render(ParetoFront.of(ReviewInputs.rows(done), ParetoFront.Metric.P50,
                    null, null)));
            out.println("Dashboard: http://" + server.bind + ":" + runtime.httpPort() + "/");
            out.flush();
            if (!exit) {
                spec.commandLine().getErr().println("press Ctrl-C to stop the coordinator and the agents");
                runtime.blockUntilShutdown();
            }
            if (done.getJobsFailed() > 0) {
                throw EdgeperfException.external(done.getJobsFailed() + " of " + done.getJobsTotal()
                        + " demo jobs failed; see the table and the agent logs in " + dataDir.resolve("logs"), null);
            }
            return 0;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdown);
            } catch (IllegalStateException alreadyShuttingDown) {
                // Ctrl-C: the hook is running too; both clean-ups are idempotent
            }
            processes.close();
            runtime.close();
        }
    }

    /**
     * The demo campaign. With MNIST at hand (scripts/fetch-datasets.sh) the variants are calibrated and evaluated on
     * it, so results carry top-1; without, calibration is random and the quality axis is fidelity to the baseline.
     */
    static SubmitCampaignRequest request(boolean mnist) {
        SubmitCampaignRequest.Builder b = SubmitCampaignRequest.newBuilder()
                .setName("demo: mnist-cnn x 3 variants, batch 1,8").addAllModels(MODELS).addAllVariants(VARIANTS)
                .addAllBatchSizes(BATCHES).setSettings(SETTINGS);
        CalibrationSource calibration = CalibrationSource.parse(mnist ? "mnist" : "random", null, null);
        b.addCalibrations(CampaignSpec.calibrationMessage("", calibration));
        if (mnist) {
            b.addEvaluations(CampaignSpec.evaluationMessage("", calibration));
        }
        return b.build();
    }

    private void awaitAgents(CoordinatorRuntime runtime, AgentProcesses processes) throws InterruptedException {
        long deadline = System.nanoTime() + CONNECT_TIMEOUT.toNanos();
        while (!runtime.fleet().awaitConnected(agents, Duration.ofMillis(250))) {
            Optional<String> exited = processes.exited();
            if (exited.isPresent()) {
                throw EdgeperfException.external(exited.get() + " before connecting", null);
            }
            if (System.nanoTime() > deadline) {
                throw EdgeperfException.external(runtime.fleet().connected().size() + " of " + agents
                        + " agents connected within " + CONNECT_TIMEOUT.toSeconds() + " s; see the logs in "
                        + runtime.config().dataDir().resolve("logs"), null);
            }
        }
    }
}

package dev.edgeperf.coordinator.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hand-written {@link DashboardData}: two agents, two campaigns. The newest campaign ({@link #LATEST})
 * has one model variant measured by both agents at batch sizes 1, 4 and 16; the older one has two rows.
 */
class FakeDashboardData implements DashboardData {
    static final String LATEST = "c-0002";
    static final String OLDER = "c-0001";
    static final long NOW = System.currentTimeMillis();
    static final long MNIST_FLOPS = 4_620_000L;

    final AtomicInteger resultCalls = new AtomicInteger();
    volatile Optional<String> lastCampaignFilter = Optional.empty();
    private final boolean empty;

    FakeDashboardData() {
        this(false);
    }

    private FakeDashboardData(boolean empty) {
        this.empty = empty;
    }

    static FakeDashboardData empty() {
        return new FakeDashboardData(true);
    }

    @Override
    public List<AgentView> agents() {
        if (empty) {
            return List.of();
        }
        return List.of(
                new AgentView("a-1", "pi5-kitchen", true, NOW - 3_000,
                        new HardwareView("Cortex-A76", 4, 4, 2_400_000_000L, 8L << 30, "Linux 6.6", "aarch64",
                                List.of("neon", "asimddp", "fp16"), 76.8, "4 cores x 2.4 GHz x 8 FLOP/cycle",
                                "Raspberry Pi 5 Model B", "fp-pi5"),
                        "onnxruntime 1.19.2", Map.of("site", "kitchen")),
                new AgentView("a-2", "x86-lab", false, NOW - 7_200_000,
                        new HardwareView("Intel(R) Core(TM) i7-8700 CPU @ 3.20GHz", 6, 12, 4_600_000_000L, 32L << 30,
                                "Linux 6.1", "amd64", List.of("sse4_2", "avx2", "fma"), 883.2,
                                "6 cores x 4.6 GHz x 32 FLOP/cycle", "", "fp-x86"),
                        "onnxruntime 1.19.2", Map.of()));
    }

    @Override
    public List<CampaignView> campaigns() {
        if (empty) {
            return List.of();
        }
        return List.of(
                new CampaignView(LATEST, "batch-sweep", "DONE", NOW - 60_000, 6, 6, 0),
                new CampaignView(OLDER, "smoke", "DONE", NOW - 86_400_000, 3, 2, 1));
    }

    @Override
    public List<ResultView> results(Optional<String> campaignId) {
        resultCalls.incrementAndGet();
        lastCampaignFilter = campaignId;
        if (empty) {
            return List.of();
        }
        List<ResultView> all = new ArrayList<>();
        int[] batches = {1, 4, 16};
        String[][] agents = {{"pi5-kitchen", "76.8", "2.1"}, {"x86-lab", "883.2", "4.0"}};
        int job = 0;
        for (String[] agent : agents) {
            double peak = Double.parseDouble(agent[1]);
            double inefficiency = Double.parseDouble(agent[2]);
            for (int batch : batches) {
                long flops = MNIST_FLOPS * batch;
                double predicted = flops / (peak * 1e9) * 1e3;
                // Fixed overhead per call plus a compute part slower than peak, as real devices behave.
                double p50 = 0.05 + predicted * inefficiency;
                job++;
                // the pi is calibrated; the x86 box predicts from its theoretical peak, asked for the
                // engine's default threads (0) and used 6; its batch-16 job needed a second attempt
                boolean pi = agent[0].startsWith("pi5");
                boolean retried = !pi && batch == 16;
                all.add(new ResultView("j-" + job, LATEST, agent[0], "mnist-cnn", "baseline", batch, pi ? 4 : 6,
                        pi ? 4 : 0, flops, peak, pi ? "calibrated" : "theoretical", predicted, p50, p50 * 1.1,
                        p50 * 1.3, p50 * 1.6, p50 * 1.05, p50 * 1.2, batch / (p50 / 1e3), retried ? 2 : 1,
                        120L * job, 1_500L + batch * 10L, batch == 16 ? "max-duration" : "ci-target-met",
                        NOW - 60_000 + job));
            }
        }
        all.add(new ResultView("j-old-1", OLDER, "pi5-kitchen", "mnist-cnn", "quantized:int8-static", 1, 4, 4,
                MNIST_FLOPS, 76.8, "theoretical", 0.06, 0.09, 0.1, 0.12, null, 0.095, null, 11_111.0, 1, 5L, 900L,
                "min-iterations-and-min-duration-met", NOW - 86_000_000));
        all.add(new ResultView("j-old-2", OLDER, "x86-lab", "mnist-cnn", "quantized:int8-static", 1, 4, 4,
                MNIST_FLOPS, 883.2, "theoretical", 0.005, 0.02, 0.025, 0.03, null, 0.021, null, 50_000.0, 1, 5L, 800L,
                "min-iterations-and-min-duration-met", NOW - 86_000_000));
        return campaignId.map(id -> all.stream().filter(r -> r.campaignId().equals(id)).toList()).orElse(all);
    }

    @Override
    public Optional<StoredHistogram> latencyHistogram(String jobId) {
        return Optional.empty();
    }
}

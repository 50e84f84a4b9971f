package dev.edgeperf.coordinator.schedule;

import dev.edgeperf.coordinator.store.LeasePrediction.NodeEstimate;
import dev.edgeperf.core.cost.ModelProfile;
import dev.edgeperf.core.cost.NodeCost;
import dev.edgeperf.core.predict.NodePrediction;
import dev.edgeperf.core.predict.PredictedLatency;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Per graph node of a lease's profile: its MACs and the time one predictor gave it, for the per-layer view
 * (measured vs predicted vs MACs). The breakdown is the recommended predictor's when it has one (the figure
 * the dashboard shows as "the" prediction); otherwise the first predictor, in registry order, that gave one,
 * so a node-level figure is kept when the recommended one predicts only a whole-model figure. When none has
 * a breakdown (an uncalibrated device: only the naive rule predicts), the recommended whole-model figure is
 * split over the nodes by their FLOPs, which is that rule (FLOPs ÷ peak) applied per node.
 */
final class NodeEstimates {
    private NodeEstimates() {
    }

    /** Empty without a profile: there are then no nodes and no MACs to name. */
    static List<NodeEstimate> of(Optional<ModelProfile> profile, PredictedLatency recommended,
                                 List<PredictedLatency> answers) {
        if (profile.isEmpty()) {
            return List.of();
        }
        PredictedLatency breakdown = recommended.known() && !recommended.nodes().isEmpty() ? recommended
                : answers.stream().filter(a -> a.known() && !a.nodes().isEmpty()).findFirst().orElse(null);
        Map<String, Double> predicted = new LinkedHashMap<>();
        Map<String, String> predictedOps = new LinkedHashMap<>();
        long flops = profile.get().nodes().stream().mapToLong(NodeCost::flops).sum();
        String predictor = breakdown != null ? breakdown.predictor()
                : recommended.known() && flops > 0 ? recommended.predictor() : "";
        if (breakdown == null && !predictor.isEmpty()) {
            for (NodeCost n : profile.get().nodes()) {
                predicted.merge(n.name(), recommended.millis() * n.flops() / flops, Double::sum);
            }
        }
        if (breakdown != null) {
            for (NodePrediction n : breakdown.nodes()) {
                // a kernel split into several entries for one node (e.g. per output) counts once, summed
                predicted.merge(n.node(), n.millis(), Double::sum);
                predictedOps.putIfAbsent(n.node(), n.opType());
            }
        }
        Map<String, long[]> macs = new LinkedHashMap<>();
        Map<String, String> ops = new LinkedHashMap<>();
        for (NodeCost n : profile.get().nodes()) {
            macs.computeIfAbsent(n.name(), k -> new long[1])[0] += n.macs();
            ops.putIfAbsent(n.name(), n.opType());
        }
        List<NodeEstimate> out = new ArrayList<>();
        macs.forEach((node, m) -> out.add(new NodeEstimate(node, ops.get(node), m[0], predicted.get(node), predictor)));
        predicted.forEach((node, ms) -> {
            if (!macs.containsKey(node)) {
                out.add(new NodeEstimate(node, predictedOps.get(node), null, ms, predictor));
            }
        });
        return out;
    }
}

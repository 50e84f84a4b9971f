package dev.edgeperf.core.predict.kernel;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** {@link KernelCalibration} on the wire ({@code Calibration.kernels}, field 90). */
public final class KernelCalibrationProto {
    private KernelCalibrationProto() {
    }

    public static dev.edgeperf.proto.KernelCalibration toProto(KernelCalibration c) {
        dev.edgeperf.proto.KernelCalibration.Builder b = dev.edgeperf.proto.KernelCalibration.newBuilder()
                .setFormat(c.format()).setEngine(c.engine()).setBudgetS(c.budgetS()).setSeconds(c.seconds());
        for (KernelCalibration.ThreadSamples t : c.threads()) {
            dev.edgeperf.proto.KernelThreadSamples.Builder tb = dev.edgeperf.proto.KernelThreadSamples.newBuilder()
                    .setThreads(t.threads()).setCallOverheadUs(t.callOverheadUs()).putAllDrift(t.drift());
            for (KernelSample s : t.samples()) {
                tb.addSamples(dev.edgeperf.proto.KernelSample.newBuilder().setType(s.type())
                        .putAllFeatures(s.features()).setFlops(s.flops()).setBytes(s.bytes()).setMs(s.ms()));
            }
            b.addThreads(tb);
        }
        return b.build();
    }

    /** @throws IllegalArgumentException for a message no valid calibration produces (other format, negative figures) */
    public static KernelCalibration fromProto(dev.edgeperf.proto.KernelCalibration p) {
        java.util.List<KernelCalibration.ThreadSamples> threads = new java.util.ArrayList<>();
        for (dev.edgeperf.proto.KernelThreadSamples t : p.getThreadsList()) {
            java.util.List<KernelSample> samples = new java.util.ArrayList<>();
            for (dev.edgeperf.proto.KernelSample s : t.getSamplesList()) {
                // map order is not kept on the wire; features are named, so sorted is as good
                Map<String, Long> features = new LinkedHashMap<>(new TreeMap<>(s.getFeaturesMap()));
                samples.add(new KernelSample(s.getType(), features, s.getFlops(), s.getBytes(), s.getMs()));
            }
            threads.add(new KernelCalibration.ThreadSamples(t.getThreads(), t.getCallOverheadUs(), samples,
                    t.getDriftMap()));
        }
        return new KernelCalibration(p.getFormat(), p.getEngine(), p.getBudgetS(), p.getSeconds(), threads);
    }
}

package dev.edgeperf.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.edgeperf.coordinator.artifacts.ArtifactStore;
import dev.edgeperf.coordinator.store.LeasedJob;
import dev.edgeperf.core.measure.MeasurementSettings;
import dev.edgeperf.proto.ExternalDataFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two campaigns upload the same .onnx with different weights beside it: each job is sent its own campaign's. */
class ExternalDataPerCampaignTest {
    @TempDir
    Path dir;

    private static LeasedJob job(String campaign, String digest) {
        return new LeasedJob("j-" + campaign, 1, campaign, 0, 0, null, "", "cnn.onnx", digest, 5, "baseline", 1, 0,
                new MeasurementSettings(2, 5, 10, 1000), 0, 0);
    }

    private static List<ExternalDataFile> sent(StreamLink link, LeasedJob job, StreamRecorder recorder) {
        link.assign(job);
        return recorder.messages.get(recorder.messages.size() - 1).getJob().getModelExternalDataList();
    }

    @Test
    void eachJobIsAssignedTheWeightsItsCampaignUploaded() {
        ArtifactStore artifacts = new ArtifactStore(dir);
        String model = artifacts.put("same onnx".getBytes(StandardCharsets.US_ASCII));
        String first = artifacts.put("weights one".getBytes(StandardCharsets.US_ASCII));
        String second = artifacts.put("weights two".getBytes(StandardCharsets.US_ASCII));
        artifacts.putExternalData("campaign-a", model, List.of(new ArtifactStore.ExternalFile("weights.bin", first, 11)));
        artifacts.putExternalData("campaign-b", model, List.of(new ArtifactStore.ExternalFile("weights.bin", second, 11)));
        StreamRecorder recorder = new StreamRecorder();
        StreamLink link = new StreamLink(recorder, AgentServiceImpl.externalData(artifacts));

        // the first campaign's job, leased after the second campaign recorded its list, still gets its own
        assertThat(sent(link, job("campaign-a", model), recorder)).singleElement().satisfies(f -> {
            assertThat(f.getName()).isEqualTo("weights.bin");
            assertThat(f.getDigest()).isEqualTo(first);
        });
        assertThat(sent(link, job("campaign-b", model), recorder)).extracting(ExternalDataFile::getDigest)
                .containsExactly(second);
        assertThat(sent(link, job("campaign-c", model), recorder)).isEmpty();
    }
}

package dev.edgeperf.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.coordinator.schedule.CampaignRequest;
import dev.edgeperf.coordinator.schedule.TrainingData;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.proto.SubmitCampaignRequest;
import org.junit.jupiter.api.Test;

/** The submit request's training fields (160-161) become the request's {@link TrainingData}, or are refused. */
class CampaignMessagesTrainingTest {
    private static final SubmitCampaignRequest BASE = SubmitCampaignRequest.newBuilder().addModels("mnist-cnn")
            .addBatchSizes(1).build();

    @Test
    void trainingTravelsFromTheWireAndItsAbsenceIsNone() {
        CampaignRequest r = CampaignMessages.request(BASE.toBuilder().setTraining("fashion-mnist").setTrainImages(1000)
                .build());
        assertThat(r.training()).isEqualTo(new TrainingData("fashion-mnist", 1000));
        assertThat(CampaignMessages.request(BASE).training()).isNull();
    }

    @Test
    void trainingThatIsNotALabelledDatasetIsRefusedAtSubmit() {
        assertThatThrownBy(() -> CampaignMessages.request(BASE.toBuilder().setTraining("images:x").build()))
                .isInstanceOf(EdgeperfException.class).hasMessageStartingWith("training 'images:x' is not a labelled dataset");
        assertThatThrownBy(() -> CampaignMessages.request(BASE.toBuilder().setTraining("mnist").setTrainImages(-1)
                .build())).isInstanceOf(EdgeperfException.class)
                .hasMessage("train-images must be 0 (all) or a positive integer, got -1");
    }
}

package dev.edgeperf.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.edgeperf.coordinator.app.CoordinatorConfig;
import dev.edgeperf.coordinator.app.CoordinatorRuntime;
import dev.edgeperf.coordinator.schedule.SchedulerSettings;
import dev.edgeperf.coordinator.testing.SelfSignedCert;
import dev.edgeperf.proto.CampaignServiceGrpc;
import dev.edgeperf.proto.ListCampaignsRequest;
import dev.edgeperf.proto.ModelFile;
import dev.edgeperf.proto.SubmitCampaignRequest;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS with a self-signed certificate the test makes, and the inbound message size limit, on a real coordinator. */
class GrpcSecurityTest {
    @TempDir
    Path tmp;

    private Path[] selfSigned() throws Exception {
        SelfSignedCert pair = SelfSignedCert.forLoopback(tmp);
        return new Path[] {pair.cert(), pair.key()};
    }

    private static <T> T withChannel(int port, ChannelCredentials credentials, String token,
                                     java.util.function.Function<CampaignServiceGrpc.CampaignServiceBlockingStub, T> call) {
        ManagedChannel channel = Grpc.newChannelBuilderForAddress("127.0.0.1", port, credentials)
                .overrideAuthority("localhost").build();
        try {
            return call.apply(CampaignServiceGrpc.newBlockingStub(channel)
                    .withCallCredentials(new BearerTokenCredentials(token))
                    .withDeadlineAfter(20, TimeUnit.SECONDS));
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void tlsCoordinatorAnswersTrustingClientsAndRefusesPlaintext() throws Exception {
        Path[] pem = selfSigned();
        try (CoordinatorRuntime runtime = CoordinatorRuntime.start(new CoordinatorConfig("127.0.0.1", "127.0.0.1", 0, 0,
                tmp.resolve("data"), Optional.empty(), SchedulerSettings.DEFAULTS,
                Optional.of(new CoordinatorConfig.Tls(pem[0], pem[1]))))) {
            ChannelCredentials tls = TlsChannelCredentials.newBuilder().trustManager(pem[0].toFile()).build();

            var list = withChannel(runtime.grpcPort(), tls, runtime.joinToken(),
                    s -> s.listCampaigns(ListCampaignsRequest.getDefaultInstance()));

            assertThat(list.getCampaignsList()).isEmpty();
            assertThatThrownBy(() -> withChannel(runtime.grpcPort(), InsecureChannelCredentials.create(),
                    runtime.joinToken(), s -> s.listCampaigns(ListCampaignsRequest.getDefaultInstance())))
                    .isInstanceOf(StatusRuntimeException.class)
                    .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
                            .isEqualTo(Status.Code.UNAVAILABLE));
            ChannelCredentials untrusted = TlsChannelCredentials.create(); // system CAs only
            assertThatThrownBy(() -> withChannel(runtime.grpcPort(), untrusted, runtime.joinToken(),
                    s -> s.listCampaigns(ListCampaignsRequest.getDefaultInstance())))
                    .isInstanceOf(StatusRuntimeException.class);
        }
    }

    @Test
    void oversizedMessageIsRefusedWithResourceExhaustedAndNothingIsStored() {
        try (CoordinatorRuntime runtime = CoordinatorRuntime.start(new CoordinatorConfig("127.0.0.1", 0, 0,
                tmp.resolve("data"), Optional.empty()))) {
            byte[] huge = new byte[CoordinatorGrpcServer.MAX_INBOUND_MESSAGE_BYTES + 1024];
            SubmitCampaignRequest request = SubmitCampaignRequest.newBuilder().addModels("big.onnx")
                    .addModelFiles(ModelFile.newBuilder().setName("big.onnx").setOnnx(ByteString.copyFrom(huge)))
                    .addBatchSizes(1).addSelectors("arch=x86_64").build();

            assertThatThrownBy(() -> withChannel(runtime.grpcPort(), InsecureChannelCredentials.create(),
                    runtime.joinToken(), s -> s.submit(request)))
                    .isInstanceOf(StatusRuntimeException.class)
                    // the server answers RESOURCE_EXHAUSTED and resets the stream; a client still sending
                    // the body may see the reset (CANCELLED) first
                    .satisfies(e -> assertThat(((StatusRuntimeException) e).getStatus().getCode())
                            .isIn(Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED));
            assertThat(runtime.store().campaigns()).isEmpty();
            // the server is still healthy afterwards
            assertThat(withChannel(runtime.grpcPort(), InsecureChannelCredentials.create(), runtime.joinToken(),
                    s -> s.listCampaigns(ListCampaignsRequest.getDefaultInstance())).getCampaignsList()).isEmpty();
        }
    }

    @Test
    void wrongTlsFilesAreAUserErrorNamingThem() {
        Path missing = tmp.resolve("nope.pem");
        assertThatThrownBy(() -> CoordinatorRuntime.start(new CoordinatorConfig("127.0.0.1", "127.0.0.1", 0, 0,
                tmp.resolve("data"), Optional.empty(), SchedulerSettings.DEFAULTS,
                Optional.of(new CoordinatorConfig.Tls(missing, missing)))))
                .hasMessage("TLS file " + missing + " does not exist or is not readable");
    }
}

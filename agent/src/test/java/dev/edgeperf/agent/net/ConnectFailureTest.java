package dev.edgeperf.agent.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import java.io.IOException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A plaintext agent at a TLS port sees a FIN or a RST, by a race; both get the same advice. */
class ConnectFailureTest {
    private static final String ADVICE = "UNAVAILABLE: the coordinator closed the connection without answering;"
            + " if it serves TLS (serve --tls-cert), start the agent with --tls-ca CERT.pem";

    @Test
    void closeWithoutAnswerSaysToPassTlsCa() {
        Status closed = Status.UNAVAILABLE.withDescription("Network closed for unknown reason");
        assertThat(ConnectFailure.describe(closed, Optional.empty())).isEqualTo(ADVICE);
    }

    @Test
    void resetOnEpollAndOnNioSaysToPassTlsCa() {
        for (String reset : new String[] {"recvAddress(..) failed with error(-104): Connection reset by peer",
                "Connection reset"}) {
            Status status = Status.UNAVAILABLE.withDescription("io exception")
                    .withCause(new IOException("wrapped", new IOException(reset)));
            assertThat(ConnectFailure.describe(status, Optional.empty())).isEqualTo(ADVICE);
        }
    }

    @Test
    void refusedConnectionGetsNoTlsAdvice() {
        Status refused = Status.UNAVAILABLE.withDescription("io exception")
                .withCause(new IOException("Connection refused"));
        assertThat(ConnectFailure.describe(refused, Optional.empty())).doesNotContain("--tls-ca");
    }
}

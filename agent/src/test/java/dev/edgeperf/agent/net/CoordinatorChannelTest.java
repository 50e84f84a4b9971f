package dev.edgeperf.agent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import dev.edgeperf.proto.AgentMessage;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --tls-ca}: bad files are one-line user errors; TLS mismatches are retried with a reason a person can act on. */
class CoordinatorChannelTest {
    private static final String TOKEN = "tls-token";

    @TempDir
    Path tmp;

    /** The agent logs this at start; on Linux shaded Netty's epoll library for this CPU is what it names. */
    @Test
    void transportNamesEpollAndTheNativeLibraryForThisArchitecture() {
        String arch = System.getProperty("os.arch").equals("amd64") ? "x86_64" : "aarch_64";
        assertThat(CoordinatorChannel.transport()).startsWith("epoll (/")
                .contains(CoordinatorChannel.NETTY_EPOLL_LIBRARY + "_" + arch).doesNotContain("deleted");
    }

    @Test
    void missingCaFileIsAUserErrorNamingIt() {
        Path missing = tmp.resolve("ca.pem");
        assertThatThrownBy(() -> CoordinatorChannel.open("127.0.0.1:7700", Optional.of(missing)))
                .isInstanceOf(EdgeperfException.class)
                .hasMessageStartingWith("--tls-ca " + missing + " does not exist")
                .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.USER_ERROR));
    }

    @Test
    void fileThatIsNotPemIsAUserError() throws Exception {
        Path key = Files.writeString(tmp.resolve("ca.pem"), "this is the join token, not a certificate\n");
        assertThatThrownBy(() -> CoordinatorChannel.open("127.0.0.1:7700", Optional.of(key)))
                .hasMessage("--tls-ca " + key + " is not a PEM certificate (no '-----BEGIN CERTIFICATE-----' line)");
    }

    @Test
    void pemBlockThatIsNotACertificateIsAUserError() throws Exception {
        Path bad = Files.writeString(tmp.resolve("ca.pem"),
                "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> CoordinatorChannel.open("127.0.0.1:7700", Optional.of(bad)))
                .hasMessageStartingWith("--tls-ca " + bad + " holds a PEM block that is not a valid certificate")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void tlsAgentJoinsATlsCoordinatorTrustingItsSelfSignedCertificate() throws Exception {
        SelfSignedCert cert = SelfSignedCert.forLoopback(tmp, "coordinator");
        try (FakeCoordinator coordinator = netty(tls(cert))) {
            ManagedChannel channel = CoordinatorChannel.open(target(coordinator), Optional.of(cert.cert()));
            AgentClient client = agent(channel, coordinator, Optional.of(cert.cert()), Duration.ofSeconds(20));
            CompletableFuture<Void> running = CompletableFuture.runAsync(client::run);
            try {
                assertThat(coordinator.next(AgentMessage.KindCase.HELLO, Duration.ofSeconds(20)).getHello().getName())
                        .isEqualTo("tls-agent");
            } finally {
                client.close();
                running.get(10, TimeUnit.SECONDS);
                channel.shutdownNow();
            }
        }
    }

    @Test
    void plaintextAgentAtATlsCoordinatorRetriesThenSaysToPassTlsCa() throws Exception {
        SelfSignedCert cert = SelfSignedCert.forLoopback(tmp, "coordinator");
        assertThat(failureAgainst(tls(cert), Optional.empty())).contains("UNAVAILABLE: the coordinator closed the"
                + " connection without answering; if it serves TLS (serve --tls-cert), start the agent with --tls-ca");
    }

    @Test
    void tlsAgentAtAPlaintextCoordinatorSaysItDoesNotSpeakTls() throws Exception {
        SelfSignedCert cert = SelfSignedCert.forLoopback(tmp, "coordinator");
        assertThat(failureAgainst(InsecureServerCredentials.create(), Optional.of(cert.cert())))
                .contains("UNAVAILABLE: the coordinator does not speak TLS on this port but the agent has --tls-ca "
                        + cert.cert());
    }

    @Test
    void certificateFromAnotherIssuerIsNotTrusted() throws Exception {
        SelfSignedCert served = SelfSignedCert.forLoopback(tmp, "coordinator");
        SelfSignedCert other = SelfSignedCert.forLoopback(tmp, "someone-else");
        assertThat(failureAgainst(tls(served), Optional.of(other.cert())))
                .contains("the coordinator's TLS certificate is not trusted: neither it nor its issuer is in --tls-ca "
                        + other.cert());
    }

    @Test
    void certificateWithoutTheDialledAddressIsNamedAsSuch() throws Exception {
        SelfSignedCert dnsOnly = SelfSignedCert.create(tmp, "coordinator", "DNS:coordinator.example");
        assertThat(failureAgainst(tls(dnsOnly), Optional.of(dnsOnly.cert())))
                .contains("the coordinator's TLS certificate does not name the address in --coordinator")
                .contains("127.0.0.1");
    }

    /**
     * Runs an agent against a coordinator served with {@code server} until its connect timeout;
     * returns the one-line error after checking it retried in between.
     */
    private String failureAgainst(ServerCredentials server, Optional<Path> tlsCa) throws Exception {
        try (FakeCoordinator coordinator = netty(server); LogCapture log = new LogCapture(AgentClient.class)) {
            ManagedChannel channel = CoordinatorChannel.open(target(coordinator), tlsCa);
            try {
                AgentClient client = agent(channel, coordinator, tlsCa, Duration.ofMillis(2500));
                Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(client::run);
                assertThat(thrown).isInstanceOf(EdgeperfException.class)
                        .hasMessageStartingWith("cannot reach coordinator " + target(coordinator) + ": ")
                        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n", "Channel Pipeline"));
                assertThat(log.lines(Level.INFO)).filteredOn(l -> l.contains("not reachable yet")).hasSizeGreaterThan(1)
                        .allSatisfy(l -> assertThat(l).doesNotContain("Channel Pipeline"));
                assertThat(coordinator.received).isEmpty();
                return thrown.getMessage();
            } finally {
                channel.shutdownNow();
            }
        }
    }

    private static ServerCredentials tls(SelfSignedCert cert) throws Exception {
        return TlsServerCredentials.create(cert.cert().toFile(), cert.key().toFile());
    }

    private static FakeCoordinator netty(ServerCredentials credentials) throws Exception {
        return new FakeCoordinator(TOKEN, NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0),
                credentials));
    }

    private static String target(FakeCoordinator coordinator) {
        return "127.0.0.1:" + coordinator.port();
    }

    private AgentClient agent(ManagedChannel channel, FakeCoordinator coordinator, Optional<Path> tlsCa,
                              Duration connectTimeout) {
        AgentConfig config = new AgentConfig("tls-agent", target(coordinator), TOKEN, tmp.resolve("join-token"),
                tmp.resolve("work"), Map.of(), connectTimeout, Duration.ofSeconds(10), AgentClientTest.hardware(),
                "0.1.0-test", "1.19.2", Optional.empty(), AgentConfig.DEFAULT_CACHE_MAX_BYTES, tlsCa);
        return AgentClient.measuring(channel, config, (request, progress) -> {
            throw new AssertionError("no job is sent in these tests");
        });
    }
}

package dev.edgeperf.coordinator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.edgeperf.coordinator.schedule.SchedulerSettings;
import dev.edgeperf.coordinator.testing.SelfSignedCert;
import dev.edgeperf.core.EdgeperfException;
import dev.edgeperf.core.ErrorCategory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard off loopback: a viewer token on every path (Bearer or basic auth), HTTPS with the
 * gRPC certificate, and the operator's mistakes refused before the data folder changes.
 */
class DashboardAccessTest {
    @TempDir
    Path tmp;

    private static CoordinatorConfig config(Path dataDir, String httpBind, Optional<CoordinatorConfig.Tls> tls,
                                            CoordinatorConfig.Dashboard dashboard) {
        return new CoordinatorConfig("127.0.0.1", httpBind, 0, 0, dataDir, Optional.empty(), SchedulerSettings.DEFAULTS,
                tls, dashboard);
    }

    private static HttpResponse<String> get(HttpClient client, String url, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void offLoopbackEveryPathNeedsTheViewerTokenMadeInTheDataFolder() throws Exception {
        Path dataDir = tmp.resolve("data");
        try (CoordinatorRuntime runtime = CoordinatorRuntime.start(config(dataDir, "0.0.0.0", Optional.empty(),
                CoordinatorConfig.Dashboard.DEFAULTS))) {
            Path file = dataDir.resolve(ViewerToken.FILE_NAME);
            assertThat(runtime.viewerTokenFile()).contains(file);
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            String token = Files.readString(file).strip();
            assertThat(token).hasSize(64).isNotEqualTo(runtime.joinToken());
            HttpClient client = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + runtime.httpPort();

            for (String path : new String[] {"/", "/api/agents", "/api/results", "/metrics", "/health"}) {
                HttpResponse<String> none = get(client, base + path, null);
                assertThat(none.statusCode()).as(path).isEqualTo(401);
                assertThat(none.headers().firstValue("WWW-Authenticate")).as(path).hasValueSatisfying(
                        v -> assertThat(v).startsWith("Basic realm="));
                assertThat(none.body()).as(path).contains("viewer token").doesNotContain(token);
            }
            assertThat(get(client, base + "/api/agents", "Bearer " + runtime.joinToken()).statusCode()).isEqualTo(401);
            assertThat(get(client, base + "/api/agents", "Bearer " + token + "0").statusCode()).isEqualTo(401);
            assertThat(get(client, base + "/api/agents", basic(token, "")).statusCode()).isEqualTo(401);
            assertThat(get(client, base + "/api/agents", "Basic !!notbase64").statusCode()).isEqualTo(401);

            HttpResponse<String> bearer = get(client, base + "/api/agents", "Bearer " + token);
            assertThat(bearer.statusCode()).isEqualTo(200);
            assertThat(bearer.body()).isEqualTo("[]");
            HttpResponse<String> page = get(client, base + "/", basic("anyone", token));
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body()).contains("<html");
        }
        // a restart keeps the token people were given
        String before = Files.readString(dataDir.resolve(ViewerToken.FILE_NAME));
        try (CoordinatorRuntime again = CoordinatorRuntime.start(config(dataDir, "0.0.0.0", Optional.empty(),
                CoordinatorConfig.Dashboard.DEFAULTS))) {
            assertThat(Files.readString(dataDir.resolve(ViewerToken.FILE_NAME))).isEqualTo(before);
        }
    }

    @Test
    void loopbackStaysOpenUnlessAViewerTokenFileIsGiven() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        try (CoordinatorRuntime runtime = CoordinatorRuntime.start(config(tmp.resolve("open"), "127.0.0.1",
                Optional.empty(), CoordinatorConfig.Dashboard.DEFAULTS))) {
            assertThat(runtime.viewerTokenFile()).isEmpty();
            assertThat(get(client, "http://127.0.0.1:" + runtime.httpPort() + "/api/agents", null).statusCode())
                    .isEqualTo(200);
            assertThat(tmp.resolve("open").resolve(ViewerToken.FILE_NAME)).doesNotExist();
        }
        Path own = Files.writeString(tmp.resolve("viewer.txt"), "s3cret-viewer\n");
        Files.setPosixFilePermissions(own, PosixFilePermissions.fromString("rw-------"));
        try (CoordinatorRuntime runtime = CoordinatorRuntime.start(config(tmp.resolve("closed"), "localhost",
                Optional.empty(), new CoordinatorConfig.Dashboard(Optional.of(own), false)))) {
            String url = "http://127.0.0.1:" + runtime.httpPort() + "/api/campaigns";
            assertThat(get(client, url, null).statusCode()).isEqualTo(401);
            assertThat(get(client, url, "bearer s3cret-viewer").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void httpsUsesTheGrpcCertificate() throws Exception {
        SelfSignedCert pem = SelfSignedCert.forLoopback(tmp.resolve("pki"));
        Optional<CoordinatorConfig.Tls> tls = Optional.of(new CoordinatorConfig.Tls(pem.cert(), pem.key()));
        try (CoordinatorRuntime runtime = CoordinatorRuntime.start(config(tmp.resolve("data"), "0.0.0.0", tls,
                new CoordinatorConfig.Dashboard(Optional.empty(), true)))) {
            assertThat(runtime.listeningLine()).contains(" http=https://0.0.0.0:" + runtime.httpPort() + "/ ");
            String token = Files.readString(tmp.resolve("data").resolve(ViewerToken.FILE_NAME)).strip();
            HttpClient trusting = HttpClient.newBuilder().sslContext(pem.trustingContext()).build();
            String url = "https://127.0.0.1:" + runtime.httpPort() + "/api/agents";

            assertThat(get(trusting, url, null).statusCode()).isEqualTo(401);
            assertThat(get(trusting, url, "Bearer " + token).statusCode()).isEqualTo(200);
            // a client that does not trust the certificate gets no answer, and plain HTTP is not served
            assertThatThrownBy(() -> get(HttpClient.newHttpClient(), url, "Bearer " + token))
                    .isInstanceOf(SSLHandshakeException.class);
            assertThatThrownBy(() -> get(HttpClient.newHttpClient(), url.replace("https:", "http:"), "Bearer " + token)
                    .statusCode()).isInstanceOf(java.io.IOException.class);
        }
    }

    @Test
    void looseTokenFileMissingCertificateAndBadKeyAreUserErrorsThatChangeNothing() throws Exception {
        Path dataDir = tmp.resolve("untouched");
        Path loose = Files.writeString(tmp.resolve("loose"), "tok\n");
        Files.setPosixFilePermissions(loose, PosixFilePermissions.fromString("rw-r--r--"));
        assertThatThrownBy(() -> CoordinatorRuntime.start(config(dataDir, "0.0.0.0", Optional.empty(),
                new CoordinatorConfig.Dashboard(Optional.of(loose), false))))
                .isInstanceOf(EdgeperfException.class)
                .hasMessage("--viewer-token-file " + loose + " is open to group or others (mode rw-r--r--); expected"
                        + " rw------- (chmod 600 " + loose + ")")
                .satisfies(e -> assertThat(((EdgeperfException) e).category()).isEqualTo(ErrorCategory.USER_ERROR));
        Path missing = tmp.resolve("no-such-token");
        assertThatThrownBy(() -> CoordinatorRuntime.start(config(dataDir, "0.0.0.0", Optional.empty(),
                new CoordinatorConfig.Dashboard(Optional.of(missing), false))))
                .hasMessage("--viewer-token-file " + missing + " does not exist");
        assertThatThrownBy(() -> CoordinatorRuntime.start(config(dataDir, "0.0.0.0", Optional.empty(),
                new CoordinatorConfig.Dashboard(Optional.empty(), true))))
                .hasMessageStartingWith("--http-tls serves the dashboard with the gRPC certificate");
        Path cert = Files.writeString(tmp.resolve("cert.pem"), "not a certificate\n");
        Path key = Files.writeString(tmp.resolve("key.pem"), "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n"
                + "-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> CoordinatorRuntime.start(config(dataDir, "0.0.0.0",
                Optional.of(new CoordinatorConfig.Tls(cert, key)), new CoordinatorConfig.Dashboard(Optional.empty(),
                        true))))
                .hasMessageStartingWith("--tls-cert " + cert + " ");
        assertThat(dataDir).doesNotExist();
    }
}

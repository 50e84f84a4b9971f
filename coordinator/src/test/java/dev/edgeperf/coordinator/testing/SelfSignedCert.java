package dev.edgeperf.coordinator.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A self-signed certificate for 127.0.0.1 and localhost made with openssl, as an operator would for
 * {@code serve --tls-cert/--tls-key}; the key is PKCS#8 PEM. Skips the test where openssl is missing
 * (outside CI).
 */
public record SelfSignedCert(Path cert, Path key) {
    /** A TLS context trusting this certificate alone, for HTTPS clients. */
    public javax.net.ssl.SSLContext trustingContext() throws Exception {
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (java.io.InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("coordinator",
                    java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, tmf.getTrustManagers(), null);
        return context;
    }

    public static SelfSignedCert forLoopback(Path dir) throws Exception {
        return forSubjectAltName(dir, "IP:127.0.0.1,DNS:localhost");
    }

    /** As {@link #forLoopback}, valid for {@code san} instead (e.g. {@code IP:10.0.0.1}). */
    public static SelfSignedCert forSubjectAltName(Path dir, String san) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")) || "true".equals(System.getenv("CI")),
                "openssl not installed");
        Files.createDirectories(dir);
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost", "-addext",
                "subjectAltName=" + san).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return new SelfSignedCert(cert, key);
    }
}

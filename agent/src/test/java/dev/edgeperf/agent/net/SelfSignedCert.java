package dev.edgeperf.agent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** A self-signed certificate for 127.0.0.1 made with openssl, as a coordinator operator would. */
record SelfSignedCert(Path cert, Path key) {
    /** Writes {@code <name>-cert.pem} and {@code <name>-key.pem} (PKCS#8) into {@code dir}; skips the test without openssl. */
    static SelfSignedCert create(Path dir, String name, String subjectAltName) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/openssl")) || "true".equals(System.getenv("CI")),
                "openssl not installed");
        Path cert = dir.resolve(name + "-cert.pem");
        Path key = dir.resolve(name + "-key.pem");
        Process p = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=" + name, "-addext",
                "subjectAltName=" + subjectAltName).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return new SelfSignedCert(cert, key);
    }

    static SelfSignedCert forLoopback(Path dir, String name) throws Exception {
        return create(dir, name, "IP:127.0.0.1,DNS:localhost");
    }
}

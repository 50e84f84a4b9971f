package dev.edgeperf.agent.net;

import io.grpc.Status;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.util.Optional;
import javax.net.ssl.SSLException;

/**
 * Says why a connection to the coordinator failed in words a person can act on. gRPC reports a TLS
 * mismatch as a bare UNAVAILABLE with a Netty pipeline dump; the cause chain tells which side
 * spoke what, and that becomes the advice (add or drop {@code --tls-ca}, fix the certificate).
 */
final class ConnectFailure {
    /** What gRPC says when a TLS server closes on a plaintext client's HTTP/2 preface with a FIN. */
    private static final String CLOSED_AT_ONCE = "Network closed for unknown reason";
    /**
     * What the socket says when it closes with a RST instead: the server closes while the preface is
     * still unread in its buffer, which the kernel answers with a reset (NIO: "Connection reset", epoll:
     * "recvAddress(..) failed with error(-104): Connection reset by peer"). Which one comes is a race.
     */
    private static final String RESET = "Connection reset";

    private ConnectFailure() {
    }

    /**
     * One line: the status code, then the reason.
     *
     * @param tlsCa the agent's {@code --tls-ca}; empty when it connects in plaintext
     */
    static String describe(Status s, Optional<Path> tlsCa) {
        return explainTls(s, tlsCa).map(why -> s.getCode() + ": " + LogText.printable(why))
                .orElseGet(() -> LogText.describe(s));
    }

    /**
     * What to check when the coordinator never answered: by default {@code serve} listens on loopback
     * only, so agents on other hosts are refused until it is started with {@code --bind}.
     */
    static String hint(Status s) {
        if (s.getCode() != Status.Code.UNAVAILABLE && s.getCode() != Status.Code.DEADLINE_EXCEEDED) {
            return "";
        }
        return " (is the coordinator running there? `serve` listens on 127.0.0.1 only unless started with "
                + "--bind=ADDRESS, e.g. --bind=0.0.0.0, for agents on other hosts)";
    }

    private static Optional<String> explainTls(Status s, Optional<Path> tlsCa) {
        if (tlsCa.isEmpty()) {
            if (s.getCode() == Status.Code.UNAVAILABLE && (CLOSED_AT_ONCE.equals(s.getDescription()) || wasReset(s))) {
                return Optional.of("the coordinator closed the connection without answering; if it serves TLS"
                        + " (serve --tls-cert), start the agent with --tls-ca CERT.pem");
            }
            return Optional.empty();
        }
        String ca = tlsCa.get().toString();
        Throwable certificate = null;
        Throwable handshake = null;
        for (Throwable t = s.getCause(); t != null; t = t.getCause()) {
            if (t.getClass().getSimpleName().equals("NotSslRecordException")) {
                return Optional.of("the coordinator does not speak TLS on this port but the agent has --tls-ca "
                        + ca + "; start the coordinator with serve --tls-cert/--tls-key, or drop --tls-ca");
            }
            if (t instanceof CertificateException && certificate == null) {
                certificate = t;
            }
            if (t instanceof SSLException && handshake == null) {
                handshake = t;
            }
        }
        if (certificate != null) {
            String detail = deepestMessage(certificate);
            if (detail.contains("subject alternative name") || detail.contains("No name matching")) {
                return Optional.of("the coordinator's TLS certificate does not name the address in --coordinator ("
                        + detail + "); issue it with a subjectAltName for that address");
            }
            return Optional.of("the coordinator's TLS certificate is not trusted: neither it nor its issuer is in"
                    + " --tls-ca " + ca + " (" + detail + ")");
        }
        if (handshake != null) {
            return Optional.of("TLS handshake with the coordinator failed: " + deepestMessage(handshake));
        }
        return Optional.empty();
    }

    private static boolean wasReset(Status s) {
        for (Throwable t = s.getCause(); t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(RESET)) {
                return true;
            }
        }
        return false;
    }

    private static String deepestMessage(Throwable t) {
        String message = t.toString();
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c.getMessage() != null) {
                message = c.getMessage();
            }
        }
        return message;
    }
}

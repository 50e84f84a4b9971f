package dev.edgeperf.agent.net;

import dev.edgeperf.agent.probe.MappedLibraries;
import dev.edgeperf.core.EdgeperfException;
import io.grpc.ChannelCredentials;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Opens the agent's channel to the coordinator: plaintext, or TLS trusting exactly one PEM file (a
 * private CA or the coordinator's self-signed certificate). Keepalive pings find a silently cut
 * network in about {@link #KEEPALIVE_TIME} + {@link #KEEPALIVE_TIMEOUT}, where TCP alone would
 * take minutes; the caller shuts the channel down.
 */
public final class CoordinatorChannel {
    /** Ping the coordinator this long after the last read; it permits pings every 5 s. */
    static final Duration KEEPALIVE_TIME = Duration.ofSeconds(20);
    /** An unanswered ping closes the connection after this long. */
    static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(10);
    /** Artifact chunks may be larger than gRPC's 4 MiB default. */
    static final int MAX_INBOUND_BYTES = 32 * 1024 * 1024;
    /** What the mapped file name of shaded Netty's epoll library contains, e.g. {@code ..._epoll_aarch_64}. */
    static final String NETTY_EPOLL_LIBRARY = "netty_transport_native_epoll";
    private static final String PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----";

    private CoordinatorChannel() {
    }

    /**
     * A channel to {@code target} ("HOST:PORT").
     *
     * @param tlsCa certificate(s) to trust, PEM; empty = plaintext
     * @throws EdgeperfException USER_ERROR when {@code tlsCa} is missing, unreadable or not PEM
     */
    public static ManagedChannel open(String target, Optional<Path> tlsCa) {
        ChannelCredentials credentials = tlsCa.map(CoordinatorChannel::trusting)
                .orElseGet(InsecureChannelCredentials::create);
        try {
            return Grpc.newChannelBuilder(target, credentials)
                    .maxInboundMessageSize(MAX_INBOUND_BYTES)
                    .keepAliveTime(KEEPALIVE_TIME.toMillis(), TimeUnit.MILLISECONDS)
                    .keepAliveTimeout(KEEPALIVE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    // the stream may sit idle between heartbeats; a cut must still be noticed
                    .keepAliveWithoutCalls(true)
                    .build();
        } catch (IllegalArgumentException e) {
            if (tlsCa.isEmpty()) {
                throw e;
            }
            // gRPC builds the TLS context here and reports a certificate it cannot use this way
            throw EdgeperfException.userError("cannot use --tls-ca " + tlsCa.get() + ": " + e.getMessage());
        }
    }

    /**
     * Which Netty transport gRPC's channels use in this JVM: {@code epoll} with the native library the
     * kernel mapped (shaded Netty extracts one per architecture), else {@code NIO} and why epoll is not
     * available. Channels pick epoll whenever it is available.
     */
    public static String transport() {
        if (io.grpc.netty.shaded.io.netty.channel.epoll.Epoll.isAvailable()) {
            List<Path> libraries = MappedLibraries.matching(NETTY_EPOLL_LIBRARY);
            return "epoll (" + (libraries.isEmpty() ? "native library not found in /proc/self/maps"
                    : libraries.stream().map(Path::toString).collect(Collectors.joining(" "))) + ")";
        }
        Throwable cause = io.grpc.netty.shaded.io.netty.channel.epoll.Epoll.unavailabilityCause();
        return "NIO (epoll unavailable: " + (cause == null ? "unknown" : cause.getMessage()) + ")";
    }

    /** TLS credentials trusting the certificates in {@code pemFile}, checked before gRPC sees them. */
    static ChannelCredentials trusting(Path pemFile) {
        byte[] pem = readPem(pemFile);
        try {
            return TlsChannelCredentials.newBuilder().trustManager(new ByteArrayInputStream(pem)).build();
        } catch (IOException | RuntimeException e) {
            throw EdgeperfException.userError("--tls-ca " + pemFile + " is not a usable PEM certificate: "
                    + e.getMessage());
        }
    }

    private static byte[] readPem(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw EdgeperfException.userError("--tls-ca " + file + " does not exist (copy the coordinator's "
                    + "certificate, or its CA's, to this device)");
        } catch (AccessDeniedException e) {
            throw EdgeperfException.userError("--tls-ca " + file + " is not readable by this user");
        } catch (IOException e) {
            throw EdgeperfException.userError("cannot read --tls-ca " + file + ": " + e.getMessage());
        }
        if (!new String(bytes, StandardCharsets.US_ASCII).contains(PEM_CERTIFICATE)) {
            throw EdgeperfException.userError("--tls-ca " + file + " is not a PEM certificate (no '"
                    + PEM_CERTIFICATE + "' line)");
        }
        try {
            if (CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes))
                    .isEmpty()) {
                throw new CertificateException("no certificate found");
            }
        } catch (CertificateException e) {
            throw EdgeperfException.userError("--tls-ca " + file + " holds a PEM block that is not a valid "
                    + "certificate: " + e.getMessage());
        }
        return bytes;
    }
}

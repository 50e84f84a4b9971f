package dev.edgeperf.coordinator.grpc;

import io.grpc.netty.shaded.io.grpc.netty.InternalNettyServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.Channel;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connections that fail before they carry a call (a port scanner, a browser, a TLS client talking to a
 * plaintext port) become one WARN line per peer address per minute, with a count of the ones left out.
 *
 * <p>grpc-netty logs each such failure as "Transport failed" plus a ~25-line stack trace, at INFO,
 * through java.util.logging (which this project does not route to Logback), on the logger
 * {@code io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport.connections}; the record does not name
 * the peer. So the server channel is swapped for one that notes each accepted connection's remote
 * address when it closes, just before grpc-netty's own close listener (registered later, so run
 * later, on the same event-loop thread) logs; a filter on that logger reads the note, writes our line
 * and drops the record.
 */
public final class ConnectionFailureLog implements Filter {
    static final String NETTY_LOGGER = "io.grpc.netty.shaded.io.grpc.netty.NettyServerTransport.connections";
    static final Duration WINDOW = Duration.ofMinutes(1);
    /** Peers remembered at most; a scan from many addresses cannot grow the map without bound. */
    static final int MAX_PEERS = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(ConnectionFailureLog.class);
    /** Held so the filter stays set (java.util.logging keeps loggers weakly). */
    private static final java.util.logging.Logger NETTY = java.util.logging.Logger.getLogger(NETTY_LOGGER);
    private static final ThreadLocal<String> CLOSING_PEER = new ThreadLocal<>();

    private final LongSupplier nanoTime;
    private final Map<String, Window> windows = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Window> eldest) {
            return size() > MAX_PEERS;
        }
    };

    /** A peer's current minute: when its line was written and how many failures were left out since. */
    private static final class Window {
        final long startNanos;
        int suppressed;

        Window(long startNanos) {
            this.startNanos = startNanos;
        }
    }

    ConnectionFailureLog(LongSupplier nanoTime) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime is null");
    }

    /**
     * Serves the builder's connections over NIO through a channel that names their peers, and installs
     * the filter on grpc-netty's connection logger (once per JVM; later calls keep the first filter).
     */
    public static void install(NettyServerBuilder builder) {
        InternalNettyServerBuilder.useNioTransport(builder); // event-loop groups that match the channel below
        builder.channelFactory(PeerNamingServerChannel::new);
        synchronized (NETTY) {
            if (!(NETTY.getFilter() instanceof ConnectionFailureLog)) {
                NETTY.setFilter(new ConnectionFailureLog(System::nanoTime));
            }
        }
    }

    @Override
    public boolean isLoggable(LogRecord record) {
        if (record.getThrown() == null) {
            return true;
        }
        String peer = CLOSING_PEER.get();
        String line = failed(peer == null ? "an unknown address" : peer, record.getThrown());
        if (line != null) {
            LOG.warn(line);
        }
        return false;
    }

    /** The line to write for this failure, or null when the peer already had its line this minute. */
    synchronized String failed(String peer, Throwable cause) {
        long now = nanoTime.getAsLong();
        Window window = windows.get(peer);
        if (window != null && now - window.startNanos < WINDOW.toNanos()) {
            window.suppressed++;
            return null;
        }
        int leftOut = window == null ? 0 : window.suppressed;
        windows.put(peer, new Window(now));
        return "connection from " + peer + " failed: " + describe(cause)
                + (leftOut > 0 ? " (" + leftOut + " more from this address in the last minute not logged)"
                : " (more from this address within a minute are counted, not logged)");
    }

    static String describe(Throwable cause) {
        String message = String.valueOf(cause.getMessage());
        if (message.contains("client preface")) {
            // the hex dump shows what arrived; 16 03 0x is a TLS handshake record
            boolean tls = message.matches("(?s).*received bytes: 1603[0-4].*");
            return tls ? "it speaks TLS but this port serves plaintext gRPC (start serve with --tls-cert/--tls-key,"
                    + " or connect without TLS)" : "it sent bytes that are not HTTP/2 (not a gRPC client?)";
        }
        String firstLine = message.lines().findFirst().orElse("");
        if (firstLine.length() > 200) {
            firstLine = firstLine.substring(0, 200) + "…";
        }
        return cause.getClass().getSimpleName() + ": " + firstLine;
    }

    /** The address part of a peer ("127.0.0.1"), so a client's changing source ports count as one peer. */
    static String peerOf(SocketAddress address) {
        if (address instanceof InetSocketAddress inet) {
            return inet.getAddress() != null ? inet.getAddress().getHostAddress() : inet.getHostString();
        }
        return String.valueOf(address);
    }

    /** NIO server channel whose accepted channels note their peer for the logger when they close. */
    static final class PeerNamingServerChannel extends NioServerSocketChannel {
        @Override
        protected int doReadMessages(List<Object> buf) throws Exception {
            int before = buf.size();
            int accepted = super.doReadMessages(buf);
            for (int i = before; i < buf.size(); i++) {
                if (buf.get(i) instanceof Channel child) {
                    String peer = peerOf(child.remoteAddress());
                    child.closeFuture().addListener(f -> CLOSING_PEER.set(peer));
                }
            }
            return accepted;
        }
    }
}

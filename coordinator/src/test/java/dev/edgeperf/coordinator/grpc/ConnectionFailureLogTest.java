package dev.edgeperf.coordinator.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConnectionFailureLogTest {
    private final AtomicLong now = new AtomicLong();
    private final ConnectionFailureLog log = new ConnectionFailureLog(now::get);
    private final Exception garbage = new Exception("HTTP/2 client preface string missing or corrupt. Hex dump for"
            + " received bytes: 0b277ff39e9c7334");

    @Test
    void onePeerGetsOneLineAMinuteThenTheCountOfTheOthers() {
        assertThat(log.failed("10.0.0.1", garbage)).startsWith("connection from 10.0.0.1 failed: it sent bytes"
                + " that are not HTTP/2");
        for (int i = 0; i < 5; i++) {
            now.addAndGet(TimeUnit.SECONDS.toNanos(10));
            assertThat(log.failed("10.0.0.1", garbage)).isNull();
        }
        assertThat(log.failed("10.0.0.2", garbage)).as("another peer has its own minute").isNotNull();
        now.addAndGet(TimeUnit.SECONDS.toNanos(10));

        assertThat(log.failed("10.0.0.1", garbage)).endsWith("(5 more from this address in the last minute not logged)");
    }

    @Test
    void aTlsHandshakeOnThePlaintextPortIsNamed() {
        assertThat(ConnectionFailureLog.describe(new Exception("HTTP/2 client preface string missing or corrupt."
                + " Hex dump for received bytes: 160301020c010002080303"))).contains("speaks TLS").contains("--tls-cert");
    }

    @Test
    void otherFailuresKeepTheirFirstLineOnly() {
        assertThat(ConnectionFailureLog.describe(new IllegalStateException("boom\nsecond line")))
                .isEqualTo("IllegalStateException: boom");
    }

    @Test
    void aPeerIsItsAddressWithoutThePort() {
        assertThat(ConnectionFailureLog.peerOf(new InetSocketAddress("127.0.0.1", 4321))).isEqualTo("127.0.0.1");
    }
}

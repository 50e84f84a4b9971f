package dev.edgeperf.coordinator.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.edgeperf.coordinator.schedule.SchedulerSettings;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gRPC can be opened to the fleet while the dashboard stays on loopback. */
class BindAddressTest {
    @TempDir
    Path dir;

    private static Optional<InetAddress> nonLoopbackAddress() throws SocketException {
        return NetworkInterface.networkInterfaces().filter(i -> {
            try {
                return i.isUp() && !i.isLoopback();
            } catch (SocketException e) {
                return false;
            }
        }).flatMap(NetworkInterface::inetAddresses).filter(a -> a instanceof Inet4Address).findFirst();
    }

    private static void connect(InetAddress address, int port) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address, port), 2000);
        }
    }

    @Test
    void grpcOnAllAddressesDashboardOnLoopbackOnly() throws Exception {
        CoordinatorConfig config = new CoordinatorConfig("0.0.0.0", "127.0.0.1", 0, 0, dir.resolve("data"),
                Optional.empty(), SchedulerSettings.DEFAULTS, Optional.empty());
        try (CoordinatorRuntime runtime = CoordinatorRuntime.start(config)) {
            assertThat(runtime.listeningLine()).contains("grpc=0.0.0.0:").contains("http=http://127.0.0.1:");
            connect(InetAddress.getLoopbackAddress(), runtime.httpPort());

            Optional<InetAddress> lan = nonLoopbackAddress();
            assumeTrue(lan.isPresent(), "no non-loopback IPv4 address on this machine");
            connect(lan.get(), runtime.grpcPort());
            assertThatThrownBy(() -> connect(lan.get(), runtime.httpPort())).isInstanceOf(ConnectException.class);
        }
    }
}

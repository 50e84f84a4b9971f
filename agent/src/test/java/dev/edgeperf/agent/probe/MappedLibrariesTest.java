package dev.edgeperf.agent.probe;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MappedLibrariesTest {
    @Test
    void aLibraryDeletedAfterLoadingIsNamedWithoutTheKernelsMark(@TempDir Path dir) throws Exception {
        Path maps = Files.writeString(dir.resolve("maps"), String.join("\n",
                "ffff8000-ffff9000 r-xp 00000000 00:1f 77 /tmp/libio_grpc_netty_shaded_netty_transport_native_epoll"
                        + "_aarch_64123.so (deleted)",
                "ffff9000-ffffa000 r--p 00001000 00:1f 77 /tmp/libio_grpc_netty_shaded_netty_transport_native_epoll"
                        + "_aarch_64123.so (deleted)",
                "ffffa000-ffffb000 r-xp 00000000 08:01 12 /usr/lib/aarch64-linux-gnu/libc.so.6", ""));

        assertThat(MappedLibraries.matching(maps, "netty_transport_native_epoll")).containsExactly(
                Path.of("/tmp/libio_grpc_netty_shaded_netty_transport_native_epoll_aarch_64123.so"));
        assertThat(MappedLibraries.matching(maps, "libonnxruntime")).isEmpty();
    }

    @Test
    void thisProcessHasItsOwnJvmMapped() {
        // Linux only, as the agent: the JVM's own library is in every JVM's maps
        assertThat(MappedLibraries.matching("libjvm.so")).singleElement()
                .satisfies(p -> assertThat(p.getFileName().toString()).isEqualTo("libjvm.so"));
    }
}

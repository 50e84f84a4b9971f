package dev.edgeperf.coordinator.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts on one machine: a network namespace per host, each with a veth pair whose other end sits on a
 * bridge in the test's own namespace, so every host has its own address in one /24 (host {@code i} is
 * {@code .i+1}, the test's end of the bridge {@code .254}). Names are unique per run; {@link #close()}
 * kills whatever still runs in the namespaces and removes them and the bridge, also after a failure.
 * Needs root and iproute2.
 */
public final class NetnsLab implements AutoCloseable {
    /** Host in the lab: its namespace, its address, and the bridge-side end of its link. */
    public record Host(String namespace, String address, String link) {
        /** {@code command} run inside this host's namespace. */
        public List<String> exec(List<String> command) {
            List<String> wrapped = new ArrayList<>(List.of(ip(), "netns", "exec", namespace));
            wrapped.addAll(command);
            return wrapped;
        }
    }

    private final String bridge;
    private final String bridgeAddress;
    private final List<Host> hosts = new ArrayList<>();
    private final List<String> namespaces = new ArrayList<>();
    private boolean bridgeMade;

    private NetnsLab(String bridge, String bridgeAddress) {
        this.bridge = bridge;
        this.bridgeAddress = bridgeAddress;
    }

    /** Why a lab cannot be made here (not root, no {@code ip}, namespaces refused), else empty. */
    public static Optional<String> unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("network namespaces need root; running as " + System.getProperty("user.name"));
        }
        if (!Files.isExecutable(Path.of(ip()))) {
            return Optional.of("iproute2 'ip' is not installed (apt-get install iproute2)");
        }
        String probe = "epprobe" + ProcessHandle.current().pid();
        try {
            run(List.of(ip(), "netns", "add", probe));
            run(List.of(ip(), "netns", "del", probe));
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("'ip netns add' is refused here: " + e.getMessage());
        }
    }

    static String ip() {
        for (String candidate : List.of("/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return "/usr/sbin/ip";
    }

    /** {@code count} hosts on a free 10.x.y.0/24 chosen at random. */
    public static NetnsLab create(int count) throws IOException {
        for (int tries = 0; tries < 20; tries++) {
            String subnet = "10." + ThreadLocalRandom.current().nextInt(200, 251) + "."
                    + ThreadLocalRandom.current().nextInt(0, 256);
            if (takenIn(subnet).isEmpty()) {
                return create(subnet, count);
            }
        }
        throw new IllegalStateException("no free 10.200-250.x.0/24 subnet for the lab after 20 tries");
    }

    /**
     * {@code count} hosts on {@code subnet} ("10.1.2" for 10.1.2.0/24).
     *
     * @throws IllegalArgumentException one line naming the address when one of the lab's is already taken
     */
    public static NetnsLab create(String subnet, int count) throws IOException {
        Optional<String> taken = takenIn(subnet);
        if (taken.isPresent()) {
            throw new IllegalArgumentException("address " + taken.get() + " is already taken; the lab needs "
                    + subnet + ".0/24 to itself, pick another subnet");
        }
        String tag = "ep" + Long.toString(ProcessHandle.current().pid() % 1000, 36)
                + Integer.toString(ThreadLocalRandom.current().nextInt(36 * 36 * 36), 36);
        NetnsLab lab = new NetnsLab(tag + "br", subnet + ".254");
        try {
            run(List.of(ip(), "link", "add", lab.bridge, "type", "bridge"));
            lab.bridgeMade = true;
            run(List.of(ip(), "addr", "add", lab.bridgeAddress + "/24", "dev", lab.bridge));
            run(List.of(ip(), "link", "set", lab.bridge, "up"));
            for (int i = 1; i <= count; i++) {
                String ns = tag + "-h" + i;
                String outside = tag + "o" + i;
                String inside = tag + "i" + i;
                run(List.of(ip(), "netns", "add", ns));
                lab.namespaces.add(ns);
                run(List.of(ip(), "link", "add", outside, "type", "veth", "peer", "name", inside));
                run(List.of(ip(), "link", "set", inside, "netns", ns));
                String address = subnet + "." + i;
                run(List.of(ip(), "-n", ns, "addr", "add", address + "/24", "dev", inside));
                run(List.of(ip(), "-n", ns, "link", "set", inside, "up"));
                run(List.of(ip(), "-n", ns, "link", "set", "lo", "up"));
                run(List.of(ip(), "link", "set", outside, "master", lab.bridge));
                run(List.of(ip(), "link", "set", outside, "up"));
                lab.hosts.add(new Host(ns, address, outside));
            }
            return lab;
        } catch (IOException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** An address of {@code subnet}.0/24 already on an interface of this namespace, with the interface. */
    private static Optional<String> takenIn(String subnet) throws IOException {
        for (String line : run(List.of(ip(), "-o", "-4", "addr", "show")).split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 3 && f[3].startsWith(subnet + ".")) {
                return Optional.of(f[3].substring(0, f[3].indexOf('/')) + " (on " + f[1] + ")");
            }
        }
        return Optional.empty();
    }

    public List<Host> hosts() {
        return List.copyOf(hosts);
    }

    /** The test's own address on the lab's bridge. */
    public String bridgeAddress() {
        return bridgeAddress;
    }

    /** Takes a host's link down (as if its cable were pulled) or brings it back. */
    public void link(Host host, boolean up) throws IOException {
        run(List.of(ip(), "link", "set", host.link(), up ? "up" : "down"));
    }

    @Override
    public void close() {
        for (String ns : namespaces) {
            try {
                for (String pid : run(List.of(ip(), "netns", "pids", ns)).split("\\s+")) {
                    if (!pid.isBlank()) {
                        ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
                    }
                }
                run(List.of(ip(), "netns", "del", ns)); // its end of the veth goes, and the other end with it
            } catch (IOException | RuntimeException e) {
                System.err.println("NetnsLab: cannot remove namespace " + ns + ": " + e.getMessage());
            }
        }
        namespaces.clear();
        if (bridgeMade) {
            try {
                run(List.of(ip(), "link", "del", bridge));
            } catch (IOException | RuntimeException e) {
                System.err.println("NetnsLab: cannot remove bridge " + bridge + ": " + e.getMessage());
            }
            bridgeMade = false;
        }
    }

    /** Whether anything this lab made is still there (for the test of {@link #close()}). */
    public static boolean exists(String name) throws IOException {
        return run(List.of(ip(), "netns", "list")).contains(name) || run(List.of(ip(), "-o", "link", "show"))
                .contains(name);
    }

    public String bridge() {
        return bridge;
    }

    private static String run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + p.exitValue() + "): "
                    + out.strip());
        }
        return out;
    }
}

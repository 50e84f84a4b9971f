package dev.edgeperf.agent.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Realistic /proc and /sys samples, written under a temporary root. */
final class FakeTrees {
    private FakeTrees() {
    }

    static String armCore(int n, String features, String variant, String part, String revision) {
        return "processor\t: " + n + "\nBogoMIPS\t: 108.00\nFeatures\t: " + features
                + "\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: " + variant + "\nCPU part\t: " + part
                + "\nCPU revision\t: " + revision + "\n\n";
    }

    static final String PI4_FEATURES = "fp asimd evtstrm crc32 cpuid";
    static final String A76_FEATURES = "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid "
            + "asimdrdm lrcpc dcpop asimddp";

    static String pi4CpuInfo() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            b.append(armCore(i, PI4_FEATURES, "0x0", "0xd08", "3"));
        }
        return b + "Hardware\t: BCM2835\nRevision\t: c03114\nSerial\t\t: 100000002f9a1c3e\n"
                + "Model\t\t: Raspberry Pi 4 Model B Rev 1.4\n";
    }

    static String pi5CpuInfo() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 4; i++) {
            b.append(armCore(i, A76_FEATURES, "0x4", "0xd0b", "1"));
        }
        return b + "Revision\t: d04170\nSerial\t\t: 4d3e0a1b2c3d4e5f\nModel\t\t: Raspberry Pi 5 Model B Rev 1.0\n";
    }

    static String orinCpuInfo() {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            b.append(armCore(i, A76_FEATURES + " uscat ilrcpc flagm paca pacg", "0x1", "0xd42", "1"));
        }
        return b.toString();
    }

    static String xeonAvx512CpuInfo() {
        String flags = "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse "
                + "sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid "
                + "tsc_known_freq pni pclmulqdq ssse3 fma cx16 pcid sse4_1 sse4_2 x2apic movbe popcnt "
                + "tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch "
                + "invpcid_single ssbd ibrs ibpb stibp fsgsbase tsc_adjust bmi1 hle avx2 smep bmi2 erms invpcid "
                + "rtm mpx avx512f avx512dq rdseed adx smap clflushopt clwb avx512cd avx512bw avx512vl xsaveopt "
                + "xsavec xgetbv1 xsaves arat pku ospke avx512_vnni md_clear arch_capabilities";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            b.append("processor\t: ").append(i).append("\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 85\n")
                    .append("model name\t: Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz\nstepping\t: 7\n")
                    .append("cpu MHz\t\t: 2499.998\ncache size\t: 36608 KB\nphysical id\t: 0\nsiblings\t: 2\n")
                    .append("core id\t\t: 0\ncpu cores\t: 1\nflags\t\t: ").append(flags).append("\n\n");
        }
        return b.toString();
    }

    static void write(Path root, String relative, String content) throws IOException {
        Path f = root.resolve(relative);
        Files.createDirectories(f.getParent());
        Files.writeString(f, content, StandardCharsets.ISO_8859_1);
    }

    static Path pi4(Path root) throws IOException {
        write(root, "proc/cpuinfo", pi4CpuInfo());
        write(root, "proc/device-tree/model", "Raspberry Pi 4 Model B Rev 1.4\0");
        for (int i = 0; i < 4; i++) {
            write(root, "sys/devices/system/cpu/cpu" + i + "/cpufreq/cpuinfo_max_freq", "1800000\n");
        }
        write(root, "sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "600000\n");
        write(root, "sys/class/thermal/thermal_zone0/type", "cpu-thermal\n");
        write(root, "sys/class/thermal/thermal_zone0/temp", "47712\n");
        return root;
    }

    static Path pi5(Path root) throws IOException {
        write(root, "proc/cpuinfo", pi5CpuInfo());
        write(root, "proc/device-tree/model", "Raspberry Pi 5 Model B Rev 1.0\0");
        write(root, "sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", "2400000\n");
        write(root, "sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "1500000\n");
        write(root, "sys/class/thermal/thermal_zone0/type", "cpu-thermal\n");
        write(root, "sys/class/thermal/thermal_zone0/temp", "61250\n");
        return root;
    }

    static Path orinNano(Path root) throws IOException {
        write(root, "proc/cpuinfo", orinCpuInfo());
        write(root, "proc/device-tree/model", "NVIDIA Jetson Orin Nano Developer Kit\0");
        write(root, "etc/nv_tegra_release", "# R35 (release), REVISION: 4.1, GCID: 33958178, BOARD: t186ref, "
                + "EABI: aarch64, DATE: Tue Aug  1 19:57:35 UTC 2023\n");
        write(root, "sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", "1510400\n");
        write(root, "sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "729600\n");
        // Orin lists several zones; the CPU one is not the first
        write(root, "sys/class/thermal/thermal_zone0/type", "soc2-thermal\n");
        write(root, "sys/class/thermal/thermal_zone0/temp", "44000\n");
        write(root, "sys/class/thermal/thermal_zone1/type", "cpu-thermal\n");
        write(root, "sys/class/thermal/thermal_zone1/temp", "45500\n");
        return root;
    }

    static Path xeon(Path root) throws IOException {
        write(root, "proc/cpuinfo", xeonAvx512CpuInfo());
        return root;
    }
}

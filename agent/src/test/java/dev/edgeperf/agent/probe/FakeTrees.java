package dev.edgeperf.agent.probe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Realistic /proc and /sys samples, written under a temporary root. Each cpuinfo text follows what
 * the named board's kernel prints (field order, tabs, feature lists of that core and kernel
 * generation); device-tree strings are NUL-separated as the kernel exposes them.
 */
final class FakeTrees {
    private FakeTrees() {
    }

    static String armCore(int n, String features, String variant, String part, String revision) {
        return "processor\t: " + n + "\nBogoMIPS\t: 108.00\nFeatures\t: " + features
                + "\nCPU implementer\t: 0x41\nCPU architecture: 8\nCPU variant\t: " + variant + "\nCPU part\t: " + part
                + "\nCPU revision\t: " + revision + "\n\n";
    }

    /** An ARMv8 core of any implementer, with the "model name" line L4T kernels print (empty = none). */
    static String armCore(int n, String modelName, String features, String implementer, String variant,
                          String part, String revision) {
        return "processor\t: " + n + "\n" + (modelName.isEmpty() ? "" : "model name\t: " + modelName + "\n")
                + "BogoMIPS\t: 62.50\nFeatures\t: " + features + "\nCPU implementer\t: " + implementer
                + "\nCPU architecture: 8\nCPU variant\t: " + variant + "\nCPU part\t: " + part
                + "\nCPU revision\t: " + revision + "\n\n";
    }

    static String repeat(int cores, java.util.function.IntFunction<String> core) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < cores; i++) {
            b.append(core.apply(i));
        }
        return b.toString();
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

    /** Jetson Orin (JetPack 5/6 kernel 5.10/5.15): Cortex-A78AE, implementer Arm, part 0xd42. */
    static final String ORIN_FEATURES = A76_FEATURES + " uscat ilrcpc flagm paca pacg";

    static String orinCpuInfo() {
        return orinCpuInfo(6);
    }

    static String orinCpuInfo(int cores) {
        return repeat(cores, i -> armCore(i, ORIN_FEATURES, "0x1", "0xd42", "1"));
    }

    /** Raspberry Pi 3 Model B, 64-bit Raspberry Pi OS: four Cortex-A53 (part 0xd03). */
    static String pi3CpuInfo() {
        return repeat(4, i -> armCore(i, "fp asimd evtstrm crc32 cpuid", "0x0", "0xd03", "4"))
                + "Hardware\t: BCM2835\nRevision\t: a02082\nSerial\t\t: 00000000c1a2b3c4\n"
                + "Model\t\t: Raspberry Pi 3 Model B Rev 1.2\n";
    }

    /** Jetson Nano (L4T R32.7, kernel 4.9): four Cortex-A57 (part 0xd07), with a "model name" line. */
    static String jetsonNanoCpuInfo() {
        return repeat(4, i -> armCore(i, "ARMv8 Processor rev 1 (v8l)", "fp asimd evtstrm aes pmull sha1 sha2 crc32",
                "0x41", "0x1", "0xd07", "1"));
    }

    /** Jetson AGX Xavier (L4T R32/R35): eight NVIDIA Carmel cores, implementer 0x4e, part 0x004. */
    static String xavierCpuInfo() {
        return repeat(8, i -> armCore(i, "ARMv8 Processor rev 0 (v8l)",
                "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm dcpop",
                "0x4e", "0x0", "0x004", "0"));
    }

    /** AWS Graviton2 (c6g, Amazon Linux 2): Neoverse-N1, part 0xd0c; no device tree (ACPI). */
    static String graviton2CpuInfo() {
        return repeat(4, i -> armCore(i, "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid "
                + "asimdrdm lrcpc dcpop asimddp ssbs", "0x3", "0xd0c", "1"));
    }

    /** AWS Graviton3 (c7g): Neoverse-V1, part 0xd40, with SVE, int8 matrix multiply and bf16. */
    static String graviton3CpuInfo() {
        return repeat(4, i -> armCore(i, "fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid "
                + "asimdrdm jscvt fcma lrcpc dcpop sha3 sm3 sm4 asimddp sha512 sve asimdfhm dit uscat ilrcpc flagm "
                + "ssbs paca pacg dcpodp svei8mm svebf16 i8mm bf16 dgh rng", "0x1", "0xd40", "1"));
    }

    private static String x86Processor(int n, String modelName, String flags) {
        return "processor\t: " + n + "\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 143\n"
                + "model name\t: " + modelName + "\nstepping\t: 8\ncpu MHz\t\t: 2400.000\n"
                + "physical id\t: 0\ncore id\t\t: " + n + "\nflags\t\t: " + flags + "\n\n";
    }

    /** AWS m7i (Sapphire Rapids, Xeon Platinum 8488C): AVX-512 with VNNI, AVX-VNNI and AMX tiles. */
    static String sapphireRapidsCpuInfo() {
        String flags = "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush mmx fxsr sse "
                + "sse2 ss ht syscall nx pdpe1gb rdtscp lm constant_tsc rep_good nopl xtopology nonstop_tsc cpuid "
                + "aperfmperf tsc_known_freq pni pclmulqdq monitor ssse3 fma cx16 pdcm pcid sse4_1 sse4_2 x2apic "
                + "movbe popcnt tsc_deadline_timer aes xsave avx f16c rdrand hypervisor lahf_lm abm 3dnowprefetch "
                + "invpcid_single ssbd ibrs ibpb stibp ibrs_enhanced fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms "
                + "invpcid avx512f avx512dq rdseed adx smap avx512ifma clflushopt clwb avx512cd sha_ni avx512bw "
                + "avx512vl xsaveopt xsavec xgetbv1 xsaves avx_vnni avx512_bf16 wbnoinvd ida arat avx512vbmi umip "
                + "pku ospke waitpkg avx512_vbmi2 gfni vaes vpclmulqdq avx512_vnni avx512_bitalg tme "
                + "avx512_vpopcntdq rdpid cldemote movdiri movdir64b md_clear serialize amx_bf16 avx512_fp16 "
                + "amx_tile amx_int8 flush_l1d arch_capabilities";
        return repeat(4, i -> x86Processor(i, "Intel(R) Xeon(R) Platinum 8488C", flags));
    }

    /** Alder Lake desktop (Core i7-12700K): AVX2 + FMA + AVX-VNNI, AVX-512 fused off. */
    static String alderLakeCpuInfo() {
        String flags = "fpu vme de pse tsc msr pae mce cx8 apic sep mtrr pge mca cmov pat pse36 clflush dts acpi mmx "
                + "fxsr sse sse2 ss ht tm pbe syscall nx pdpe1gb rdtscp lm constant_tsc art arch_perfmon pebs bts "
                + "rep_good nopl xtopology nonstop_tsc cpuid aperfmperf tsc_known_freq pni pclmulqdq dtes64 monitor "
                + "ds_cpl vmx smx est tm2 ssse3 sdbg fma cx16 xtpr pdcm pcid sse4_1 sse4_2 x2apic movbe popcnt "
                + "tsc_deadline_timer aes xsave avx f16c rdrand lahf_lm abm 3dnowprefetch cpuid_fault epb "
                + "fsgsbase tsc_adjust bmi1 avx2 smep bmi2 erms invpcid rdseed adx smap clflushopt clwb intel_pt "
                + "sha_ni xsaveopt xsavec xgetbv1 xsaves avx_vnni dtherm ida arat pln pts hwp hwp_notify "
                + "hwp_act_window hwp_epp hwp_pkg_req hfi umip pku ospke waitpkg gfni vaes vpclmulqdq rdpid "
                + "movdiri movdir64b fsrm md_clear serialize arch_lbr ibt flush_l1d arch_capabilities";
        return repeat(8, i -> x86Processor(i, "12th Gen Intel(R) Core(TM) i7-12700K", flags));
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

    static void deviceTree(Path root, String model, String... compatible) throws IOException {
        write(root, "proc/device-tree/model", model + "\0");
        write(root, "proc/device-tree/compatible", String.join("\0", compatible) + "\0");
    }

    static void maxFreqKhz(Path root, int cores, long khz) throws IOException {
        for (int i = 0; i < cores; i++) {
            write(root, "sys/devices/system/cpu/cpu" + i + "/cpufreq/cpuinfo_max_freq", khz + "\n");
        }
    }

    static Path pi4(Path root) throws IOException {
        write(root, "proc/cpuinfo", pi4CpuInfo());
        deviceTree(root, "Raspberry Pi 4 Model B Rev 1.4", "raspberrypi,4-model-b", "brcm,bcm2711");
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
        deviceTree(root, "Raspberry Pi 5 Model B Rev 1.0", "raspberrypi,5-model-b", "brcm,bcm2712");
        write(root, "sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", "2400000\n");
        write(root, "sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq", "1500000\n");
        write(root, "sys/class/thermal/thermal_zone0/type", "cpu-thermal\n");
        write(root, "sys/class/thermal/thermal_zone0/temp", "61250\n");
        return root;
    }

    static Path orinNano(Path root) throws IOException {
        write(root, "proc/cpuinfo", orinCpuInfo());
        deviceTree(root, "NVIDIA Jetson Orin Nano Developer Kit", "nvidia,p3768-0000+p3767-0005",
                "nvidia,p3767-0005", "nvidia,tegra234");
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

    /** Raspberry Pi 3 Model B, 64-bit Raspberry Pi OS. */
    static Path pi3(Path root) throws IOException {
        write(root, "proc/cpuinfo", pi3CpuInfo());
        deviceTree(root, "Raspberry Pi 3 Model B Rev 1.2", "raspberrypi,3-model-b", "brcm,bcm2837");
        maxFreqKhz(root, 4, 1200000);
        return root;
    }

    /** Jetson Nano Developer Kit, L4T R32.7.1. */
    static Path jetsonNano(Path root) throws IOException {
        write(root, "proc/cpuinfo", jetsonNanoCpuInfo());
        deviceTree(root, "NVIDIA Jetson Nano Developer Kit", "nvidia,p3450-0000", "nvidia,jetson-nano",
                "nvidia,tegra210");
        write(root, "etc/nv_tegra_release", "# R32 (release), REVISION: 7.1, GCID: 29818004, BOARD: t210ref, "
                + "EABI: aarch64, DATE: Sat Feb 19 17:05:08 UTC 2022\n");
        maxFreqKhz(root, 4, 1479000);
        return root;
    }

    /** Jetson AGX Xavier Developer Kit, L4T R32: its model string is only "Jetson-AGX". */
    static Path agxXavier(Path root) throws IOException {
        write(root, "proc/cpuinfo", xavierCpuInfo());
        deviceTree(root, "Jetson-AGX", "nvidia,p2972-0000", "nvidia,galen", "nvidia,tegra194");
        write(root, "etc/nv_tegra_release", "# R32 (release), REVISION: 7.4, GCID: 33514132, BOARD: t186ref, "
                + "EABI: aarch64, DATE: Fri Jun  9 04:25:08 UTC 2023\n");
        maxFreqKhz(root, 8, 2265600);
        return root;
    }

    /** Jetson AGX Orin 64 GB Developer Kit, JetPack 5.1 (L4T R35.4.1). */
    static Path agxOrin(Path root) throws IOException {
        write(root, "proc/cpuinfo", orinCpuInfo(12));
        deviceTree(root, "Jetson AGX Orin Developer Kit", "nvidia,p3737-0000+p3701-0005", "nvidia,p3701-0005",
                "nvidia,tegra234");
        write(root, "etc/nv_tegra_release", "# R35 (release), REVISION: 4.1, GCID: 33958178, BOARD: t186ref, "
                + "EABI: aarch64, DATE: Tue Aug  1 19:57:35 UTC 2023\n");
        maxFreqKhz(root, 12, 2201600);
        return root;
    }

    /** Jetson Orin NX 16 GB on the Orin Nano developer kit carrier (p3768), JetPack 6 (L4T R36.3). */
    static Path orinNx(Path root) throws IOException {
        write(root, "proc/cpuinfo", orinCpuInfo(8));
        deviceTree(root, "NVIDIA Jetson Orin NX Engineering Reference Developer Kit", "nvidia,p3768-0000+p3767-0000",
                "nvidia,p3767-0000", "nvidia,tegra234");
        write(root, "etc/nv_tegra_release", "# R36 (release), REVISION: 3.0, GCID: 36923193, BOARD: generic, "
                + "EABI: aarch64, DATE: Fri Jul 19 23:24:25 UTC 2024\n");
        maxFreqKhz(root, 8, 1984000);
        return root;
    }

    static Path xeon(Path root) throws IOException {
        write(root, "proc/cpuinfo", xeonAvx512CpuInfo());
        return root;
    }
}

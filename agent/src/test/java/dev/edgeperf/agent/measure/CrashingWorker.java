package dev.edgeperf.agent.measure;

/** A worker that dies as a JVM does on a native crash: a last stderr line, then exit by SIGABRT (134). */
public final class CrashingWorker {
    private CrashingWorker() {
    }

    public static void main(String[] args) {
        System.err.println("some earlier line");
        System.err.println("# fake native crash in libonnxruntime.so");
        System.err.flush();
        Runtime.getRuntime().halt(134);
    }
}

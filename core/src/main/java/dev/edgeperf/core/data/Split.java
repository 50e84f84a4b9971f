package dev.edgeperf.core.data;

/** The standard split of a dataset; the IDX file prefix is {@code train} or {@code t10k}. */
public enum Split {
    TRAIN("train"),
    TEST("t10k");

    private final String filePrefix;

    Split(String filePrefix) {
        this.filePrefix = filePrefix;
    }

    /** Prefix of the IDX file names of this split, e.g. {@code t10k} in {@code t10k-images-idx3-ubyte}. */
    public String filePrefix() {
        return filePrefix;
    }
}

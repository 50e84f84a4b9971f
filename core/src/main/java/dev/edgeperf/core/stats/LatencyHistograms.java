package dev.edgeperf.core.stats;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/**
 * The wire and storage form of a latency histogram: HdrHistogram's compressed encoding
 * ({@link Histogram#encodeIntoCompressedByteBuffer}), so any percentile of a stored run can be read
 * later. Units are whatever was recorded (nanoseconds for {@link LatencySummary#newHistogram()}).
 */
public final class LatencyHistograms {
    private LatencyHistograms() {
    }

    /** The compressed encoding of {@code histogram}; an empty histogram encodes too. */
    public static byte[] encode(Histogram histogram) {
        Objects.requireNonNull(histogram, "histogram is null");
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        byte[] out = new byte[length];
        buffer.flip();
        buffer.get(out);
        return out;
    }

    /**
     * Decodes bytes made by {@link #encode(Histogram)}.
     *
     * @throws IllegalArgumentException when the bytes are not a compressed HdrHistogram
     */
    public static Histogram decode(byte[] compressed) {
        Objects.requireNonNull(compressed, "compressed is null");
        try {
            Histogram h = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(compressed), 0);
            h.setAutoResize(true);
            return h;
        } catch (DataFormatException | RuntimeException e) {
            throw new IllegalArgumentException("not a compressed HdrHistogram (" + compressed.length + " bytes): "
                    + e.getMessage(), e);
        }
    }
}

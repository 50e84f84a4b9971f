package dev.edgeperf.core.zoo;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Deterministic float32 tensor contents. Every tensor draws from its own {@link SplittableRandom}
 * seeded from the model and tensor name, so a tensor's values do not depend on the order in which
 * the others were generated and the same model always serializes to the same bytes.
 */
final class WeightInit {
    private WeightInit() {
    }

    /**
     * Seed for one tensor: 64-bit FNV-1a over "model/tensor" in UTF-8. Spelled out rather than
     * {@code String.hashCode()} so the seed is 64 bits wide and its definition is visible here.
     */
    static long seed(String model, String tensor) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : (model + "/" + tensor).getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    /**
     * {@code count} little-endian float32 values uniform in [{@code center - halfWidth},
     * {@code center + halfWidth}), as a heap buffer whose backing array is exactly the raw data.
     */
    static ByteBuffer uniform(long seed, int count, double center, double halfWidth) {
        ByteBuffer buffer = ByteBuffer.allocate(Math.multiplyExact(count, Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
        SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < count; i++) {
            buffer.putFloat((float) (center + halfWidth * (2.0 * random.nextDouble() - 1.0)));
        }
        buffer.flip();
        return buffer;
    }

    /**
     * Half-width of the Kaiming (He) uniform distribution for ReLU networks: values in ±sqrt(6 / fanIn)
     * have variance 2 / fanIn, which keeps activation variance roughly constant from layer to layer.
     */
    static double heHalfWidth(long fanIn) {
        return Math.sqrt(6.0 / fanIn);
    }

    /** Half-width PyTorch uses for biases by default: ±1 / sqrt(fanIn). */
    static double biasHalfWidth(long fanIn) {
        return 1.0 / Math.sqrt(fanIn);
    }
}

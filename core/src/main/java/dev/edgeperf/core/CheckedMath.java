package dev.edgeperf.core;

import java.util.Arrays;
import java.util.function.Supplier;

/**
 * Overflow-checked arithmetic for sizes and costs (element counts, bytes, MACs, FLOPs). A size
 * that does not fit in a {@code long} always comes from the input — a huge batch, shape or dim in
 * a model — so overflow is a USER_ERROR whose message names what overflowed and the limit, never a
 * negative count or a raw {@link ArithmeticException}.
 */
public final class CheckedMath {
    /** The largest count a {@code long} holds, as the messages print it. */
    public static final String LIMIT = "the limit 9,223,372,036,854,775,807 (2^63-1)";

    private CheckedMath() {
    }

    /**
     * {@code a * b}.
     *
     * @param what what is being computed, e.g. {@code "MACs of node 'conv1' (Conv)"}, for the message
     * @throws EdgeperfException USER_ERROR when the product overflows
     */
    public static long multiply(long a, long b, String what) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if ((high == 0 && low >= 0) || (high == -1 && low < 0)) {
            return low;
        }
        throw overflow(what);
    }

    /** {@link #multiply(long, long, String)} that builds its message only on overflow (hot paths). */
    public static long multiply(long a, long b, Supplier<String> what) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if ((high == 0 && low >= 0) || (high == -1 && low < 0)) {
            return low;
        }
        throw overflow(what.get());
    }

    /** {@link #add(long, long, String)} that builds its message only on overflow (hot paths). */
    public static long add(long a, long b, Supplier<String> what) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            throw overflow(what.get());
        }
        return r;
    }

    /**
     * {@code a + b}.
     *
     * @throws EdgeperfException USER_ERROR when the sum overflows
     */
    public static long add(long a, long b, String what) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            throw overflow(what);
        }
        return r;
    }

    /**
     * Product of all values (1 for none), e.g. the element count of a shape.
     *
     * @throws EdgeperfException USER_ERROR when the product overflows
     */
    public static long product(long[] values, String what) {
        long n = 1;
        for (long v : values) {
            n = multiply(n, v, what);
        }
        return n;
    }

    /** Product of a shape's dims, with the shape itself named in the message on overflow. */
    public static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            long high = Math.multiplyHigh(n, d);
            long low = n * d;
            if (!((high == 0 && low >= 0) || (high == -1 && low < 0))) {
                throw overflow("the element count of shape " + Arrays.toString(shape));
            }
            n = low;
        }
        return n;
    }

    /** The USER_ERROR for a count that exceeds {@link #LIMIT}. */
    public static EdgeperfException overflow(String what) {
        return new EdgeperfException(ErrorCategory.USER_ERROR, what + " exceeds " + LIMIT);
    }

    /** Whether an exception is (or wraps the message of) an overflow from this class. */
    public static boolean isOverflow(Throwable e) {
        return e instanceof EdgeperfException && e.getMessage().contains(" exceeds " + LIMIT);
    }
}

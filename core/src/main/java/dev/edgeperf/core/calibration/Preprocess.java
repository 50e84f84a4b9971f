package dev.edgeperf.core.calibration;

import dev.edgeperf.core.EdgeperfException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.StringJoiner;

/**
 * How images of an {@code images:DIR} source become model input: {@code x = (pixel × scale − mean[c]) / std[c]}
 * per channel, pixels 0..255, after an optional resize (bilinear), in NCHW or NHWC order.
 *
 * <p>Text form: comma-separated {@code key=value}, e.g.
 * {@code resize=224x224,layout=nchw,mean=0.485/0.456/0.406,std=0.229/0.224/0.225} or {@code scale=1/255}.
 *
 * @param height   resize target height, pixels; 0 = no resize (images must already fit the model)
 * @param width    resize target width, pixels; 0 = no resize
 * @param layout   NCHW or NHWC; null = from the model input (channels of 1 or 3 at index 1 = NCHW)
 * @param channels RGB, BGR or GRAY; null = from the model input (1 channel = GRAY, else RGB)
 * @param scale    factor applied to 0..255 pixels first (default 1/255)
 * @param mean     per-channel mean subtracted after scaling; one value applies to every channel
 * @param std      per-channel divisor after the mean; one value applies to every channel
 */
public record Preprocess(int height, int width, Layout layout, Channels channels, double scale, double[] mean,
        double[] std) {
    /** Memory order of an image batch. */
    public enum Layout { NCHW, NHWC }

    /** Channel order (GRAY = one channel, the ITU-R 601 luma of RGB). */
    public enum Channels {
        RGB(3), BGR(3), GRAY(1);

        private final int count;

        Channels(int count) {
            this.count = count;
        }

        public int count() {
            return count;
        }
    }

    public static final double DEFAULT_SCALE = 1.0 / 255;

    public Preprocess {
        if (height < 0 || width < 0 || (height == 0) != (width == 0)) {
            throw EdgeperfException.userError("--preprocess resize must be HxW with positive sizes, got " + height + "x" + width);
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            throw EdgeperfException.userError("--preprocess scale must be a positive number, got " + scale);
        }
        mean = mean.clone();
        std = std.clone();
        for (double s : std) {
            if (!(s > 0)) {
                throw EdgeperfException.userError("--preprocess std values must be positive, got " + Arrays.toString(std));
            }
        }
    }

    /** Nothing declared: no resize, layout and channels from the model, pixels scaled to [0, 1]. */
    public static Preprocess defaults() {
        return new Preprocess(0, 0, null, null, DEFAULT_SCALE, new double[] {0}, new double[] {1});
    }

    /**
     * @param text e.g. {@code resize=224x224,layout=nchw,mean=0.485/0.456/0.406,std=0.229/0.224/0.225}; null or blank = defaults
     * @throws EdgeperfException USER_ERROR naming the key and value that are wrong and what is expected
     */
    public static Preprocess parse(String text) {
        if (text == null || text.isBlank()) {
            return defaults();
        }
        int h = 0;
        int w = 0;
        Layout layout = null;
        Channels channels = null;
        double scale = DEFAULT_SCALE;
        double[] mean = {0};
        double[] std = {1};
        for (String part : text.split(",")) {
            String p = part.strip();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw bad(p, "KEY=VALUE with KEY resize, layout, channels, scale, mean or std");
            }
            String key = p.substring(0, eq).strip().toLowerCase(Locale.ROOT);
            String value = p.substring(eq + 1).strip();
            switch (key) {
                case "resize" -> {
                    String[] hw = value.toLowerCase(Locale.ROOT).split("x");
                    if (hw.length != 2) {
                        throw bad(p, "resize=HxW, e.g. resize=224x224");
                    }
                    h = positiveInt(hw[0], p);
                    w = positiveInt(hw[1], p);
                }
                case "layout" -> layout = parseEnum(Layout.class, value, p, "layout=nchw or layout=nhwc");
                case "channels" -> channels = parseEnum(Channels.class, value, p, "channels=rgb, bgr or gray");
                case "scale" -> scale = number(value, p, "scale=NUMBER or scale=A/B, e.g. scale=1/255");
                case "mean" -> mean = numbers(value, p);
                case "std" -> std = numbers(value, p);
                default -> throw bad(p, "a key among resize, layout, channels, scale, mean, std");
            }
        }
        return new Preprocess(h, w, layout, channels, scale, mean, std);
    }

    /** Whether images are resized to {@link #height()} × {@link #width()}. */
    public boolean resizes() {
        return height > 0;
    }

    /** The mean of channel {@code c}. */
    public double mean(int c) {
        return mean.length == 1 ? mean[0] : mean[c];
    }

    /** The std of channel {@code c}. */
    public double std(int c) {
        return std.length == 1 ? std[0] : std[c];
    }

    /** A text {@link #parse} reads back to this value; {@code ""} for {@link #defaults()}. */
    public String text() {
        if (equals(defaults())) {
            return "";
        }
        StringJoiner j = new StringJoiner(",");
        if (resizes()) {
            j.add("resize=" + height + "x" + width);
        }
        if (layout != null) {
            j.add("layout=" + layout.name().toLowerCase(Locale.ROOT));
        }
        if (channels != null) {
            j.add("channels=" + channels.name().toLowerCase(Locale.ROOT));
        }
        j.add("scale=" + scale);
        j.add("mean=" + join(mean));
        j.add("std=" + join(std));
        return j.toString();
    }

    /** The canonical text form, with what was left to the model shown as {@code auto}. */
    public String describe() {
        StringJoiner j = new StringJoiner(",");
        if (resizes()) {
            j.add("resize=" + height + "x" + width);
        }
        j.add("layout=" + (layout == null ? "auto" : layout.name().toLowerCase(Locale.ROOT)));
        j.add("channels=" + (channels == null ? "auto" : channels.name().toLowerCase(Locale.ROOT)));
        j.add(String.format(Locale.ROOT, "scale=%s", scale == DEFAULT_SCALE ? "1/255" : Double.toString(scale)));
        j.add("mean=" + join(mean));
        j.add("std=" + join(std));
        return j.toString();
    }

    private static String join(double[] v) {
        StringJoiner j = new StringJoiner("/");
        for (double d : v) {
            j.add(Double.toString(d));
        }
        return j.toString();
    }

    private static <E extends Enum<E>> E parseEnum(Class<E> type, String value, String part, String expected) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw bad(part, expected);
        }
    }

    private static int positiveInt(String s, String part) {
        try {
            int v = Integer.parseInt(s.strip());
            if (v > 0) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw bad(part, "resize=HxW with positive integers, e.g. resize=224x224");
    }

    private static double number(String s, String part, String expected) {
        try {
            int slash = s.indexOf('/');
            return slash < 0 ? Double.parseDouble(s) : Double.parseDouble(s.substring(0, slash))
                    / Double.parseDouble(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw bad(part, expected);
        }
    }

    private static double[] numbers(String s, String part) {
        String[] items = s.split("/");
        if (items.length != 1 && items.length != 3) {
            throw bad(part, "one value or three separated by '/', e.g. mean=0.485/0.456/0.406");
        }
        double[] v = new double[items.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = number(items[i], part, "numbers separated by '/', e.g. mean=0.485/0.456/0.406");
        }
        return v;
    }

    private static EdgeperfException bad(String part, String expected) {
        return EdgeperfException.userError("--preprocess '" + part + "' is not valid; expected " + expected);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocess p && height == p.height && width == p.width && layout == p.layout
                && channels == p.channels && Double.compare(scale, p.scale) == 0 && Arrays.equals(mean, p.mean)
                && Arrays.equals(std, p.std);
    }

    @Override
    public int hashCode() {
        return Objects.hash(height, width, layout, channels, scale, Arrays.hashCode(mean), Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        return describe();
    }
}

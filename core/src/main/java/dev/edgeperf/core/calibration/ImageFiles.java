package dev.edgeperf.core.calibration;

import dev.edgeperf.core.EdgeperfException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * Reads an {@code images:DIR} folder ({@code .png}, {@code .jpg}, {@code .jpeg}, natural name order) into
 * model input per a {@link Preprocess}: one sample of {@code channels × height × width} floats per image.
 */
public final class ImageFiles {
    private static final List<String> EXTENSIONS = List.of(".png", ".jpg", ".jpeg");

    private ImageFiles() {
    }

    /**
     * The images of a folder, as per-sample tensors in the model's layout.
     *
     * @param channels model input channels (1 or 3) the images must be turned into
     * @param height   model input height; images must have it unless {@code pre} resizes
     * @param width    model input width, likewise
     * @param layout   memory order the model takes
     * @throws EdgeperfException USER_ERROR for an empty folder, an unreadable image, or one whose size does not fit
     *         the model input when no resize is declared, naming the file and the size expected
     */
    public static List<float[]> read(Path dir, Preprocess pre, int channels, int height, int width,
            Preprocess.Layout layout) {
        List<Path> files = TensorFiles.list(dir, EXTENSIONS, "image", ".png, .jpg or .jpeg");
        Preprocess.Channels order = pre.channels() != null ? pre.channels()
                : channels == 1 ? Preprocess.Channels.GRAY : Preprocess.Channels.RGB;
        if (order.count() != channels) {
            throw EdgeperfException.userError("--preprocess channels=" + order.name().toLowerCase(java.util.Locale.ROOT)
                    + " gives " + order.count() + " channel(s) but the model input takes " + channels);
        }
        if (pre.resizes() && (pre.height() != height || pre.width() != width)) {
            throw EdgeperfException.userError("--preprocess resize=" + pre.height() + "x" + pre.width()
                    + " does not give the model input's " + height + "x" + width + " (HxW)");
        }
        for (int c = 0; c < channels; c++) {
            if (pre.mean().length != 1 && pre.mean().length != channels || pre.std().length != 1 && pre.std().length != channels) {
                throw EdgeperfException.userError("--preprocess mean/std have " + pre.mean().length + "/" + pre.std().length
                        + " values; the model input has " + channels + " channel(s) (give 1 or " + channels + ")");
            }
        }
        return files.stream().map(f -> sample(f, pre, order, height, width, layout)).toList();
    }

    private static float[] sample(Path file, Preprocess pre, Preprocess.Channels order, int height, int width,
            Preprocess.Layout layout) {
        BufferedImage img;
        try {
            img = ImageIO.read(new ByteArrayInputStream(TensorFiles.readAll(file)));
        } catch (IOException | RuntimeException e) {
            throw EdgeperfException.userError("image " + file + " cannot be decoded: " + e.getMessage());
        }
        if (img == null) {
            throw EdgeperfException.userError("image " + file + " cannot be decoded; expected a PNG or JPEG file");
        }
        if (!pre.resizes() && (img.getHeight() != height || img.getWidth() != width)) {
            throw EdgeperfException.userError("image " + file + " is " + img.getHeight() + "x" + img.getWidth()
                    + " (HxW) but the model input takes " + height + "x" + width + "; resize the images or add"
                    + " --preprocess resize=" + height + "x" + width);
        }
        int c = order.count();
        float[] out = new float[c * height * width];
        double sy = (double) img.getHeight() / height;
        double sx = (double) img.getWidth() / width;
        double[] rgb = new double[3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (pre.resizes()) {
                    bilinear(img, (x + 0.5) * sx - 0.5, (y + 0.5) * sy - 0.5, rgb);
                } else {
                    unpack(img.getRGB(x, y), rgb, 1, 0, rgb);
                }
                for (int k = 0; k < c; k++) {
                    double p = switch (order) {
                        case RGB -> rgb[k];
                        case BGR -> rgb[2 - k];
                        case GRAY -> 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
                    };
                    float v = (float) ((p * pre.scale() - pre.mean(k)) / pre.std(k));
                    int at = layout == Preprocess.Layout.NHWC ? (y * width + x) * c + k : (k * height + y) * width + x;
                    out[at] = v;
                }
            }
        }
        return out;
    }

    /** Bilinear sample at (fx, fy) in source pixel coordinates, edges clamped; 0..255 per channel. */
    private static void bilinear(BufferedImage img, double fx, double fy, double[] rgb) {
        int x0 = (int) Math.floor(fx);
        int y0 = (int) Math.floor(fy);
        double ax = fx - x0;
        double ay = fy - y0;
        rgb[0] = 0;
        rgb[1] = 0;
        rgb[2] = 0;
        for (int dy = 0; dy <= 1; dy++) {
            for (int dx = 0; dx <= 1; dx++) {
                double w = (dx == 0 ? 1 - ax : ax) * (dy == 0 ? 1 - ay : ay);
                int px = Math.min(img.getWidth() - 1, Math.max(0, x0 + dx));
                int py = Math.min(img.getHeight() - 1, Math.max(0, y0 + dy));
                unpack(img.getRGB(px, py), rgb, w, 1, rgb);
            }
        }
    }

    /** out = keep × acc + w × the pixel's channels. */
    private static void unpack(int argb, double[] acc, double w, double keep, double[] out) {
        out[0] = keep * acc[0] + w * ((argb >> 16) & 0xFF);
        out[1] = keep * acc[1] + w * ((argb >> 8) & 0xFF);
        out[2] = keep * acc[2] + w * (argb & 0xFF);
    }
}

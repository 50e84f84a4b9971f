import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Renders PNG images of printed text, the input OCR models are made for, as calibration data for the
 * PP-OCR corpus models (scripts/bench-corpus.sh): random words in the fonts Java finds, dark on light
 * backgrounds. Random pixels give OCR models nothing to detect, so their outputs (a text-probability
 * map, character posteriors) say little about a variant's fidelity.
 *
 *   java scripts/TextImages.java DIR WIDTHxHEIGHT COUNT lines|line [SEED]
 *
 * "lines" fills the image with lines of words (detection); "line" draws one line of text filling the
 * height (recognition, direction classification), upside down in every second image.
 */
public class TextImages {
    private static final String CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final String[] FONTS = {Font.SANS_SERIF, Font.SERIF, Font.MONOSPACED};

    public static void main(String[] args) throws Exception {
        if (args.length < 4 || !args[1].matches("\\d+x\\d+") || !args[3].matches("lines|line")) {
            System.err.println("usage: java TextImages.java DIR WIDTHxHEIGHT COUNT lines|line [SEED]");
            System.exit(2);
        }
        File dir = new File(args[0]);
        dir.mkdirs();
        int w = Integer.parseInt(args[1].split("x")[0]);
        int h = Integer.parseInt(args[1].split("x")[1]);
        int count = Integer.parseInt(args[2]);
        boolean single = args[3].equals("line");
        Random r = new Random(args.length > 4 ? Long.parseLong(args[4]) : 7);
        for (int i = 0; i < count; i++) {
            BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = img.createGraphics();
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            int bg = 200 + r.nextInt(56);
            g.setColor(new Color(bg, bg - r.nextInt(20), bg - r.nextInt(30)));
            g.fillRect(0, 0, w, h);
            if (single && i % 2 == 1) {
                g.rotate(Math.PI, w / 2.0, h / 2.0);
            }
            int size = single ? (int) (h * 0.7) : 12 + r.nextInt(14);
            for (int y = single ? (int) (h * 0.78) : size + r.nextInt(size); y < h; y += single ? h : size * 2) {
                g.setFont(new Font(FONTS[r.nextInt(FONTS.length)], r.nextBoolean() ? Font.PLAIN : Font.BOLD, size));
                g.setColor(new Color(r.nextInt(80), r.nextInt(80), r.nextInt(80)));
                int x = 2 + r.nextInt(Math.max(1, w / 8));
                while (x < w) {
                    String word = word(r);
                    g.drawString(word, x, y);
                    x += g.getFontMetrics().stringWidth(word + " ") + r.nextInt(size * 2);
                }
            }
            g.dispose();
            ImageIO.write(img, "png", new File(dir, String.format("text-%03d.png", i)));
        }
    }

    private static String word(Random r) {
        StringBuilder b = new StringBuilder();
        for (int k = 2 + r.nextInt(7); k > 0; k--) {
            b.append(CHARS.charAt(r.nextInt(CHARS.length())));
        }
        return b.toString();
    }
}

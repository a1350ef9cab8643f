package dev.gatehouse.bench.http;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A horizontal bar chart of each target's share of the unprotected throughput (as the table gives
 * it), with a whisker from its least to its greatest slice, in plain Java2D, written as PNG.
 */
final class Chart {

    private static final int WIDTH = 1150;
    private static final int BAR = 24;
    private static final int GAP = 8;
    private static final int LEFT = 400;
    private static final int RIGHT = 240;
    private static final int TOP = 70;
    private static final int BOTTOM = 50;

    private Chart() {}

    static void write(List<HttpBenchmark.Row> rows, String subtitle, Path png) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int height = TOP + rows.size() * (BAR + GAP) + BOTTOM;
        BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, WIDTH, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
            g.drawString("Share of the unprotected servlet's requests/s, each stack on the same Jetty 12, driven by wrk", 16, 26);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawString(subtitle, 16, 46);

            double max = Math.max(1.1, rows.stream().mapToDouble(r -> Math.max(r.share(), r.high())).max().orElse(1));
            int plot = WIDTH - LEFT - RIGHT;
            int bottom = TOP + rows.size() * (BAR + GAP);
            g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {4, 4}, 0));
            for (double share : new double[] {0.9, 0.95, 1.0}) {
                int x = LEFT + (int) (plot * share / max);
                g.setColor(share == 1.0 ? Color.DARK_GRAY : new Color(0xC0392B));
                g.drawLine(x, TOP - 6, x, bottom);
                String mark = share == 1.0 ? "100%" : String.format(Locale.ROOT, "%.0f%%", 100 * share);
                g.drawString(mark, x - g.getFontMetrics().stringWidth(mark) / 2, bottom + 16);
            }
            g.setStroke(new BasicStroke(1));
            int y = TOP;
            for (HttpBenchmark.Row r : rows) {
                double rps = r.result().requestsPerSecond();
                int w = Math.max(1, (int) (plot * r.share() / max));
                g.setColor(colour(r.target().stack()));
                g.fillRect(LEFT, y, w, BAR);
                g.setColor(Color.BLACK);
                if (r.problem().isEmpty() && r.high() > r.low()) {
                    // the least and the greatest of the target's slices
                    int lo = LEFT + (int) (plot * r.low() / max);
                    int hi = LEFT + (int) (plot * r.high() / max);
                    int mid = y + BAR / 2;
                    g.drawLine(lo, mid, hi, mid);
                    g.drawLine(lo, mid - 5, lo, mid + 5);
                    g.drawLine(hi, mid - 5, hi, mid + 5);
                }
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
                String label = r.target().label();
                g.drawString(label, LEFT - 10 - g.getFontMetrics().stringWidth(label), y + BAR - 7);
                g.drawString(r.problem().isPresent() ? "failed (see the table)"
                        : String.format(Locale.ROOT, "%.0f%%  %,.0f/s  p99 %s", 100 * r.share(), rps,
                                HttpBenchmark.millis(r.result().p99Micros())),
                        LEFT + Math.max(w, (int) (plot * r.high() / max)) + 6, y + BAR - 7);
                y += BAR + GAP;
            }
        } finally {
            g.dispose();
        }
        ImageIO.write(image, "png", png.toFile());
    }

    private static Color colour(String stack) {
        if (stack.startsWith("Gatehouse")) {
            return stack.contains("PostgreSQL") ? new Color(0x1F618D) : new Color(0x2E86C1);
        }
        if (stack.startsWith("Spring")) {
            return new Color(0x27AE60);
        }
        if (stack.startsWith("Shiro")) {
            return new Color(0xD68910);
        }
        return Color.GRAY;
    }
}

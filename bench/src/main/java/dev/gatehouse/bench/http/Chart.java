package dev.gatehouse.bench.http;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * A horizontal bar chart of each target's share of the unprotected throughput (as the table gives
 * it), with a whisker from its least to its greatest slice, in plain Java2D, written as PNG.
 */
final class Chart {

    private static final int WIDTH = 1150;
    private static final int BAR = 24;
    private static final int GAP = 8;
    private static final int LEFT = 440;
    private static final int RIGHT = 240;
    private static final int TOP = 70;
    private static final int BOTTOM = 64;

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
                // staggered: the three lines are a few pixels apart
                g.drawString(mark, x - g.getFontMetrics().stringWidth(mark) / 2,
                        bottom + (share == 0.95 ? 32 : 16));
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

    /**
     * Draws the chart again from a table the benchmark wrote ({@code docs/bench/http.md}), without
     * measuring anything: {@code java -cp bench/target/benchmarks.jar dev.gatehouse.bench.http.Chart
     * docs/bench/http.md docs/bench/http.png}.
     */
    public static void main(String[] args) throws IOException {
        List<String> lines = Files.readAllLines(Path.of(args[0]));
        List<HttpBenchmark.Row> rows = new ArrayList<>();
        for (String line : lines) {
            String[] c = line.split("\\|", -1);
            if (c.length < 8 || !line.startsWith("| ") || c[1].isBlank() || c[1].strip().equals("stack")
                    || c[1].strip().startsWith("---")) {
                continue;
            }
            Target t = new Target(c[1].strip(), c[2].strip(), Optional.empty(), Map::of, "");
            String rps = c[3].strip();
            if (rps.startsWith("failed")) {
                rows.add(HttpBenchmark.Row.failed(t, "", rps));
                continue;
            }
            double share = percent(c[6]);
            String[] spread = c[7].strip().isEmpty() ? new String[] {c[6], c[6]} : c[7].strip().split("-");
            rows.add(new HttpBenchmark.Row(t, new Wrk.Result(Long.parseLong(rps.replace(",", "")), 1, micros(c[4]),
                    micros(c[5]), 0), "", Optional.empty(), share, percent(spread[0]), percent(spread[1])));
        }
        write(rows, lines.get(0).replaceFirst("; the \\d+ unprotected slices.*", ""), Path.of(args[1]));
    }

    private static double percent(String s) {
        return Double.parseDouble(s.strip().replace("%", "")) / 100;
    }

    private static long micros(String s) {
        String v = s.strip().replace(" ms", "");
        return Math.round(Double.parseDouble(v) * 1000);
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

package dev.gatehouse.core.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations that settings accept. */
public final class Durations {

    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12})\\s*([a-z]+)");

    private Durations() {}

    /**
     * Parses {@code 500ms}, {@code 30s}, {@code 5 minutes}, {@code 1h}, {@code 2d} or ISO-8601.
     *
     * @throws IllegalArgumentException with a message fit for a configuration error
     */
    public static Duration parse(String text) {
        String t = text.strip().toLowerCase(Locale.ROOT);
        Duration d;
        if (t.startsWith("p")) {
            try {
                d = Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("not an ISO-8601 duration: '" + text + "'");
            }
        } else {
            Matcher m = SIMPLE.matcher(t);
            if (!m.matches()) {
                throw new IllegalArgumentException(
                        "expected a duration such as 500ms, 30s, 5m, 1h, 2d or PT30S, was '" + text + "'");
            }
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2)) {
                case "ms", "milli", "millis", "millisecond", "milliseconds" -> Duration.ofMillis(n);
                case "s", "sec", "second", "seconds" -> Duration.ofSeconds(n);
                case "m", "min", "minute", "minutes" -> Duration.ofMinutes(n);
                case "h", "hour", "hours" -> Duration.ofHours(n);
                case "d", "day", "days" -> Duration.ofDays(n);
                default -> throw new IllegalArgumentException("unknown time unit '" + m.group(2) + "' in '" + text
                        + "' (use ms, s, m, h or d)");
            };
        }
        if (d.isNegative()) {
            throw new IllegalArgumentException("must not be negative, was '" + text + "'");
        }
        return d;
    }
}

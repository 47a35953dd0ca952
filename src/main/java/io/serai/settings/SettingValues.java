package io.serai.settings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the units that Serai settings accept: durations such as {@code 500ms}, {@code 3s}, {@code 2m},
 * {@code 1h} and sizes such as {@code 512KiB}, {@code 10MiB}, {@code 1GiB} or plain bytes.
 * Camel's TimeUtils knows durations but not binary size units, so both live here with one error style.
 */
public final class SettingValues {

    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(b|kib|kb|k|mib|mb|m|gib|gb|g)?");

    private SettingValues() {}

    /** A comma-separated list: items trimmed, empty ones dropped ({@code "a, b,,c"} is a, b, c). */
    public static List<String> list(String value) {
        if (value == null) {
            return List.of();
        }
        List<String> items = new ArrayList<>();
        for (String item : value.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return List.copyOf(items);
    }

    public static Duration duration(String key, String value) {
        Matcher m = DURATION.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw invalid(key, value, "a duration such as 500ms, 3s, 2m or 1h");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "ms" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    public static long bytes(String key, String value) {
        Matcher m = SIZE.matcher(value.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw invalid(key, value, "a size such as 8192, 512KiB, 10MiB or 1GiB");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "b" : m.group(2);
        long factor = switch (unit) {
            case "b" -> 1L;
            case "kib", "kb", "k" -> 1024L;
            case "mib", "mb", "m" -> 1024L * 1024;
            default -> 1024L * 1024 * 1024;
        };
        return Math.multiplyExact(n, factor);
    }

    public static boolean bool(String key, String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("true") || v.equals("false")) {
            return Boolean.parseBoolean(v);
        }
        throw invalid(key, value, "true or false");
    }

    /** The value of {@code key} from {@code lookup}, or {@code fallback} when it is unset or blank. */
    public static String orDefault(UnaryOperator<String> lookup, String key, String fallback) {
        String v = lookup.apply(key);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** A whole number of at least {@code min}. */
    public static int wholeNumber(String key, String value, int min) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n >= min) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(key, value, "a whole number of at least " + min);
    }

    private static IllegalArgumentException invalid(String key, String value, String expected) {
        return new IllegalArgumentException("Setting " + key + "=" + value + " is invalid: expected " + expected);
    }
}

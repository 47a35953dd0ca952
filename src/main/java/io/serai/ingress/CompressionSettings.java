package io.serai.ingress;

import io.serai.settings.SettingValues;

import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * What a listener with Camel's {@code compression=true} compresses, and how hard: {@code
 * serai.compression.types} (media types; {@code text/*} and {@code application/*+json} patterns),
 * {@code serai.compression.min-size} (by Content-Length; a body without one is compressed),
 * {@code serai.compression.gzip-level} and {@code serai.compression.brotli-quality} (defaults measured
 * on a 16 KiB JSON body: docs/compression.md). Parsed once at start; a bad value fails the start naming
 * the key.
 */
public record CompressionSettings(List<String> types, long minSize, int gzipLevel, int brotliQuality) {

    public static final String TYPES = "serai.compression.types";
    public static final String MIN_SIZE = "serai.compression.min-size";
    public static final String GZIP_LEVEL = "serai.compression.gzip-level";
    public static final String BROTLI_QUALITY = "serai.compression.brotli-quality";

    /** nginx's gzip_types and Caddy's encode defaults, widened to JSON, XML and SVG; never event streams. */
    static final String DEFAULT_TYPES = "text/*, application/json, application/*+json, application/javascript,"
            + " application/xml, application/*+xml, image/svg+xml";

    public static final CompressionSettings DEFAULTS = from(key -> null);

    public static CompressionSettings from(UnaryOperator<String> lookup) {
        List<String> types = SettingValues.list(SettingValues.orDefault(lookup, TYPES, DEFAULT_TYPES)).stream()
                .map(t -> t.toLowerCase(Locale.ROOT))
                .toList();
        for (String type : types) {
            int slash = type.indexOf('/');
            if (slash <= 0 || slash == type.length() - 1 || type.indexOf('/', slash + 1) >= 0) {
                throw new IllegalArgumentException("Setting " + TYPES + "=" + lookup.apply(TYPES)
                        + " is invalid: expected media types such as text/*, application/json, application/*+xml");
            }
        }
        return new CompressionSettings(
                types,
                SettingValues.bytes(MIN_SIZE, SettingValues.orDefault(lookup, MIN_SIZE, "1KiB")),
                inRange(GZIP_LEVEL, SettingValues.orDefault(lookup, GZIP_LEVEL, "5"), 1, 9),
                inRange(BROTLI_QUALITY, SettingValues.orDefault(lookup, BROTLI_QUALITY, "4"), 0, 11));
    }

    /**
     * Whether a body of {@code contentType} (a Content-Type value, parameters allowed) is one to compress:
     * on the list, and never an event stream (compressing would hold events back) or gRPC (its own framing
     * carries its own compression).
     */
    public boolean compressible(String contentType) {
        if (contentType == null) {
            return false;
        }
        int semicolon = contentType.indexOf(';');
        String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon))
                .trim()
                .toLowerCase(Locale.ROOT);
        int slash = media.indexOf('/');
        if (slash <= 0 || media.equals("text/event-stream") || media.startsWith("application/grpc")) {
            return false;
        }
        String type = media.substring(0, slash);
        String subtype = media.substring(slash + 1);
        for (String pattern : types) {
            int p = pattern.indexOf('/');
            String patternType = pattern.substring(0, p);
            String patternSubtype = pattern.substring(p + 1);
            boolean typeMatches = patternType.equals("*") || patternType.equals(type);
            boolean subtypeMatches = patternSubtype.equals("*")
                    || (patternSubtype.startsWith("*") && subtype.endsWith(patternSubtype.substring(1)))
                    || patternSubtype.equals(subtype);
            if (typeMatches && subtypeMatches) {
                return true;
            }
        }
        return false;
    }

    private static int inRange(String key, String value, int min, int max) {
        int n = SettingValues.wholeNumber(key, value, min);
        if (n > max) {
            throw new IllegalArgumentException(
                    "Setting " + key + "=" + value + " is invalid: expected " + min + " to " + max);
        }
        return n;
    }
}

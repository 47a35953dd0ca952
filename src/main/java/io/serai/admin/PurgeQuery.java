package io.serai.admin;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@code DELETE /cache} purges, read from its query: everything (no query), one {@code url}, one
 * {@code prefix}, or one or more {@code tag}s. Anything else is refused rather than guessed at: an
 * empty value, an unknown parameter, or two kinds at once would otherwise fall through to "everything"
 * or purge more than was meant. Each value is URL-decoded once ({@code %} is sent as {@code %25}).
 */
record PurgeQuery(Kind kind, List<String> values) {

    enum Kind {
        ALL,
        URL,
        PREFIX,
        TAG
    }

    /** Why a purge query is refused; the message goes to the admin client. */
    static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads a raw (still encoded) query; null or empty purges everything. */
    static PurgeQuery parse(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return new PurgeQuery(Kind.ALL, List.of());
        }
        Kind kind = null;
        List<String> values = new ArrayList<>();
        for (String param : rawQuery.split("&", -1)) {
            int equals = param.indexOf('=');
            Kind named = equals < 0 ? null : kindOf(param.substring(0, equals));
            if (named == null) {
                throw new Refused("unknown parameter; use url=, prefix= or tag=");
            }
            if (kind != null && kind != named) {
                throw new Refused("one of url=, prefix= or tag= (tag= may repeat)");
            }
            if (named != Kind.TAG && !values.isEmpty()) {
                throw new Refused(named.name().toLowerCase(java.util.Locale.ROOT) + "= given twice");
            }
            String value = decoded(param.substring(equals + 1));
            if (value.isEmpty()) {
                throw new Refused("empty " + param.substring(0, equals) + "=");
            }
            kind = named;
            values.add(value);
        }
        return new PurgeQuery(kind, List.copyOf(values));
    }

    private static Kind kindOf(String name) {
        return switch (name) {
            case "url" -> Kind.URL;
            case "prefix" -> Kind.PREFIX;
            case "tag" -> Kind.TAG;
            default -> null;
        };
    }

    private static String decoded(String value) {
        try {
            return URLDecoder.decode(value, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new Refused("malformed %-escape in the query");
        }
    }
}

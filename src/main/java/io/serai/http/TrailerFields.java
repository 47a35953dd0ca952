package io.serai.http;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which trailer fields cross Serai (RFC 9110 section 6.5.1): none that frames, routes, authenticates, controls
 * caching or describes the content, as a recipient must not let a trailer change those, and no hop-by-hop one.
 * What is left (such as gRPC's {@code grpc-status}, {@code grpc-message}, or a checksum) is passed on as sent.
 */
public final class TrailerFields {

    private static final Set<String> FORBIDDEN = Set.of(
            "content-length",
            "content-type",
            "content-encoding",
            "content-range",
            "host",
            "authorization",
            "proxy-authorization",
            "proxy-authenticate",
            "www-authenticate",
            "set-cookie",
            "cookie",
            "cache-control",
            "expires",
            "age",
            "date",
            "location",
            "retry-after",
            "vary",
            "pragma",
            "expect",
            "max-forwards",
            "range",
            "if-match",
            "if-none-match",
            "if-modified-since",
            "if-unmodified-since",
            "if-range");

    private TrailerFields() {}

    /** The fields of {@code trailers} that may be passed on; empty (never null) when none. */
    public static HttpHeaders allowed(HttpHeaders trailers) {
        if (trailers == null || trailers.isEmpty()) {
            return EmptyHttpHeaders.INSTANCE;
        }
        HopByHopHeaders hopByHop = HopByHopHeaders.of(trailers);
        HttpHeaders kept = null;
        for (Map.Entry<String, String> field : trailers) {
            String name = field.getKey();
            if (hopByHop.excludes(name)
                    || HopByHopHeaders.isCamelInternal(name)
                    || FORBIDDEN.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            if (kept == null) {
                kept = new DefaultHttpHeaders();
            }
            kept.add(name, field.getValue());
        }
        return kept == null ? EmptyHttpHeaders.INSTANCE : kept;
    }
}

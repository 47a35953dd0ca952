package io.serai.security.credentials;

import com.nimbusds.jwt.JWTClaimsSet;
import org.apache.camel.Message;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Token claims passed to the backend as request headers, declared as {@code claim:Header} pairs
 * ({@code sub:X-User-Id,email:X-User-Email}). Client-sent copies of those headers (also spelled in
 * another case or with {@code _} for {@code -}) are always removed first, so a client cannot pose as
 * another user. A string, number or boolean claim is passed as is, an array as its items joined by
 * commas; a value that is not printable ASCII (a line break could forge another header) or an object
 * is not passed, and neither is a claim the token lacks.
 */
public final class ClaimHeaders {

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> RESERVED = Set.of(
            "authorization",
            "proxy-authorization",
            "host",
            "content-length",
            "content-type",
            "transfer-encoding",
            "connection",
            "keep-alive",
            "te",
            "trailer",
            "upgrade",
            "cookie");

    private final Map<String, String> headerByClaim;
    private final IdentityHeaders identity;

    private ClaimHeaders(Map<String, String> headerByClaim) {
        this.headerByClaim = headerByClaim;
        this.identity = IdentityHeaders.of(headerByClaim.values());
    }

    public static ClaimHeaders none() {
        return new ClaimHeaders(Map.of());
    }

    /** Parses {@code claim:Header,...}; every mistake is named with the setting. */
    public static ClaimHeaders parse(String spec) {
        Map<String, String> pairs = new LinkedHashMap<>();
        Set<String> headers = new java.util.HashSet<>();
        for (String item : spec.split(",")) {
            String pair = item.trim();
            int colon = pair.indexOf(':');
            String claim = colon < 0 ? "" : pair.substring(0, colon).trim();
            String header = colon < 0 ? "" : pair.substring(colon + 1).trim();
            if (claim.isEmpty() || !TOKEN.matcher(header).matches()) {
                throw invalid(spec, "\"" + pair + "\" is not claim:Header-Name");
            }
            if (RESERVED.contains(header.toLowerCase(Locale.ROOT))) {
                throw invalid(spec, header + " cannot carry a claim");
            }
            if (!headers.add(header.toLowerCase(Locale.ROOT)) || pairs.containsKey(claim)) {
                throw invalid(spec, "\"" + pair + "\" repeats a claim or header");
            }
            pairs.put(claim, header);
        }
        return new ClaimHeaders(Map.copyOf(pairs));
    }

    private static IllegalArgumentException invalid(String spec, String why) {
        return new IllegalArgumentException("jwt claimHeaders=" + spec + " is invalid: " + why
                + " (expected claim:Header pairs such as sub:X-User-Id,email:X-User-Email)");
    }

    /** Removes whatever the client sent under these headers' names, in any case and with {@code _} for {@code -}. */
    public void removeFrom(Message message) {
        identity.removeFrom(message);
    }

    /** The headers {@code claims} give, by header name. */
    public Map<String, String> valuesOf(JWTClaimsSet claims) {
        Map<String, String> values = new LinkedHashMap<>();
        headerByClaim.forEach((claim, header) -> {
            String value = text(claims.getClaim(claim));
            if (value != null) {
                values.put(header, value);
            }
        });
        return Map.copyOf(values);
    }

    private static String text(Object claim) {
        String value;
        if (claim instanceof String || claim instanceof Number || claim instanceof Boolean) {
            value = claim.toString();
        } else if (claim instanceof Collection<?> items
                && items.stream().allMatch(i -> i instanceof String || i instanceof Number || i instanceof Boolean)) {
            value = items.stream().map(Object::toString).collect(Collectors.joining(","));
        } else {
            return null;
        }
        return value.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? value : null;
    }
}

package io.serai.ingress;

import io.serai.http.FoldedNames;

/**
 * The request fields that state facts about the client's request which only Serai, or a proxy it
 * trusts, may state: who the client is, which scheme, host, port and path prefix it used, which URL it
 * asked for before a rewrite, which certificate it showed. Each has one bit, so what a client sent is
 * known after one pass over its field names, with nothing allocated when none of them is there.
 */
public final class ForwardingFields {

    static final int FORWARDED = 1;
    static final int X_FORWARDED_FOR = 1 << 1;
    static final int X_FORWARDED_PROTO = 1 << 2;
    static final int X_FORWARDED_HOST = 1 << 3;
    static final int X_FORWARDED_PORT = 1 << 4;
    static final int X_FORWARDED_PREFIX = 1 << 5;
    static final int X_REAL_IP = 1 << 6;
    static final int X_ORIGINAL_URL = 1 << 7;
    static final int X_REWRITE_URL = 1 << 8;
    static final int X_FORWARDED_CLIENT_CERT = 1 << 9;

    /** Canonical names, index i for bit 1 << i. */
    static final String[] NAMES = {
        "Forwarded",
        "X-Forwarded-For",
        "X-Forwarded-Proto",
        "X-Forwarded-Host",
        "X-Forwarded-Port",
        "X-Forwarded-Prefix",
        "X-Real-IP",
        "X-Original-URL",
        "X-Rewrite-URL",
        "X-Forwarded-Client-Cert"
    };

    /** Folded names, index as {@link #NAMES}. */
    private static final String[] FOLDED = new String[NAMES.length];

    static {
        for (int i = 0; i < NAMES.length; i++) {
            FOLDED[i] = FoldedNames.fold(NAMES[i]);
        }
    }

    private ForwardingFields() {}

    /** The bit of the field {@code name} folds to (case, {@code _} for {@code -}), or 0 for any other field. */
    public static int of(CharSequence name) {
        // The length picks the one or two candidates, so most names cost one switch.
        return switch (name.length()) {
            case 9 -> either(name, 0, 6);
            case 13 -> either(name, 8, 8);
            case 14 -> either(name, 7, 7);
            case 15 -> either(name, 1, 1);
            case 16 -> either(name, 3, 4);
            case 17 -> either(name, 2, 2);
            case 18 -> either(name, 5, 5);
            case 23 -> either(name, 9, 9);
            default -> 0;
        };
    }

    private static int either(CharSequence name, int first, int second) {
        if (FoldedNames.matches(name, FOLDED[first])) {
            return 1 << first;
        }
        return first != second && FoldedNames.matches(name, FOLDED[second]) ? 1 << second : 0;
    }

    /** Whether {@code name} is one of these fields or Via, which a response from a route must never carry. */
    public static boolean isForwardingField(CharSequence name) {
        return of(name) != 0 || FoldedNames.matches(name, "via");
    }
}

package io.serai.ingress;

/**
 * The octet classes of HTTP's ABNF (RFC 9110 section 5.6, RFC 5234 appendix B.1) that
 * {@link RequestGrammar} reads requests by: one table lookup per byte, each class a bit.
 */
final class HttpOctets {

    static final int TCHAR = 1;
    /** VCHAR / obs-text: what a field value holds besides SP and HTAB. */
    static final int FIELD_VCHAR = 2;

    static final int HEXDIG = 4;
    static final int DIGIT = 8;
    /** What a quoted-string holds unescaped. */
    static final int QDTEXT = 16;
    /** SP / HTAB. */
    static final int WS = 32;

    private static final byte[] CLASSES = new byte[256];

    static {
        String tchars = "!#$%&'*+-.^_`|~";
        for (int b = 0; b < 256; b++) {
            boolean alpha = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z';
            boolean digit = b >= '0' && b <= '9';
            int k = 0;
            if (alpha || digit || b < 0x80 && tchars.indexOf(b) >= 0) {
                k |= TCHAR;
            }
            if (b > 0x20 && b != 0x7f) {
                k |= FIELD_VCHAR;
            }
            if (digit || b >= 'a' && b <= 'f' || b >= 'A' && b <= 'F') {
                k |= HEXDIG;
            }
            if (digit) {
                k |= DIGIT;
            }
            if (b == '\t' || b == ' ' || b == 0x21 || b >= 0x23 && b <= 0x5b || b >= 0x5d && b <= 0x7e || b >= 0x80) {
                k |= QDTEXT;
            }
            if (b == ' ' || b == '\t') {
                k |= WS;
            }
            CLASSES[b] = (byte) k;
        }
    }

    private HttpOctets() {}

    /** The classes of octet {@code b} (0 to 255), as bits. */
    static int classes(int b) {
        return CLASSES[b];
    }

    /** ASCII lower case, the case-insensitive comparison of field names and transfer codings. */
    static int lower(int b) {
        return b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
    }
}

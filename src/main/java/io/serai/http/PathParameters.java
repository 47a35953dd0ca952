package io.serai.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Values of a route's path parameters ({@code /profile/{id}}): each is one path segment, decoded once
 * (UTF-8) when the route is matched, and percent-encoded again for the place a backend URI puts it, so
 * that a value can never add a segment, a query parameter or a dot segment to what a backend receives.
 */
public final class PathParameters {

    /** Exchange property holding the {@code Map<String, String>} of the request's path parameters. */
    public static final String PROPERTY = "seraiPathParams";

    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PathParameters() {}

    /**
     * The value of a normalized path segment, decoded; null when it cannot be one value: empty,
     * {@code .} or {@code ..}, or holding a slash, a control character or bytes that are not UTF-8.
     */
    public static String decode(String segment) {
        String value = segment;
        if (segment.indexOf('%') >= 0) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
            for (int i = 0; i < segment.length(); i++) {
                char c = segment.charAt(i);
                if (c == '%' && i + 2 < segment.length()) {
                    bytes.write(Integer.parseInt(segment, i + 1, i + 3, 16));
                    i += 2;
                } else {
                    bytes.write(c);
                }
            }
            try {
                value = StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes.toByteArray()))
                        .toString();
            } catch (CharacterCodingException e) {
                return null;
            }
        }
        if (value.isEmpty() || value.equals(".") || value.equals("..")) {
            return null;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '/' || c == '\\' || c < 0x20 || c == 0x7f) {
                return null;
            }
        }
        return value;
    }

    /** {@code value} percent-encoded for a path segment or a query value: everything but unreserved characters. */
    public static String encode(String value) {
        byte[] utf8 = null;
        for (int i = 0; i < value.length(); i++) {
            if (!RequestTarget.isUnreserved(value.charAt(i))) {
                utf8 = value.getBytes(StandardCharsets.UTF_8);
                break;
            }
        }
        if (utf8 == null) {
            return value;
        }
        StringBuilder out = new StringBuilder(utf8.length * 3);
        for (byte b : utf8) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && RequestTarget.isUnreserved(c)) {
                out.append(c);
            } else {
                out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
            }
        }
        return out.toString();
    }
}

package io.serai.caching;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A strict parser of Structured Field Dictionaries (RFC 8941 sections 3.2 and 4.2.2), the syntax of
 * targeted cache-control fields (RFC 9213). Hand-written because no Structured Fields library resolves
 * from the registry this build uses ({@code org.greenbytes.http:sfv} is not served), and a dictionary is
 * small. Member values are {@link Boolean}, {@link Long} (Integer), {@link BigDecimal} (Decimal),
 * {@link String} (sf-string), {@link Token}, {@code byte[]} or, for an inner list, a {@link List};
 * parameters are checked and dropped (no cache directive defines one).
 */
final class StructuredDictionary {

    /** An sf-token, kept apart from an sf-string: {@code max-age=a} is not {@code max-age="a"}. */
    record Token(String value) {}

    private final String input;
    private int pos;

    private StructuredDictionary(String input) {
        this.input = input;
    }

    /** The dictionary, or null when {@code value} is not a valid one (the whole field is then invalid). */
    static Map<String, Object> parse(String value) {
        if (value == null) {
            return null;
        }
        try {
            return new StructuredDictionary(value).dictionary();
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    private Map<String, Object> dictionary() {
        Map<String, Object> members = new LinkedHashMap<>();
        skip(' ');
        while (!done()) {
            String key = key();
            Object member;
            if (!done() && peek() == '=') {
                pos++;
                member = peek() == '(' ? innerList() : bareItem();
            } else {
                member = Boolean.TRUE;
            }
            parameters();
            members.put(key, member);
            skipOws();
            if (done()) {
                return members;
            }
            expect(',');
            skipOws();
            if (done()) {
                throw new IllegalArgumentException("trailing comma");
            }
        }
        return members;
    }

    private List<Object> innerList() {
        expect('(');
        List<Object> items = new ArrayList<>();
        while (true) {
            skip(' ');
            if (peek() == ')') {
                pos++;
                return items;
            }
            items.add(bareItem());
            parameters();
            char c = peek();
            if (c != ' ' && c != ')') {
                throw new IllegalArgumentException("inner list");
            }
        }
    }

    private void parameters() {
        while (!done() && peek() == ';') {
            pos++;
            skip(' ');
            key();
            if (!done() && peek() == '=') {
                pos++;
                bareItem();
            }
        }
    }

    private String key() {
        char first = peek();
        if (!(first >= 'a' && first <= 'z') && first != '*') {
            throw new IllegalArgumentException("key");
        }
        int start = pos++;
        while (!done()) {
            char c = peek();
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*') {
                pos++;
            } else {
                break;
            }
        }
        return input.substring(start, pos);
    }

    private Object bareItem() {
        char c = peek();
        if (c == '-' || (c >= '0' && c <= '9')) {
            return number();
        }
        if (c == '"') {
            return string();
        }
        if (c == ':') {
            return bytes();
        }
        if (c == '?') {
            pos++;
            char b = input.charAt(pos++);
            if (b != '0' && b != '1') {
                throw new IllegalArgumentException("boolean");
            }
            return b == '1';
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*') {
            return token();
        }
        throw new IllegalArgumentException("item");
    }

    private Object number() {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        int digitsStart = pos;
        int dot = -1;
        while (!done()) {
            char c = peek();
            if (c >= '0' && c <= '9') {
                pos++;
            } else if (c == '.' && dot < 0) {
                dot = pos++;
            } else {
                break;
            }
        }
        int length = pos - digitsStart;
        if (length == 0 || (dot < 0 && length > 15)) {
            throw new IllegalArgumentException("integer");
        }
        String text = input.substring(start, pos);
        if (dot < 0) {
            return Long.parseLong(text);
        }
        int fraction = pos - dot - 1;
        if (dot - digitsStart == 0 || dot - digitsStart > 12 || fraction < 1 || fraction > 3) {
            throw new IllegalArgumentException("decimal");
        }
        return new BigDecimal(text);
    }

    private String string() {
        pos++;
        StringBuilder out = new StringBuilder();
        while (true) {
            char c = input.charAt(pos++);
            if (c == '"') {
                return out.toString();
            }
            if (c == '\\') {
                c = input.charAt(pos++);
                if (c != '"' && c != '\\') {
                    throw new IllegalArgumentException("escape");
                }
            } else if (c < 0x20 || c > 0x7e) {
                throw new IllegalArgumentException("string");
            }
            out.append(c);
        }
    }

    private Token token() {
        int start = pos++;
        while (!done() && (isTchar(peek()) || peek() == ':' || peek() == '/')) {
            pos++;
        }
        return new Token(input.substring(start, pos));
    }

    private byte[] bytes() {
        int start = ++pos;
        while (peek() != ':') {
            char c = peek();
            if (!((c >= 'A' && c <= 'Z')
                    || (c >= 'a' && c <= 'z')
                    || (c >= '0' && c <= '9')
                    || c == '+'
                    || c == '/'
                    || c == '=')) {
                throw new IllegalArgumentException("byte sequence");
            }
            pos++;
        }
        String base64 = input.substring(start, pos++);
        return java.util.Base64.getDecoder().decode(base64);
    }

    private static boolean isTchar(char c) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private boolean done() {
        return pos >= input.length();
    }

    private char peek() {
        return input.charAt(pos);
    }

    private void expect(char c) {
        if (input.charAt(pos++) != c) {
            throw new IllegalArgumentException("expected " + c);
        }
    }

    private void skip(char c) {
        while (!done() && peek() == c) {
            pos++;
        }
    }

    private void skipOws() {
        while (!done() && (peek() == ' ' || peek() == '\t')) {
            pos++;
        }
    }
}

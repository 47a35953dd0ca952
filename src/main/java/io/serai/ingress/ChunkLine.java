package io.serai.ingress;

import static io.serai.ingress.HttpOctets.FIELD_VCHAR;
import static io.serai.ingress.HttpOctets.HEXDIG;
import static io.serai.ingress.HttpOctets.QDTEXT;
import static io.serai.ingress.HttpOctets.TCHAR;
import static io.serai.ingress.HttpOctets.WS;

/**
 * The chunk-size lines of one chunked body, byte by byte (RFC 9112 sections 7.1 and 7.1.1):
 * {@code chunk-size [ chunk-ext ] CRLF}, chunk-size = 1*HEXDIG, and
 * {@code chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] )} with a token or
 * quoted-string value. Extensions are checked, then dropped with the framing; as nothing else counts them,
 * their bytes in one body are bounded.
 */
final class ChunkLine {

    private static final String BAD_SIZE = "a chunk size must be hexadecimal digits";
    private static final String BAD_EXTENSION = "a malformed chunk extension";

    private enum State {
        SIZE_FIRST,
        SIZE,
        SIZE_WS,
        NAME_FIRST,
        NAME,
        AFTER_NAME,
        VALUE_FIRST,
        TOKEN,
        AFTER_VALUE,
        QUOTED,
        QUOTED_PAIR,
        AFTER_QUOTED,
        LF
    }

    private final int maxExtensionBytes;
    private State state = State.SIZE_FIRST;
    private long size;
    private int extensionBytes;
    private GrammarViolation violation;

    ChunkLine(int maxExtensionBytes) {
        this.maxExtensionBytes = maxExtensionBytes;
    }

    /** Before the first chunk-size line of a body. */
    void startBody() {
        extensionBytes = 0;
        state = State.SIZE_FIRST;
    }

    /** Before each further chunk-size line. */
    void startLine() {
        state = State.SIZE_FIRST;
    }

    /** The size the last complete line declared; 0 for the last chunk. */
    long size() {
        return size;
    }

    GrammarViolation violation() {
        return violation;
    }

    /** One byte of the line; {@code DONE} after its LF. */
    RequestGrammar.Step next(int b, int c) {
        if (state.compareTo(State.NAME_FIRST) >= 0 && state != State.LF && ++extensionBytes > maxExtensionBytes) {
            return refuse(400, "chunk extensions longer than serai.limits.max-header");
        }
        switch (state) {
            case SIZE_FIRST:
                if ((c & HEXDIG) == 0) {
                    return refuse(400, b == '\n' ? RequestGrammar.BARE_LF : BAD_SIZE);
                }
                size = Character.digit(b, 16);
                return to(State.SIZE);
            case SIZE:
                if ((c & HEXDIG) != 0) {
                    size = size * 16 + Character.digit(b, 16);
                    // Netty counts a chunk in an int, and no allowed body comes near it (max-body is an int too).
                    return size <= Integer.MAX_VALUE ? RequestGrammar.Step.MORE : refuse(413, RequestGrammar.TOO_LARGE);
                }
                if ((c & WS) != 0) {
                    return to(State.SIZE_WS);
                }
                return b == ';' ? to(State.NAME_FIRST) : endOfLine(b, BAD_SIZE);
            case SIZE_WS:
                if ((c & WS) != 0) {
                    return RequestGrammar.Step.MORE;
                }
                return b == ';' ? to(State.NAME_FIRST) : refuse(400, BAD_SIZE);
            case NAME_FIRST:
                if ((c & WS) != 0) {
                    return RequestGrammar.Step.MORE;
                }
                return (c & TCHAR) != 0 ? to(State.NAME) : refuse(400, BAD_EXTENSION);
            case NAME:
                if ((c & TCHAR) != 0) {
                    return RequestGrammar.Step.MORE;
                }
                if ((c & WS) != 0) {
                    return to(State.AFTER_NAME);
                }
                return b == '=' ? to(State.VALUE_FIRST) : b == ';' ? to(State.NAME_FIRST) : endOfLine(b, BAD_EXTENSION);
            case AFTER_NAME:
                if ((c & WS) != 0) {
                    return RequestGrammar.Step.MORE;
                }
                return b == '=' ? to(State.VALUE_FIRST) : b == ';' ? to(State.NAME_FIRST) : refuse(400, BAD_EXTENSION);
            case VALUE_FIRST:
                if ((c & WS) != 0) {
                    return RequestGrammar.Step.MORE;
                }
                return b == '"' ? to(State.QUOTED) : (c & TCHAR) != 0 ? to(State.TOKEN) : refuse(400, BAD_EXTENSION);
            case TOKEN:
                if ((c & TCHAR) != 0) {
                    return RequestGrammar.Step.MORE;
                }
                if ((c & WS) != 0) {
                    return to(State.AFTER_VALUE);
                }
                return b == ';' ? to(State.NAME_FIRST) : endOfLine(b, BAD_EXTENSION);
            case AFTER_VALUE:
                if ((c & WS) != 0) {
                    return RequestGrammar.Step.MORE;
                }
                return b == ';' ? to(State.NAME_FIRST) : refuse(400, BAD_EXTENSION);
            case QUOTED:
                if (b == '"') {
                    return to(State.AFTER_QUOTED);
                }
                if (b == '\\') {
                    return to(State.QUOTED_PAIR);
                }
                return (c & QDTEXT) != 0 ? RequestGrammar.Step.MORE : refuse(400, BAD_EXTENSION);
            case QUOTED_PAIR:
                return (c & (FIELD_VCHAR | WS)) != 0 ? to(State.QUOTED) : refuse(400, BAD_EXTENSION);
            case AFTER_QUOTED:
                if ((c & WS) != 0) {
                    return to(State.AFTER_VALUE);
                }
                return b == ';' ? to(State.NAME_FIRST) : endOfLine(b, BAD_EXTENSION);
            default: // LF
                return b == '\n' ? RequestGrammar.Step.DONE : refuse(400, RequestGrammar.BARE_CR);
        }
    }

    private RequestGrammar.Step to(State next) {
        state = next;
        return RequestGrammar.Step.MORE;
    }

    private RequestGrammar.Step endOfLine(int b, String otherwise) {
        if (b == '\r') {
            return to(State.LF);
        }
        return refuse(400, b == '\n' ? RequestGrammar.BARE_LF : otherwise);
    }

    private RequestGrammar.Step refuse(int status, String reason) {
        violation = new GrammarViolation(status, reason);
        return RequestGrammar.Step.REFUSED;
    }
}

package io.serai.ingress;

import io.netty.buffer.ByteBuf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static io.serai.ingress.HttpOctets.DIGIT;
import static io.serai.ingress.HttpOctets.FIELD_VCHAR;
import static io.serai.ingress.HttpOctets.TCHAR;
import static io.serai.ingress.HttpOctets.WS;

/**
 * Reads the bytes of one connection's requests as they arrive and checks them against RFC 9112's grammar
 * exactly, so that whatever Netty's lenient decoder then accepts every backend reads the same way: the
 * request-line (section 3), field lines (section 5, RFC 9110 section 5), the body's length (section 6,
 * with {@link TransferCodings}) and chunked framing (section 7, with {@link ChunkLine}). Netty 4.1's
 * HttpObjectDecoder skips whitespace before a chunk size, wraps chunk sizes beyond 31 bits to small ones,
 * splits the request-line on any run of whitespace, upper-cases the version and lets HTTP/1.0 carry two
 * Content-Lengths; its parser is private, hence this hand-written state machine. It copies and buffers
 * nothing; runs of octets that change nothing (a field value, a target) are skipped in a tight loop and
 * body bytes by count, so the state machine sees only the structure of heads, chunk-size lines and
 * trailers.
 * <p>
 * Long because: one state machine over RFC 9112's grammar; split, its states would have to be shared.
 *
 * <p>Choices the RFC leaves open: at most {@value #MAX_EMPTY_LINES} empty lines before a request-line are
 * ignored (section 2.2); HTTP/1.x above 1.1 is accepted (StrictRequestDecoder reads it as 1.1), other
 * versions get 505; obs-fold is accepted (Netty joins it with a space, section 5.2) except in
 * Content-Length and Transfer-Encoding; trailer fields are checked here and dropped later.
 */
final class RequestGrammar {

    static final int MAX_EMPTY_LINES = 8;

    static final String BARE_CR = "a CR not followed by LF";
    static final String BARE_LF = "a line ending in LF without CR";
    static final String TOO_LARGE = "a body larger than serai.limits.max-body";
    private static final String BAD_VERSION = "the HTTP version must be HTTP/1.1 or HTTP/1.0";
    private static final String ONE_SPACE = "the parts of the request line must be separated by one space";
    private static final String BAD_FIELD_NAME = "a field name that is not a token";
    private static final String BAD_CONTENT_LENGTH = "Content-Length must be one decimal number";

    /** What reading one byte led to. */
    enum Step {
        MORE,
        DONE,
        REFUSED
    }

    // Field names that decide framing, lower case; the index is the field's kind.
    private static final byte[][] FRAMING_NAMES = {
        ascii("content-length"), ascii("transfer-encoding"), ascii("sec-websocket-key1"), ascii("sec-websocket-key2")
    };
    private static final int CONTENT_LENGTH = 0;
    private static final int TRANSFER_ENCODING = 1;
    private static final int WEBSOCKET_KEY1 = 2;
    private static final int WEBSOCKET_KEY2 = 3;
    private static final int OTHER_FIELD = 4;
    private static final byte[] HTTP_SLASH = ascii("HTTP/");
    private static final long HTTP_1_1 = ByteBuffer.wrap(ascii("HTTP/1.1")).getLong();
    private static final long HTTP_1_0 = ByteBuffer.wrap(ascii("HTTP/1.0")).getLong();
    private static final short CRLF = ByteBuffer.wrap(ascii("\r\n")).getShort();

    private enum State {
        START,
        START_LF,
        METHOD,
        TARGET_FIRST,
        TARGET,
        VERSION,
        MAJOR,
        VERSION_DOT,
        MINOR,
        LINE_CR,
        LINE_LF,
        FIELD_START,
        FIELD_NAME,
        FIELD_VALUE,
        FIELD_LF,
        SECTION_END_LF,
        LENGTH_BEFORE,
        LENGTH_DIGITS,
        LENGTH_AFTER,
        CODINGS,
        FIXED_BODY,
        CHUNK_LINE,
        CHUNK_DATA,
        CHUNK_DATA_CR,
        CHUNK_DATA_LF,
        REFUSED
    }

    private final TransferCodings codings = new TransferCodings();
    private final ChunkLine chunkLine;
    private State state = State.START;
    private GrammarViolation violation;

    // The request being read.
    private int emptyLines;
    private int index; // into HTTP_SLASH or a field name
    private int major;
    private boolean http10;
    private boolean firstField;
    private boolean trailers;
    private int candidates; // a bit per FRAMING_NAMES entry that the field name still matches
    private int field;
    private int contentLengths;
    private long length; // the Content-Length, then what is left of the body or of a chunk
    private int websocketKeys;

    /** {@code maxExtensionBytes} bounds the chunk extensions of one body, which nothing else counts. */
    RequestGrammar(int maxExtensionBytes) {
        this.chunkLine = new ChunkLine(maxExtensionBytes);
    }

    /** Reads the readable bytes of {@code bytes} without consuming them; false once the connection broke a rule. */
    boolean accepts(ByteBuf bytes) {
        int end = bytes.readableBytes();
        if (end == 0 || state == State.REFUSED) {
            return state != State.REFUSED;
        }
        // A view, not a copy (socket and TLS reads are single buffers); absolute gets on it stay cheap.
        ByteBuffer in = bytes.nioBuffer(bytes.readerIndex(), end).order(ByteOrder.BIG_ENDIAN);
        int i = 0;
        while (i < end) {
            State now = state;
            if (now == State.FIXED_BODY || now == State.CHUNK_DATA) {
                int n = (int) Math.min(length, end - i);
                i += n;
                length -= n;
                if (length == 0) {
                    if (now == State.FIXED_BODY) {
                        nextRequest();
                    } else {
                        state = State.CHUNK_DATA_CR;
                    }
                }
                continue;
            }
            // Most bytes of a head are runs that change nothing: skip them in a tight loop.
            if (now == State.VERSION
                    && end - i >= 10
                    && in.getShort(i + 8) == CRLF
                    && (in.getLong(i) == HTTP_1_1 || in.getLong(i) == HTTP_1_0)) {
                // The common versions at once; the same states as byte by byte.
                major = 1;
                http10 = in.getLong(i) == HTTP_1_0;
                firstField = true;
                state = State.FIELD_START;
                i += 10;
                continue;
            }
            if (now == State.FIELD_VALUE) {
                i = skip(in, i, end, FIELD_VCHAR | WS);
            } else if (now == State.TARGET) {
                i = skip(in, i, end, FIELD_VCHAR);
            } else if (now == State.METHOD || now == State.FIELD_NAME && candidates == 0) {
                i = skip(in, i, end, TCHAR);
            }
            if (i < end && !process(in.get(i))) {
                return false;
            }
            i++;
        }
        return true;
    }

    private static int skip(ByteBuffer in, int from, int end, int classes) {
        int i = from;
        while (i < end && (HttpOctets.classes(in.get(i) & 0xff) & classes) != 0) {
            i++;
        }
        return i;
    }

    /** True when the bytes read so far end with a complete request (or none). */
    boolean betweenRequests() {
        return state == State.START;
    }

    /** Why the connection was refused; null while it was not. */
    GrammarViolation violation() {
        return violation;
    }

    /** One byte; false when it is refused. */
    private boolean process(byte value) {
        int b = value & 0xff;
        int c = HttpOctets.classes(b);
        switch (state) {
            case START, START_LF, METHOD, TARGET_FIRST, TARGET, VERSION, MAJOR, VERSION_DOT, MINOR, LINE_CR, LINE_LF:
                return requestLine(b, c);
            case FIELD_START, FIELD_NAME, FIELD_VALUE, FIELD_LF, SECTION_END_LF:
                return fieldLine(b, c);
            case LENGTH_BEFORE, LENGTH_DIGITS, LENGTH_AFTER:
                return contentLength(b, c);
            case CODINGS:
                return step(codings.next(b, c), codings.violation());
            case CHUNK_LINE:
                return step(chunkLine.next(b, c), chunkLine.violation());
            case CHUNK_DATA_CR:
                return b == '\r' ? to(State.CHUNK_DATA_LF) : refuse(400, "chunk data longer than its chunk size");
            case CHUNK_DATA_LF:
                if (b != '\n') {
                    return refuse(400, BARE_CR);
                }
                chunkLine.startLine();
                return to(State.CHUNK_LINE);
            default: // REFUSED
                return false;
        }
    }

    // request-line = method SP request-target SP HTTP-version, then CRLF. The target's own grammar is
    // RequestTarget's; here it is a run of visible octets.
    private boolean requestLine(int b, int c) {
        switch (state) {
            case START:
                if (b == '\r') {
                    return to(State.START_LF);
                }
                if ((c & TCHAR) != 0) {
                    return to(State.METHOD);
                }
                return refuse(400, b == '\n' ? BARE_LF : "a request must start with a method");
            case START_LF:
                if (b != '\n') {
                    return refuse(400, BARE_CR);
                }
                if (++emptyLines > MAX_EMPTY_LINES) {
                    return refuse(400, "too many empty lines before the request line");
                }
                return to(State.START);
            case METHOD:
                if ((c & TCHAR) != 0) {
                    return true;
                }
                if (b == ' ') {
                    return to(State.TARGET_FIRST);
                }
                return refuse(400, (c & WS) != 0 ? ONE_SPACE : "a method that is not a token");
            case TARGET_FIRST, TARGET:
                if ((c & FIELD_VCHAR) != 0) {
                    return to(State.TARGET);
                }
                if (b == ' ' && state == State.TARGET) {
                    index = 0;
                    return to(State.VERSION);
                }
                if ((c & WS) != 0) {
                    return refuse(400, ONE_SPACE);
                }
                return refuse(
                        400,
                        b == '\r' || b == '\n'
                                ? "a request line without an HTTP version"
                                : "a control character in the request line");
            case VERSION:
                if (b != HTTP_SLASH[index]) {
                    return refuse(400, (c & WS) != 0 ? ONE_SPACE : BAD_VERSION);
                }
                return ++index == HTTP_SLASH.length ? to(State.MAJOR) : true;
            case MAJOR:
                if ((c & DIGIT) == 0) {
                    return refuse(400, BAD_VERSION);
                }
                major = b - '0';
                return to(State.VERSION_DOT);
            case VERSION_DOT:
                return b == '.' ? to(State.MINOR) : refuse(400, BAD_VERSION);
            case MINOR:
                if ((c & DIGIT) == 0) {
                    return refuse(400, BAD_VERSION);
                }
                http10 = b == '0';
                return to(State.LINE_CR);
            case LINE_CR:
                return b == '\r' ? to(State.LINE_LF) : refuse(400, b == '\n' ? BARE_LF : BAD_VERSION);
            default: // LINE_LF
                if (b != '\n') {
                    return refuse(400, BARE_CR);
                }
                if (major != 1) {
                    return refuse(505, "Serai speaks HTTP/1.1 and HTTP/1.0");
                }
                firstField = true;
                return to(State.FIELD_START);
        }
    }

    // field-line = field-name ":" OWS field-value OWS, then CRLF; an empty line ends the section. The
    // trailer section follows the same rules.
    private boolean fieldLine(int b, int c) {
        switch (state) {
            case FIELD_START:
                if (b == '\r') {
                    return to(State.SECTION_END_LF);
                }
                if ((c & TCHAR) != 0) {
                    candidates = trailers ? 0 : (1 << FRAMING_NAMES.length) - 1;
                    index = 0;
                    matchName(b);
                    return to(State.FIELD_NAME);
                }
                if ((c & WS) != 0) {
                    // obs-fold: the line continues the previous field's value (section 5.2).
                    if (firstField) {
                        return refuse(400, "whitespace before the first field line");
                    }
                    if (field == CONTENT_LENGTH || field == TRANSFER_ENCODING) {
                        return refuse(400, "a folded Content-Length or Transfer-Encoding line");
                    }
                    return to(State.FIELD_VALUE);
                }
                return refuse(400, b == '\n' ? BARE_LF : b == ':' ? "a field line without a name" : BAD_FIELD_NAME);
            case FIELD_NAME:
                if ((c & TCHAR) != 0) {
                    matchName(b);
                    return true;
                }
                if (b == ':') {
                    return startValue();
                }
                return refuse(
                        400,
                        (c & WS) != 0
                                ? "whitespace between a field name and its colon"
                                : b == '\r' || b == '\n' ? "a field line without a colon" : BAD_FIELD_NAME);
            case FIELD_VALUE:
                return (c & (FIELD_VCHAR | WS)) != 0 || endOfValue(b);
            case FIELD_LF:
                if (b != '\n') {
                    return refuse(400, BARE_CR);
                }
                firstField = false;
                return to(State.FIELD_START);
            default: // SECTION_END_LF
                if (b != '\n') {
                    return refuse(400, BARE_CR);
                }
                return trailers ? nextRequest() : endOfHead();
        }
    }

    private void matchName(int b) {
        if (candidates != 0) {
            int lower = HttpOctets.lower(b);
            for (int kind = 0; kind < FRAMING_NAMES.length; kind++) {
                byte[] name = FRAMING_NAMES[kind];
                if (index >= name.length || name[index] != lower) {
                    candidates &= ~(1 << kind);
                }
            }
        }
        index++;
    }

    private boolean startValue() {
        field = OTHER_FIELD;
        for (int kind = 0; kind < FRAMING_NAMES.length; kind++) {
            if ((candidates & (1 << kind)) != 0 && FRAMING_NAMES[kind].length == index) {
                field = kind;
            }
        }
        if (field == CONTENT_LENGTH) {
            return ++contentLengths > 1 ? refuse(400, "more than one Content-Length") : to(State.LENGTH_BEFORE);
        }
        if (field == TRANSFER_ENCODING) {
            codings.startField();
            return to(State.CODINGS);
        }
        if (field == WEBSOCKET_KEY1 || field == WEBSOCKET_KEY2) {
            websocketKeys |= 1 << field;
        }
        return to(State.FIELD_VALUE);
    }

    /** A byte that cannot be part of a field value: the CR that ends it, or a refusal. */
    private boolean endOfValue(int b) {
        if (b == '\r') {
            return to(State.FIELD_LF);
        }
        return refuse(400, b == '\n' ? BARE_LF : "a control character in a field value");
    }

    // Content-Length = 1*DIGIT, in one field (section 6.2; a list of equal values is refused too).
    private boolean contentLength(int b, int c) {
        if ((c & DIGIT) != 0 && state != State.LENGTH_AFTER) {
            int digit = b - '0';
            if (length > (Long.MAX_VALUE - digit) / 10) {
                return refuse(413, TOO_LARGE);
            }
            length = length * 10 + digit;
            return to(State.LENGTH_DIGITS);
        }
        if ((c & WS) != 0) {
            return state == State.LENGTH_BEFORE || to(State.LENGTH_AFTER);
        }
        if ((b == '\r' || b == '\n') && state != State.LENGTH_BEFORE) {
            return endOfValue(b);
        }
        return refuse(400, BAD_CONTENT_LENGTH);
    }

    // The body's length, decided once from the whole head (section 6.3).
    private boolean endOfHead() {
        if (websocketKeys == (1 << WEBSOCKET_KEY1 | 1 << WEBSOCKET_KEY2)) {
            // Netty reads 8 bytes of body for a draft-76 WebSocket handshake, which no field announces.
            return refuse(400, "a draft WebSocket handshake (Sec-WebSocket-Key1 and -Key2) is not supported");
        }
        if (codings.present()) {
            GrammarViolation refusal = codings.verdict(http10, contentLengths > 0);
            if (refusal != null) {
                return refuse(refusal);
            }
            chunkLine.startBody();
            return to(State.CHUNK_LINE);
        }
        if (length > 0) {
            return to(State.FIXED_BODY);
        }
        return nextRequest();
    }

    /** Follows a sub-grammar's step: a chunk-size line ends in its data or in the trailer section. */
    private boolean step(Step step, GrammarViolation refusal) {
        if (step == Step.MORE) {
            return true;
        }
        if (step == Step.REFUSED) {
            return refuse(refusal);
        }
        if (state == State.CODINGS) {
            return to(State.FIELD_LF);
        }
        if (chunkLine.size() == 0) {
            trailers = true;
            firstField = true;
            return to(State.FIELD_START);
        }
        length = chunkLine.size();
        return to(State.CHUNK_DATA);
    }

    private boolean nextRequest() {
        emptyLines = 0;
        http10 = false;
        trailers = false;
        field = OTHER_FIELD;
        contentLengths = 0;
        length = 0;
        websocketKeys = 0;
        codings.reset();
        return to(State.START);
    }

    private boolean to(State next) {
        state = next;
        return true;
    }

    private boolean refuse(int status, String reason) {
        return refuse(new GrammarViolation(status, reason));
    }

    private boolean refuse(GrammarViolation refusal) {
        violation = refusal;
        state = State.REFUSED;
        return false;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}

package io.serai.ingress;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

import java.nio.charset.StandardCharsets;

/**
 * Reads the bytes of one connection's requests as they arrive and checks them against RFC 9112's grammar
 * exactly (request-line, field lines, Content-Length and Transfer-Encoding, chunked framing with its
 * extensions and trailer section), so that whatever Netty's lenient decoder then accepts is read the same
 * way by every backend. Netty 4.1's HttpObjectDecoder skips whitespace before a chunk size, wraps chunk
 * sizes beyond 31 bits to small ones, splits the request-line on any run of whitespace, upper-cases the
 * version, and keeps no count of Content-Length fields in HTTP/1.0; its parser is private, so this is
 * hand-written: a byte-at-a-time state machine with no buffering and no allocation unless it refuses.
 * Body bytes are skipped by count; only the head, chunk-size lines and trailers are read.
 *
 * <p>What it decides besides syntax: at most {@value #MAX_EMPTY_LINES} empty lines before a request-line
 * (RFC 9112 section 2.2); HTTP/1.x with x above 1 is accepted (and read as HTTP/1.1 by
 * {@link StrictRequestDecoder}), other versions get 505; obs-fold is accepted in any field but
 * Content-Length and Transfer-Encoding (Netty joins it with a space, section 5.2); the only transfer coding
 * is chunked, once and last (others get 501); the chunk extensions of one request are bounded.
 */
final class RequestGrammar implements ByteProcessor {

    static final int MAX_EMPTY_LINES = 8;

    private static final int TCHAR = 1;
    private static final int FIELD_VCHAR = 2; // VCHAR / obs-text
    private static final int HEXDIG = 4;
    private static final int DIGIT = 8;
    private static final int QDTEXT = 16;
    private static final int WS = 32; // SP / HTAB
    private static final byte[] CLASSES = new byte[256];

    static {
        String tchars = "!#$%&'*+-.^_`|~";
        for (int b = 0; b < 256; b++) {
            int k = 0;
            boolean alpha = b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z';
            boolean digit = b >= '0' && b <= '9';
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

    // Field names whose values decide framing, lower case; their index is the field's kind.
    private static final byte[][] FRAMING_NAMES = {
            bytes("content-length"), bytes("transfer-encoding"), bytes("sec-websocket-key1"), bytes("sec-websocket-key2")};
    private static final int CONTENT_LENGTH = 0;
    private static final int TRANSFER_ENCODING = 1;
    private static final int WEBSOCKET_KEY1 = 2;
    private static final int WEBSOCKET_KEY2 = 3;
    private static final int OTHER_FIELD = 4;
    private static final byte[] CHUNKED = bytes("chunked");
    private static final byte[] HTTP_SLASH = bytes("HTTP/");

    private static final String BARE_CR = "a CR not followed by LF";
    private static final String BARE_LF = "a line ending in LF without CR";
    private static final String BAD_VERSION = "the HTTP version must be HTTP/1.1 or HTTP/1.0";
    private static final String ONE_SPACE = "the parts of the request line must be separated by one space";
    private static final String BAD_FIELD_NAME = "a field name that is not a token";
    private static final String BAD_FIELD_VALUE = "a control character in a field value";
    private static final String BAD_CONTENT_LENGTH = "Content-Length must be one decimal number";
    private static final String BAD_TRANSFER_ENCODING = "Transfer-Encoding must be a list of transfer codings";
    private static final String BAD_CHUNK_SIZE = "a chunk size must be hexadecimal digits";
    private static final String BAD_CHUNK_EXTENSION = "a malformed chunk extension";
    private static final String TOO_LARGE = "a body larger than serai.limits.max-body";

    private enum State {
        START, START_LF, METHOD, TARGET_FIRST, TARGET, VERSION, MAJOR, VERSION_DOT, MINOR, LINE_CR, LINE_LF,
        FIELD_START, FIELD_NAME, FIELD_VALUE, FIELD_LF, SECTION_END_LF,
        LENGTH_BEFORE, LENGTH_DIGITS, LENGTH_AFTER,
        CODING_BEFORE, CODING, CODING_AFTER, CODING_PARAMS, CODING_QUOTED, CODING_QUOTED_PAIR,
        FIXED_BODY, CHUNK_SIZE_FIRST, CHUNK_SIZE, CHUNK_SIZE_WS, CHUNK_LINE_LF, CHUNK_DATA, CHUNK_DATA_CR, CHUNK_DATA_LF,
        EXT_NAME_FIRST, EXT_NAME, EXT_AFTER_NAME, EXT_VALUE_FIRST, EXT_TOKEN, EXT_AFTER_VALUE,
        EXT_QUOTED, EXT_QUOTED_PAIR, EXT_AFTER_QUOTED,
        REFUSED
    }

    private final int maxExtensionBytes;
    private GrammarViolation violation;
    private State state = State.START;

    // The message being read.
    private int emptyLines;
    private int index; // into HTTP_SLASH, a field name or a coding name
    private int major;
    private boolean http10;
    private boolean firstField;
    private boolean trailers;
    private int candidates; // bit per FRAMING_NAMES entry still matching the field name
    private int field;
    private int contentLengths;
    private long length; // Content-Length, then what is left of the body or of a chunk
    private boolean transferEncoding;
    private boolean codingIsChunked;
    private boolean lastCodingChunked;
    private int chunkedCodings;
    private int otherCodings;
    private boolean websocketKey1;
    private boolean websocketKey2;
    private int extensionBytes;

    /** {@code maxExtensionBytes} bounds the chunk extensions of one request, which nothing else counts. */
    RequestGrammar(int maxExtensionBytes) {
        this.maxExtensionBytes = maxExtensionBytes;
    }

    /** Reads the readable bytes of {@code bytes} without consuming them; false once the connection broke a rule. */
    boolean accepts(ByteBuf bytes) {
        int i = bytes.readerIndex();
        int end = bytes.writerIndex();
        while (i < end && state != State.REFUSED) {
            if (state == State.FIXED_BODY || state == State.CHUNK_DATA) {
                int n = (int) Math.min(length, end - i);
                i += n;
                length -= n;
                if (length == 0) {
                    if (state == State.FIXED_BODY) {
                        nextMessage();
                    } else {
                        state = State.CHUNK_DATA_CR;
                    }
                }
                continue;
            }
            int stop = bytes.forEachByte(i, end - i, this);
            if (stop < 0) {
                break;
            }
            i = stop + 1;
        }
        return state != State.REFUSED;
    }

    /** Why the connection was refused; null while it was not. */
    GrammarViolation violation() {
        return violation;
    }

    /** One byte; false when it is refused or a counted body starts (then {@link #accepts} skips it). */
    @Override
    public boolean process(byte value) {
        int b = value & 0xff;
        int c = CLASSES[b];
        switch (state) {
            case START, START_LF, METHOD, TARGET_FIRST, TARGET, VERSION, MAJOR, VERSION_DOT, MINOR, LINE_CR, LINE_LF:
                return requestLine(b, c);
            case FIELD_START, FIELD_NAME, FIELD_VALUE, FIELD_LF, SECTION_END_LF:
                return fieldLine(b, c);
            case LENGTH_BEFORE, LENGTH_DIGITS, LENGTH_AFTER:
                return contentLength(b, c);
            case CODING_BEFORE, CODING, CODING_AFTER, CODING_PARAMS, CODING_QUOTED, CODING_QUOTED_PAIR:
                return transferEncoding(b, c);
            default:
                return chunkLine(b, c);
        }
    }

    // request-line = method SP request-target SP HTTP-version CRLF (RFC 9112 section 3); the target's own
    // grammar is RequestTarget's, here it is any run of visible octets.
    private boolean requestLine(int b, int c) {
        switch (state) {
            case START:
                if (b == '\r') {
                    state = State.START_LF;
                    return true;
                }
                if ((c & TCHAR) != 0) {
                    state = State.METHOD;
                    return true;
                }
                return refuse(400, b == '\n' ? BARE_LF : "a request must start with a method");
            case START_LF:
                if (b != '\n') {
                    return refuse(400, BARE_CR);
                }
                if (++emptyLines > MAX_EMPTY_LINES) {
                    return refuse(400, "too many empty lines before the request line");
                }
                state = State.START;
                return true;
            case METHOD:
                if ((c & TCHAR) != 0) {
                    return true;
                }
                if (b == ' ') {
                    state = State.TARGET_FIRST;
                    return true;
                }
                return refuse(400, (c & WS) != 0 ? ONE_SPACE : "a method that is not a token");
            case TARGET_FIRST, TARGET:
                if ((c & FIELD_VCHAR) != 0) {
                    state = State.TARGET;
                    return true;
                }
                if (b == ' ' && state == State.TARGET) {
                    state = State.VERSION;
                    index = 0;
                    return true;
                }
                if ((c & WS) != 0) {
                    return refuse(400, ONE_SPACE);
                }
                return refuse(400, b == '\r' || b == '\n' ? "a request line without an HTTP version"
                        : "a control character in the request line");
            case VERSION:
                if (b != HTTP_SLASH[index]) {
                    return refuse(400, (c & WS) != 0 ? ONE_SPACE : BAD_VERSION);
                }
                if (++index == HTTP_SLASH.length) {
                    state = State.MAJOR;
                }
                return true;
            case MAJOR:
                if ((c & DIGIT) == 0) {
                    return refuse(400, BAD_VERSION);
                }
                major = b - '0';
                state = State.VERSION_DOT;
                return true;
            case VERSION_DOT:
                if (b != '.') {
                    return refuse(400, BAD_VERSION);
                }
                state = State.MINOR;
                return true;
            case MINOR:
                if ((c & DIGIT) == 0) {
                    return refuse(400, BAD_VERSION);
                }
                http10 = b == '0';
                state = State.LINE_CR;
                return true;
            case LINE_CR:
                if (b != '\r') {
                    return refuse(400, b == '\n' ? BARE_LF : BAD_VERSION);
                }
                state = State.LINE_LF;
                return true;
            default: // LINE_LF
                if (b != '\n') {
                    return refuse(400, BARE_CR);
                }
                if (major != 1) {
                    return refuse(505, "Serai speaks HTTP/1.1 and HTTP/1.0 on this listener");
                }
                state = State.FIELD_START;
                firstField = true;
                return true;
        }
    }

    // field-line = field-name ":" OWS field-value OWS, CRLF-terminated; the section ends with an empty line
    // (RFC 9112 section 5, RFC 9110 section 5). Trailer fields follow the same rules.
    private boolean fieldLine(int b, int c) {
        switch (state) {
            case FIELD_START:
                if (b == '\r') {
                    state = State.SECTION_END_LF;
                    return true;
                }
                if ((c & TCHAR) != 0) {
                    state = State.FIELD_NAME;
                    candidates = trailers ? 0 : (1 << FRAMING_NAMES.length) - 1;
                    index = 0;
                    matchName(b);
                    return true;
                }
                if ((c & WS) != 0) {
                    // obs-fold: the line continues the previous field's value (RFC 9112 section 5.2).
                    if (firstField) {
                        return refuse(400, "whitespace before the first field line");
                    }
                    if (field == CONTENT_LENGTH || field == TRANSFER_ENCODING) {
                        return refuse(400, "a folded Content-Length or Transfer-Encoding line");
                    }
                    state = State.FIELD_VALUE;
                    return true;
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
                return refuse(400, (c & WS) != 0 ? "whitespace between a field name and its colon"
                        : b == '\r' || b == '\n' ? "a field line without a colon" : BAD_FIELD_NAME);
            case FIELD_VALUE:
                if ((c & (FIELD_VCHAR | WS)) != 0) {
                    return true;
                }
                return endOfValue(b);
            case FIELD_LF:
                if (b != '\n') {
                    return refuse(400, BARE_CR);
                }
                state = State.FIELD_START;
                firstField = false;
                return true;
            default: // SECTION_END_LF
                if (b != '\n') {
                    return refuse(400, BARE_CR);
                }
                return trailers ? nextMessage() : endOfHead();
        }
    }

    private void matchName(int b) {
        if (candidates != 0) {
            int lower = b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
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
        switch (field) {
            case CONTENT_LENGTH:
                if (++contentLengths > 1) {
                    return refuse(400, "more than one Content-Length");
                }
                state = State.LENGTH_BEFORE;
                return true;
            case TRANSFER_ENCODING:
                transferEncoding = true;
                state = State.CODING_BEFORE;
                return true;
            case WEBSOCKET_KEY1:
                websocketKey1 = true;
                break;
            case WEBSOCKET_KEY2:
                websocketKey2 = true;
                break;
            default:
                break;
        }
        state = State.FIELD_VALUE;
        return true;
    }

    /** A byte that is not part of a field value: the CR that ends it, or a refusal. */
    private boolean endOfValue(int b) {
        if (b == '\r') {
            state = State.FIELD_LF;
            return true;
        }
        return refuse(400, b == '\n' ? BARE_LF : BAD_FIELD_VALUE);
    }

    // Content-Length = 1*DIGIT (RFC 9112 section 6.2), one field, no list.
    private boolean contentLength(int b, int c) {
        switch (state) {
            case LENGTH_BEFORE:
                if ((c & WS) != 0) {
                    return true;
                }
                if ((c & DIGIT) == 0) {
                    return refuse(400, BAD_CONTENT_LENGTH);
                }
                length = b - '0';
                state = State.LENGTH_DIGITS;
                return true;
            case LENGTH_DIGITS:
                if ((c & DIGIT) != 0) {
                    if (length > (Long.MAX_VALUE - (b - '0')) / 10) {
                        return refuse(413, TOO_LARGE);
                    }
                    length = length * 10 + (b - '0');
                    return true;
                }
                if ((c & WS) != 0) {
                    state = State.LENGTH_AFTER;
                    return true;
                }
                return b == '\r' || b == '\n' ? endOfValue(b) : refuse(400, BAD_CONTENT_LENGTH);
            default: // LENGTH_AFTER
                if ((c & WS) != 0) {
                    return true;
                }
                return b == '\r' || b == '\n' ? endOfValue(b) : refuse(400, BAD_CONTENT_LENGTH);
        }
    }

    // Transfer-Encoding = #transfer-coding; transfer-coding = token *( OWS ";" OWS transfer-parameter )
    // (RFC 9112 section 6.1, RFC 9110 section 5.6.1 for empty list elements). A coding with parameters is
    // never the plain chunked that Serai can decode.
    private boolean transferEncoding(int b, int c) {
        switch (state) {
            case CODING_BEFORE:
                if ((c & WS) != 0 || b == ',') {
                    return true;
                }
                if ((c & TCHAR) != 0) {
                    state = State.CODING;
                    index = 0;
                    codingIsChunked = true;
                    matchCoding(b);
                    return true;
                }
                return b == '\r' || b == '\n' ? endOfValue(b) : refuse(400, BAD_TRANSFER_ENCODING);
            case CODING:
                if ((c & TCHAR) != 0) {
                    matchCoding(b);
                    return true;
                }
                endOfCoding();
                if ((c & WS) != 0) {
                    state = State.CODING_AFTER;
                    return true;
                }
                return afterCoding(b);
            case CODING_AFTER:
                if ((c & WS) != 0) {
                    return true;
                }
                return afterCoding(b);
            case CODING_PARAMS:
                if (b == '"') {
                    state = State.CODING_QUOTED;
                    return true;
                }
                if (b == ',') {
                    state = State.CODING_BEFORE;
                    return true;
                }
                if ((c & (FIELD_VCHAR | WS)) != 0) {
                    return true;
                }
                return endOfValue(b);
            case CODING_QUOTED:
                if (b == '"') {
                    state = State.CODING_PARAMS;
                    return true;
                }
                if (b == '\\') {
                    state = State.CODING_QUOTED_PAIR;
                    return true;
                }
                return (c & QDTEXT) != 0 || refuse(400, BAD_TRANSFER_ENCODING);
            default: // CODING_QUOTED_PAIR
                if ((c & (FIELD_VCHAR | WS)) == 0) {
                    return refuse(400, BAD_TRANSFER_ENCODING);
                }
                state = State.CODING_QUOTED;
                return true;
        }
    }

    private void matchCoding(int b) {
        int lower = b >= 'A' && b <= 'Z' ? b + ('a' - 'A') : b;
        codingIsChunked &= index < CHUNKED.length && CHUNKED[index] == lower;
        index++;
    }

    private void endOfCoding() {
        boolean chunked = codingIsChunked && index == CHUNKED.length;
        lastCodingChunked = chunked;
        if (chunked) {
            chunkedCodings++;
        } else {
            otherCodings++;
        }
    }

    private boolean afterCoding(int b) {
        if (b == ',') {
            state = State.CODING_BEFORE;
            return true;
        }
        if (b == ';') {
            if (lastCodingChunked) {
                lastCodingChunked = false;
                chunkedCodings--;
                otherCodings++;
            }
            state = State.CODING_PARAMS;
            return true;
        }
        return b == '\r' || b == '\n' ? endOfValue(b) : refuse(400, BAD_TRANSFER_ENCODING);
    }

    // RFC 9112 section 6.3: the body's length, decided once from the whole head.
    private boolean endOfHead() {
        if (websocketKey1 && websocketKey2) {
            // Netty reads 8 bytes of body for a draft-76 WebSocket handshake that no field announces.
            return refuse(400, "a draft WebSocket handshake (Sec-WebSocket-Key1 and -Key2) is not supported");
        }
        if (transferEncoding) {
            if (contentLengths > 0) {
                return refuse(400, "both Content-Length and Transfer-Encoding");
            }
            if (http10) {
                return refuse(400, "Transfer-Encoding in an HTTP/1.0 request");
            }
            if (chunkedCodings > 1) {
                return refuse(400, "the chunked transfer coding applied more than once");
            }
            if (!lastCodingChunked) {
                return refuse(400, "Transfer-Encoding must end with chunked");
            }
            if (otherCodings > 0) {
                return refuse(501, "Serai forwards only the chunked transfer coding");
            }
            state = State.CHUNK_SIZE_FIRST;
            return true;
        }
        if (contentLengths == 1 && length > 0) {
            state = State.FIXED_BODY;
            return false;
        }
        return nextMessage();
    }

    // chunk = chunk-size [ chunk-ext ] CRLF chunk-data CRLF; last-chunk = 1*"0" [ chunk-ext ] CRLF;
    // chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ) (RFC 9112 section 7.1).
    private boolean chunkLine(int b, int c) {
        if (state.compareTo(State.EXT_NAME_FIRST) >= 0 && state != State.REFUSED
                && ++extensionBytes > maxExtensionBytes) {
            return refuse(400, "chunk extensions longer than serai.limits.max-header");
        }
        switch (state) {
            case CHUNK_SIZE_FIRST:
                if ((c & HEXDIG) == 0) {
                    return refuse(400, b == '\n' ? BARE_LF : BAD_CHUNK_SIZE);
                }
                length = Character.digit(b, 16);
                state = State.CHUNK_SIZE;
                return true;
            case CHUNK_SIZE:
                if ((c & HEXDIG) != 0) {
                    length = length * 16 + Character.digit(b, 16);
                    // Netty counts a chunk in an int; no allowed body comes near it (max-body is an int too).
                    return length <= Integer.MAX_VALUE || refuse(413, TOO_LARGE);
                }
                if ((c & WS) != 0) {
                    state = State.CHUNK_SIZE_WS;
                    return true;
                }
                return b == ';' ? extension(State.EXT_NAME_FIRST) : endOfChunkLine(b, BAD_CHUNK_SIZE);
            case CHUNK_SIZE_WS:
                if ((c & WS) != 0) {
                    return true;
                }
                return b == ';' ? extension(State.EXT_NAME_FIRST) : refuse(400, BAD_CHUNK_SIZE);
            case EXT_NAME_FIRST:
                if ((c & WS) != 0) {
                    return true;
                }
                return (c & TCHAR) != 0 ? extension(State.EXT_NAME) : refuse(400, BAD_CHUNK_EXTENSION);
            case EXT_NAME:
                if ((c & TCHAR) != 0) {
                    return true;
                }
                if ((c & WS) != 0) {
                    return extension(State.EXT_AFTER_NAME);
                }
                return b == '=' ? extension(State.EXT_VALUE_FIRST)
                        : b == ';' ? extension(State.EXT_NAME_FIRST) : endOfChunkLine(b, BAD_CHUNK_EXTENSION);
            case EXT_AFTER_NAME:
                if ((c & WS) != 0) {
                    return true;
                }
                return b == '=' ? extension(State.EXT_VALUE_FIRST)
                        : b == ';' ? extension(State.EXT_NAME_FIRST) : refuse(400, BAD_CHUNK_EXTENSION);
            case EXT_VALUE_FIRST:
                if ((c & WS) != 0) {
                    return true;
                }
                return b == '"' ? extension(State.EXT_QUOTED)
                        : (c & TCHAR) != 0 ? extension(State.EXT_TOKEN) : refuse(400, BAD_CHUNK_EXTENSION);
            case EXT_TOKEN:
                if ((c & TCHAR) != 0) {
                    return true;
                }
                if ((c & WS) != 0) {
                    return extension(State.EXT_AFTER_VALUE);
                }
                return b == ';' ? extension(State.EXT_NAME_FIRST) : endOfChunkLine(b, BAD_CHUNK_EXTENSION);
            case EXT_AFTER_VALUE:
                if ((c & WS) != 0) {
                    return true;
                }
                return b == ';' ? extension(State.EXT_NAME_FIRST) : refuse(400, BAD_CHUNK_EXTENSION);
            case EXT_QUOTED:
                if (b == '"') {
                    return extension(State.EXT_AFTER_QUOTED);
                }
                if (b == '\\') {
                    return extension(State.EXT_QUOTED_PAIR);
                }
                return (c & QDTEXT) != 0 || refuse(400, BAD_CHUNK_EXTENSION);
            case EXT_QUOTED_PAIR:
                return (c & (FIELD_VCHAR | WS)) != 0 ? extension(State.EXT_QUOTED) : refuse(400, BAD_CHUNK_EXTENSION);
            case EXT_AFTER_QUOTED:
                if ((c & WS) != 0) {
                    return extension(State.EXT_AFTER_VALUE);
                }
                return b == ';' ? extension(State.EXT_NAME_FIRST) : endOfChunkLine(b, BAD_CHUNK_EXTENSION);
            case CHUNK_LINE_LF:
                if (b != '\n') {
                    return refuse(400, BARE_CR);
                }
                if (length == 0) {
                    state = State.FIELD_START;
                    trailers = true;
                    firstField = true;
                    return true;
                }
                state = State.CHUNK_DATA;
                return false;
            case CHUNK_DATA_CR:
                if (b != '\r') {
                    return refuse(400, "chunk data longer than its chunk size");
                }
                state = State.CHUNK_DATA_LF;
                return true;
            case CHUNK_DATA_LF:
                if (b != '\n') {
                    return refuse(400, BARE_CR);
                }
                state = State.CHUNK_SIZE_FIRST;
                return true;
            default: // REFUSED
                return false;
        }
    }

    private boolean extension(State next) {
        state = next;
        return true;
    }

    private boolean endOfChunkLine(int b, String otherwise) {
        if (b == '\r') {
            state = State.CHUNK_LINE_LF;
            return true;
        }
        return refuse(400, b == '\n' ? BARE_LF : otherwise);
    }

    private boolean nextMessage() {
        state = State.START;
        emptyLines = 0;
        http10 = false;
        trailers = false;
        field = OTHER_FIELD;
        contentLengths = 0;
        length = 0;
        transferEncoding = false;
        lastCodingChunked = false;
        chunkedCodings = 0;
        otherCodings = 0;
        websocketKey1 = false;
        websocketKey2 = false;
        extensionBytes = 0;
        return true;
    }

    private boolean refuse(int status, String reason) {
        violation = new GrammarViolation(status, reason);
        state = State.REFUSED;
        return false;
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }
}

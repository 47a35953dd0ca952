package io.serai.ingress;

import java.nio.charset.StandardCharsets;

import static io.serai.ingress.HttpOctets.FIELD_VCHAR;
import static io.serai.ingress.HttpOctets.QDTEXT;
import static io.serai.ingress.HttpOctets.TCHAR;
import static io.serai.ingress.HttpOctets.WS;

/**
 * The Transfer-Encoding fields of one request, byte by byte, and what they decide (RFC 9112 section 6.1):
 * {@code Transfer-Encoding = #transfer-coding}, {@code transfer-coding = token *( OWS ";" OWS
 * transfer-parameter )}, empty list elements allowed (RFC 9110 section 5.6.1). Serai decodes one coding,
 * chunked, and forwards the body framed with Content-Length, so chunked must be there once, last and
 * alone; a coding with parameters is never that plain chunked.
 */
final class TransferCodings {

    private static final byte[] CHUNKED = "chunked".getBytes(StandardCharsets.US_ASCII);
    private static final String BAD = "Transfer-Encoding must be a list of transfer codings";

    private enum State {
        BEFORE,
        CODING,
        AFTER,
        PARAMETERS,
        QUOTED,
        QUOTED_PAIR
    }

    private State state = State.BEFORE;
    private boolean present;
    private int index;
    private boolean matchesChunked;
    private boolean lastIsChunked;
    private int chunked;
    private int others;
    private GrammarViolation violation;

    /** Before each request. */
    void reset() {
        present = false;
        lastIsChunked = false;
        chunked = 0;
        others = 0;
    }

    /** Before the value of each Transfer-Encoding field. */
    void startField() {
        present = true;
        state = State.BEFORE;
    }

    boolean present() {
        return present;
    }

    GrammarViolation violation() {
        return violation;
    }

    /** One byte of a field value; {@code DONE} at the CR that ends it. */
    RequestGrammar.Step next(int b, int c) {
        switch (state) {
            case BEFORE:
                if ((c & WS) != 0 || b == ',') {
                    return RequestGrammar.Step.MORE;
                }
                if ((c & TCHAR) != 0) {
                    state = State.CODING;
                    index = 0;
                    matchesChunked = true;
                    match(b);
                    return RequestGrammar.Step.MORE;
                }
                return end(b);
            case CODING:
                if ((c & TCHAR) != 0) {
                    match(b);
                    return RequestGrammar.Step.MORE;
                }
                endOfCoding();
                if ((c & WS) != 0) {
                    state = State.AFTER;
                    return RequestGrammar.Step.MORE;
                }
                return afterCoding(b);
            case AFTER:
                return (c & WS) != 0 ? RequestGrammar.Step.MORE : afterCoding(b);
            case PARAMETERS:
                if (b == '"') {
                    state = State.QUOTED;
                    return RequestGrammar.Step.MORE;
                }
                if (b == ',') {
                    state = State.BEFORE;
                    return RequestGrammar.Step.MORE;
                }
                return (c & (FIELD_VCHAR | WS)) != 0 ? RequestGrammar.Step.MORE : end(b);
            case QUOTED:
                if (b == '"') {
                    state = State.PARAMETERS;
                } else if (b == '\\') {
                    state = State.QUOTED_PAIR;
                } else if ((c & QDTEXT) == 0) {
                    return refuse(400, BAD);
                }
                return RequestGrammar.Step.MORE;
            default: // QUOTED_PAIR
                if ((c & (FIELD_VCHAR | WS)) == 0) {
                    return refuse(400, BAD);
                }
                state = State.QUOTED;
                return RequestGrammar.Step.MORE;
        }
    }

    /** At the end of the head: null when the body is plain chunked, else why the request is refused. */
    GrammarViolation verdict(boolean http10, boolean contentLength) {
        if (contentLength) {
            return new GrammarViolation(400, "both Content-Length and Transfer-Encoding");
        }
        if (http10) {
            return new GrammarViolation(400, "Transfer-Encoding in an HTTP/1.0 request");
        }
        if (chunked > 1) {
            return new GrammarViolation(400, "the chunked transfer coding applied more than once");
        }
        if (!lastIsChunked) {
            return new GrammarViolation(400, "Transfer-Encoding must end with chunked");
        }
        if (others > 0) {
            return new GrammarViolation(501, "Serai forwards only the chunked transfer coding");
        }
        return null;
    }

    private void match(int b) {
        matchesChunked &= index < CHUNKED.length && CHUNKED[index] == HttpOctets.lower(b);
        index++;
    }

    private void endOfCoding() {
        lastIsChunked = matchesChunked && index == CHUNKED.length;
        if (lastIsChunked) {
            chunked++;
        } else {
            others++;
        }
    }

    private RequestGrammar.Step afterCoding(int b) {
        if (b == ',') {
            state = State.BEFORE;
            return RequestGrammar.Step.MORE;
        }
        if (b == ';') {
            if (lastIsChunked) {
                lastIsChunked = false;
                chunked--;
                others++;
            }
            state = State.PARAMETERS;
            return RequestGrammar.Step.MORE;
        }
        return end(b);
    }

    private RequestGrammar.Step end(int b) {
        if (b == '\r') {
            return RequestGrammar.Step.DONE;
        }
        return refuse(400, b == '\n' ? RequestGrammar.BARE_LF : BAD);
    }

    private RequestGrammar.Step refuse(int status, String reason) {
        violation = new GrammarViolation(status, reason);
        return RequestGrammar.Step.REFUSED;
    }
}

package io.serai.ingress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The grammar of a request as the edge of a chain of proxies must read it: RFC 9112 sections 2 to 7 and
 * RFC 9110 section 5, rule by rule, each row sending valid or invalid bytes on a raw socket. A refused
 * request gets its status, Serai's own words, a closed connection, and reaches no backend; an accepted one
 * reaches the backend exactly once, its body framed with Content-Length, and the next request on the same
 * connection is read where the client meant it to start. The request-target's own grammar (its characters,
 * escapes and dot segments) is {@link RequestTargetTest}'s; only its plain forms appear here.
 */
@Timeout(120)
class RequestGrammarTest {

    /** Text a refusal must never echo: every row that puts client text in a bad place uses it. */
    private static final String MARK = "zq";

    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: h\r\n\r\n";

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("b1");
        serai = RunningSerai.proxyTo(backend)
                .property("serai.limits.max-uri", "1KiB")
                .property("serai.limits.max-header", "4KiB")
                .property("serai.limits.max-body", "1MiB")
                .start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        backend.close();
    }

    @AfterEach
    void seraiStillAnswersNormally() throws Exception {
        assertEquals(
                200,
                RawHttp.exchange(serai.port(), "GET /after HTTP/1.1\r\nHost: h\r\n\r\n")
                        .status());
    }

    /** What must happen to a row's bytes. */
    sealed interface Outcome permits Refused, Forwarded {}

    record Refused(int status) implements Outcome {}

    /** Forwarded once, as sent, with this body; {@code fields} maps a field name to its value, or null for absent. */
    record Forwarded(String body, Map<String, String> fields) implements Outcome {
        Forwarded with(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(fields);
            more.put(name, value);
            return new Forwarded(body, more);
        }
    }

    record Row(String section, String rule, String raw, Outcome outcome) {
        @Override
        public String toString() {
            return section + " " + rule;
        }
    }

    static Refused refused(int status) {
        return new Refused(status);
    }

    static Forwarded forwarded(String body) {
        return new Forwarded(body, Map.of());
    }

    static Row row(String section, String rule, String raw, Outcome outcome) {
        return new Row(section, rule, raw, outcome);
    }

    /** A GET with Host and the given field lines (each ending in CRLF). */
    static String get(String fields) {
        return "GET /g HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n";
    }

    /** A POST with Host, the given field lines, and then {@code rest} (the body, and whatever follows). */
    static String post(String fields, String rest) {
        return "POST /p HTTP/1.1\r\nHost: h\r\n" + fields + "\r\n" + rest;
    }

    static String chunked(String rest) {
        return post("Transfer-Encoding: chunked\r\n", rest);
    }

    static List<Row> rows() {
        return List.of(
                // RFC 9112 2.1/2.2: message format and parsing
                row("RFC 9112 2.1", "HTTP-message = start-line CRLF *( field-line CRLF ) CRLF", get(""), forwarded("")),
                row(
                        "RFC 9112 2.2",
                        "an empty line (CRLF) before the request-line is ignored",
                        "\r\n" + get(""),
                        forwarded("")),
                row(
                        "RFC 9112 2.2",
                        "up to 8 empty lines before the request-line",
                        "\r\n".repeat(8) + get(""),
                        forwarded("")),
                row(
                        "RFC 9112 2.2",
                        "more than 8 empty lines before the request-line",
                        "\r\n".repeat(9) + get(""),
                        refused(400)),
                row("RFC 9112 2.2", "a bare LF empty line before the request-line", "\n" + get(""), refused(400)),
                row("RFC 9112 2.2", "a bare CR before the request-line", "\r" + get(""), refused(400)),
                row("RFC 9112 2.2", "whitespace before the request-line", " " + get(""), refused(400)),
                row(
                        "RFC 9112 2.2",
                        "control characters before the request-line",
                        "\u0000\u0001" + get(""),
                        refused(400)),
                row(
                        "RFC 9112 2.2",
                        "a bare LF ends the request-line",
                        "GET /g HTTP/1.1\nHost: h\r\n\r\n",
                        refused(400)),
                row(
                        "RFC 9112 2.2",
                        "a bare LF ends a field line",
                        "GET /g HTTP/1.1\r\nHost: h\nX-A: 1\r\n\r\n",
                        refused(400)),
                row(
                        "RFC 9112 2.2",
                        "a bare CR in the request-line",
                        "GET /g\rx HTTP/1.1\r\nHost: h\r\n\r\n",
                        refused(400)),
                row("RFC 9112 2.2", "a bare CR in a field value", get("X-A: a\rX-Zq: b\r\n"), refused(400)),
                row(
                        "RFC 9112 2.2",
                        "whitespace between the start-line and the first field line",
                        "GET /g HTTP/1.1\r\n X-Zq: 1\r\nHost: h\r\n\r\n",
                        refused(400)),

                // RFC 9112 2.3: HTTP-version = HTTP-name "/" DIGIT "." DIGIT
                row("RFC 9112 2.3", "HTTP/1.0", "GET /g HTTP/1.0\r\n\r\n", forwarded("")),
                row("RFC 9112 2.3", "HTTP-name is case-sensitive", "GET /g http/1.1\r\nHost: h\r\n\r\n", refused(400)),
                row(
                        "RFC 9112 2.3",
                        "two digits in the minor version",
                        "GET /g HTTP/1.10\r\nHost: h\r\n\r\n",
                        refused(400)),
                row("RFC 9112 2.3", "no minor version", "GET /g HTTP/1\r\nHost: h\r\n\r\n", refused(400)),
                row(
                        "RFC 9110 2.5",
                        "HTTP/1.2 is read as the highest HTTP/1 minor version Serai speaks",
                        "GET /g HTTP/1.2\r\nHost: h\r\n\r\n",
                        forwarded("").with("Via", "1.1 serai")),
                row(
                        "RFC 9110 6.2",
                        "HTTP/2.0 in an HTTP/1 request-line",
                        "GET /g HTTP/2.0\r\nHost: h\r\n\r\n",
                        refused(505)),
                row(
                        "RFC 9110 6.2",
                        "HTTP/0.9 named in the request-line",
                        "GET /g HTTP/0.9\r\nHost: h\r\n\r\n",
                        refused(505)),

                // RFC 9112 3: request-line = method SP request-target SP HTTP-version
                row("RFC 9112 3", "no HTTP-version (HTTP/0.9 simple request)", "GET /g\r\n\r\n", refused(400)),
                row(
                        "RFC 9112 3",
                        "two SP after the method",
                        "GET  /g HTTP/1.1\r\nHost: h\r\n\r\n" + SMUGGLED,
                        refused(400)),
                row(
                        "RFC 9112 3",
                        "two SP before the HTTP-version",
                        "GET /g  HTTP/1.1\r\nHost: h\r\n\r\n",
                        refused(400)),
                row("RFC 9112 3", "HTAB as a separator", "GET\t/g HTTP/1.1\r\nHost: h\r\n\r\n", refused(400)),
                row(
                        "RFC 9112 3",
                        "SP at the end of the request-line",
                        "GET /g HTTP/1.1 \r\nHost: h\r\n\r\n",
                        refused(400)),
                row("RFC 9112 3", "no request-target", "GET HTTP/1.1\r\nHost: h\r\n\r\n", refused(400)),
                row("RFC 9112 3.1", "method = token", "GE(T /g HTTP/1.1\r\nHost: h\r\n\r\n", refused(400)),
                row(
                        "RFC 9112 3.1",
                        "an extension method is forwarded",
                        "PURGE /g HTTP/1.1\r\nHost: h\r\n\r\n",
                        forwarded("")),
                row(
                        "RFC 9112 3.1",
                        "the method is case-sensitive and kept as sent",
                        "get /g HTTP/1.1\r\nHost: h\r\n\r\n",
                        forwarded("")),
                row(
                        "RFC 9112 3.2.1",
                        "origin-form with a query",
                        "GET /g/h?q=1&r HTTP/1.1\r\nHost: h\r\n\r\n",
                        forwarded("")),
                row(
                        "RFC 9112 3.2.2",
                        "absolute-form naming this listener",
                        "GET http://127.0.0.1:{port}/g?q=1 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n",
                        forwarded("")),
                row(
                        "RFC 9112 3.2",
                        "a request-target in none of the four forms",
                        "GET @zq.example/ HTTP/1.1\r\nHost: h\r\n\r\n",
                        refused(400)),
                row(
                        "RFC 9112 3.2",
                        "a request-target in none of the four forms, starting with a dot",
                        "GET .zq.example/ HTTP/1.1\r\nHost: h\r\n\r\n",
                        refused(400)),
                row(
                        "RFC 9112 3.2.2",
                        "absolute-form with user info (RFC 9110 4.2.4)",
                        "GET http://zq@h/g HTTP/1.1\r\nHost: h\r\n\r\n",
                        refused(400)),
                row(
                        "RFC 9112 3.2.4",
                        "asterisk-form with a method other than OPTIONS",
                        "GET * HTTP/1.1\r\nHost: h\r\n\r\n",
                        refused(400)),
                row(
                        "RFC 9112 3.2",
                        "a fragment is not part of a request-target",
                        "GET /g#zq HTTP/1.1\r\nHost: h\r\n\r\n",
                        refused(400)),
                row(
                        "RFC 9112 3.2",
                        "Host = uri-host [ \":\" port ]",
                        "GET /g HTTP/1.1\r\nHost: h.example:8080\r\n\r\n",
                        forwarded("")),
                row("RFC 9112 3.2", "no Host in HTTP/1.1", "GET /g HTTP/1.1\r\n\r\n", refused(400)),
                row("RFC 9112 3.2", "two Host fields", "GET /g HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", refused(400)),

                // RFC 9112 5 and RFC 9110 5: field-line = field-name ":" OWS field-value OWS
                row(
                        "RFC 9110 5.1",
                        "field-name = token, every tchar",
                        get("X-!#$%&'*+.^_`|~09: v\r\n"),
                        forwarded("").with("X-!#$%&'*+.^_`|~09", "v")),
                row("RFC 9110 5.1", "an empty field-name", get(": zq\r\n"), refused(400)),
                row("RFC 9110 5.1", "a field-name that is not a token", get("X(Zq): a\r\n"), refused(400)),
                row("RFC 9110 5.1", "a non-ASCII octet in a field-name", get("X-Zq\u00e9: a\r\n"), refused(400)),
                row("RFC 9112 5", "no colon in a field line", get("X-Zq a\r\n"), refused(400)),
                row("RFC 9112 5.1", "SP between field-name and colon", get("X-Zq : a\r\n"), refused(400)),
                row("RFC 9112 5.1", "HTAB between field-name and colon", get("X-Zq\t: a\r\n"), refused(400)),
                row(
                        "RFC 9112 5.1",
                        "OWS around the field-value is not part of it",
                        get("X-A: \t a b \t\r\n"),
                        forwarded("").with("X-A", "a b")),
                row(
                        "RFC 9110 5.5",
                        "an empty field-value",
                        get("X-A:\r\n"),
                        forwarded("").with("X-A", "")),
                row(
                        "RFC 9110 5.5",
                        "HTAB inside a field-value",
                        get("X-A: a\tb\r\n"),
                        forwarded("").with("X-A", "a\tb")),
                row(
                        "RFC 9110 5.5",
                        "obs-text in a field-value",
                        get("X-A: caf\u00e9\r\n"),
                        forwarded("").with("X-A", "caf\u00e9")),
                row("RFC 9110 5.5", "NUL in a field-value", get("X-Zq: a\u0000b\r\n"), refused(400)),
                row("RFC 9110 5.5", "a control character in a field-value", get("X-Zq: a\u0001b\r\n"), refused(400)),
                row("RFC 9110 5.5", "DEL in a field-value", get("X-Zq: a\u007fb\r\n"), refused(400)),
                row(
                        "RFC 9112 5.2",
                        "obs-fold is replaced with SP",
                        get("X-A: a\r\n b\r\n"),
                        forwarded("").with("X-A", "a b").with("b", null)),
                row(
                        "RFC 9112 5.2",
                        "obs-fold in Content-Length",
                        post("Content-Length:\r\n 5\r\n", "hello"),
                        refused(400)),
                row(
                        "RFC 9112 5.2",
                        "obs-fold in Transfer-Encoding",
                        post("Transfer-Encoding:\r\n chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"),
                        refused(400)),

                // RFC 9112 6.1: Transfer-Encoding
                row(
                        "RFC 9112 6.1",
                        "Transfer-Encoding: chunked is re-framed with Content-Length",
                        chunked("5\r\nhello\r\n0\r\n\r\n"),
                        forwarded("hello").with("Transfer-Encoding", null)),
                row(
                        "RFC 9112 7",
                        "transfer-coding names are case-insensitive",
                        post("Transfer-Encoding: Chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"),
                        forwarded("hello")),
                row(
                        "RFC 9110 5.6.1",
                        "empty list elements and OWS in Transfer-Encoding",
                        post("Transfer-Encoding: , chunked \r\n", "5\r\nhello\r\n0\r\n\r\n"),
                        forwarded("hello")),
                row(
                        "RFC 9112 6.1",
                        "a transfer coding Serai cannot forward",
                        post("Transfer-Encoding: gzip, chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"),
                        refused(501)),
                row(
                        "RFC 9112 6.1",
                        "a transfer-parameter with a quoted comma does not end the coding",
                        post("Transfer-Encoding: gzip;zq=\"a, chunked\", chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"),
                        refused(501)),
                row(
                        "RFC 9112 6.1",
                        "chunked is not the final coding",
                        post("Transfer-Encoding: chunked, gzip\r\n", "5\r\nhello\r\n0\r\n\r\n"),
                        refused(400)),
                row(
                        "RFC 9112 6.1",
                        "Transfer-Encoding without chunked",
                        post("Transfer-Encoding: identity\r\n", "5\r\nhello\r\n0\r\n\r\n"),
                        refused(400)),
                row(
                        "RFC 9112 6.1",
                        "chunked with a parameter is not chunked",
                        post("Transfer-Encoding: chunked;zq=1\r\n", "5\r\nhello\r\n0\r\n\r\n"),
                        refused(400)),
                row(
                        "RFC 9112 7",
                        "chunked applied twice in one field",
                        post("Transfer-Encoding: chunked, chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"),
                        refused(400)),
                row(
                        "RFC 9112 7",
                        "chunked applied twice in two fields",
                        post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"),
                        refused(400)),
                row(
                        "RFC 9110 5.6.2",
                        "a transfer-coding that is not a token",
                        post("Transfer-Encoding: chunked\u000b\r\n", "5\r\nhello\r\n0\r\n\r\n"),
                        refused(400)),
                row(
                        "RFC 9112 6.1",
                        "Transfer-Encoding in an HTTP/1.0 request",
                        "POST /p HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        refused(400)),
                row(
                        "RFC 9112 6.1",
                        "Transfer-Encoding with Content-Length",
                        post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n" + SMUGGLED),
                        refused(400)),

                // RFC 9112 6.2: Content-Length = 1*DIGIT
                row("RFC 9112 6.2", "Content-Length", post("Content-Length: 5\r\n", "hello"), forwarded("hello")),
                row(
                        "RFC 9112 6.2",
                        "leading zeros and OWS",
                        post("Content-Length:  005 \r\n", "hello"),
                        forwarded("hello").with("Content-Length", "5")),
                row("RFC 9112 6.2", "a sign", post("Content-Length: +5\r\n", "hello"), refused(400)),
                row("RFC 9112 6.2", "a negative length", post("Content-Length: -1\r\n", ""), refused(400)),
                row("RFC 9112 6.2", "an empty Content-Length", post("Content-Length: \r\n", ""), refused(400)),
                row("RFC 9112 6.2", "a hexadecimal length", post("Content-Length: 0x5\r\n", "hello"), refused(400)),
                row(
                        "RFC 9112 6.2",
                        "SP inside the digits",
                        post("Content-Length: 1 2\r\n", "hello world!"),
                        refused(400)),
                row("RFC 9112 6.3", "a list of equal lengths", post("Content-Length: 5, 5\r\n", "hello"), refused(400)),
                row(
                        "RFC 9112 6.3",
                        "two equal Content-Length fields",
                        post("Content-Length: 5\r\nContent-Length: 5\r\n", "hello"),
                        refused(400)),
                row(
                        "RFC 9112 6.3",
                        "two different Content-Length fields in HTTP/1.0",
                        "POST /p HTTP/1.0\r\nContent-Length: 1\r\nContent-Length: 38\r\n\r\nx" + SMUGGLED,
                        refused(400)),
                row(
                        "RFC 9112 6.2",
                        "a length beyond 64 bits",
                        post("Content-Length: 99999999999999999999\r\n", ""),
                        refused(413)),

                // RFC 9112 6.3: message body length
                row(
                        "RFC 9112 6.3",
                        "a request without Content-Length or Transfer-Encoding has no body",
                        "POST /p HTTP/1.1\r\nHost: h\r\n\r\n",
                        forwarded("").with("Content-Length", "0")),
                row(
                        "RFC 9112 6.3",
                        "a draft WebSocket handshake, whose 8-byte body no field frames",
                        get("Sec-WebSocket-Key1: 1\r\nSec-WebSocket-Key2: 2\r\n") + "12345678",
                        refused(400)),

                // RFC 9112 7.1: chunked-body = *chunk last-chunk trailer-section CRLF
                row(
                        "RFC 9112 7.1",
                        "several chunks",
                        chunked("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
                        forwarded("hello world")),
                row(
                        "RFC 9112 7.1",
                        "chunk-size = 1*HEXDIG, either case, leading zeros",
                        chunked("00A\r\n0123456789\r\nb\r\nabcdefghijk\r\n000\r\n\r\n"),
                        forwarded("0123456789abcdefghijk")),
                row(
                        "RFC 9112 7.1",
                        "whitespace before the chunk-size",
                        chunked(" 5\r\nhello\r\n0\r\n\r\n"),
                        refused(400)),
                row(
                        "RFC 9112 7.1",
                        "whitespace after the chunk-size",
                        chunked("5 \r\nhello\r\n0\r\n\r\n"),
                        refused(400)),
                row("RFC 9112 7.1", "an empty chunk-size", chunked("\r\nhello\r\n0\r\n\r\n"), refused(400)),
                row("RFC 9112 7.1", "a chunk-size with 0x", chunked("0x5\r\nhello\r\n0\r\n\r\n"), refused(400)),
                row("RFC 9112 7.1", "a negative chunk-size", chunked("-5\r\nhello\r\n0\r\n\r\n"), refused(400)),
                row(
                        "RFC 9112 7.1",
                        "a chunk-size beyond 32 bits (read as 5 by a wrapping parser)",
                        chunked("100000005\r\nhello\r\n0\r\n\r\n" + SMUGGLED),
                        refused(413)),
                row(
                        "RFC 9112 7.1",
                        "a chunk-size beyond 64 bits (read as 5 by a wrapping parser)",
                        chunked("10000000000000005\r\nhello\r\n0\r\n\r\n" + SMUGGLED),
                        refused(413)),
                row(
                        "RFC 9112 7.1",
                        "chunk-data longer than its chunk-size",
                        chunked("5\r\nhelloX\r\n0\r\n\r\n"),
                        refused(400)),
                row(
                        "RFC 9112 7.1",
                        "chunk-data shorter than its chunk-size",
                        chunked("5\r\nhell\r\n0\r\n\r\n"),
                        refused(400)),
                row("RFC 9112 7.1", "a bare LF after chunk-data", chunked("5\r\nhello\n0\r\n\r\n"), refused(400)),
                row("RFC 9112 7.1", "a bare LF after the chunk-size", chunked("5\nhello\r\n0\r\n\r\n"), refused(400)),
                row(
                        "RFC 9112 7.1.1",
                        "chunk-ext = *( BWS \";\" BWS chunk-ext-name [ BWS \"=\" BWS chunk-ext-val ] )",
                        chunked("5;a=1;b\r\nhello\r\n6 ; c = \"q;\\\" \" ;d\r\n world\r\n0;e=f\r\n\r\n"),
                        forwarded("hello world")),
                row("RFC 9112 7.1.1", "an empty chunk-ext-name", chunked("5;\r\nhello\r\n0\r\n\r\n"), refused(400)),
                row(
                        "RFC 9112 7.1.1",
                        "a chunk-ext-val that is neither token nor quoted-string",
                        chunked("5;a=b c\r\nhello\r\n0\r\n\r\n"),
                        refused(400)),
                row(
                        "RFC 9112 7.1.1",
                        "an unterminated quoted-string in a chunk-ext",
                        chunked("5;a=\"b\r\nhello\r\n0\r\n\r\n"),
                        refused(400)),
                row(
                        "RFC 9112 7.1.1",
                        "a control character in a chunk-ext",
                        chunked("5;a=\u0001\r\nhello\r\n0\r\n\r\n"),
                        refused(400)),
                row(
                        "RFC 9112 7.1.1",
                        "chunk extensions beyond serai.limits.max-header in one body",
                        chunked(("1;a=" + "x".repeat(1000) + "\r\nz\r\n").repeat(5) + "0\r\n\r\n"),
                        refused(400)),
                row(
                        "RFC 9112 7.1.1",
                        "a chunk-size line longer than serai.limits.max-uri",
                        chunked("1;a=" + "x".repeat(2000) + "\r\nz\r\n0\r\n\r\n"),
                        refused(400)),
                row(
                        "RFC 9112 7.1.2",
                        "a header and trailer section beyond serai.limits.max-header",
                        chunked("1\r\nz\r\n0\r\n" + "X-T: 1234567890\r\n".repeat(300) + "\r\n"),
                        refused(431)),
                row(
                        "RFC 9112 7.1.2",
                        "trailer fields are read and not forwarded",
                        chunked("5\r\nhello\r\n0\r\nX-T: 1\r\nContent-Length: 99\r\n\r\n"),
                        forwarded("hello").with("X-T", null).with("Content-Length", "5")),
                row(
                        "RFC 9112 7.1.2",
                        "a trailer field-name that is not a token",
                        chunked("5\r\nhello\r\n0\r\nX Zq: 1\r\n\r\n"),
                        refused(400)),
                row(
                        "RFC 9112 7.1.2",
                        "NUL in a trailer field-value",
                        chunked("5\r\nhello\r\n0\r\nX-Zq: a\u0000\r\n\r\n"),
                        refused(400)),
                row(
                        "RFC 9112 7.1.2",
                        "a bare LF in the trailer section",
                        chunked("5\r\nhello\r\n0\r\nX-T: 1\n\r\n"),
                        refused(400)),
                row(
                        "RFC 9112 7.1.2",
                        "whitespace before the first trailer field",
                        chunked("5\r\nhello\r\n0\r\n X-Zq: 1\r\n\r\n"),
                        refused(400)),

                // RFC 9110 10.1.1: a refused expectation never turns the body into the next request
                row(
                        "RFC 9110 10.1.1",
                        "Expect: 100-continue with a body over the limit, sent anyway",
                        post("Expect: 100-continue\r\nContent-Length: 2000000\r\n", SMUGGLED),
                        refused(413)),
                row(
                        "RFC 9110 10.1.1",
                        "an unknown expectation, with the body sent anyway",
                        post("Expect: zq\r\nContent-Length: " + SMUGGLED.length() + "\r\n", SMUGGLED),
                        refused(417)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachRuleOfTheRequestGrammarIsFollowedExactly(Row row) throws Exception {
        String raw = row.raw().replace("{port}", String.valueOf(serai.port()));
        int before = backend.requests().size();
        try (RawHttp c = RawHttp.connect(serai.port())) {
            RawResponse r = c.send(raw).read();
            if (row.outcome() instanceof Refused refused) {
                assertEquals(refused.status(), r.status(), r.bodyText());
                assertRefusalInSeraisWords(r);
                assertTrue(c.closedWithin(2000), "connection left open after a refusal");
                assertEquals(before, backend.requests().size(), "reached the backend");
            } else {
                Forwarded forwarded = (Forwarded) row.outcome();
                assertEquals(200, r.status(), r.bodyText());
                backend.awaitRequests(before + 1, Duration.ofSeconds(5));
                RecordedRequest seen = backend.requests().get(before);
                assertForwardedAsExpected(forwarded, raw, seen);
                if (!"close".equalsIgnoreCase(r.header("Connection"))) {
                    // The next request starts where the client meant it to: nothing was hidden in between.
                    RawResponse next = c.send("GET /next HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n")
                            .read();
                    assertEquals(200, next.status());
                    assertEquals(before + 2, backend.requests().size());
                    assertEquals("/next", backend.requests().get(before + 1).target());
                } else {
                    assertEquals(before + 1, backend.requests().size());
                }
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void theGrammarFindsTheNextRequestWhereverTheBytesAreSplit(Row row) {
        // A request the grammar lets through is followed by one it must refuse for its own reason: the
        // grammar found where the next request starts. TCP may cut the bytes anywhere; the verdict holds.
        String next = "GET /next HTTP/1.1\r\nHost: h\r\nX-A: \u0001\r\n\r\n";
        String raw = row.raw().replace("{port}", "8080");
        RequestGrammar alone = new RequestGrammar(4096);
        boolean accepted = alone.accepts(buffer(raw.getBytes(StandardCharsets.ISO_8859_1), 0, raw.length()));
        if (row.outcome() instanceof Forwarded) {
            assertTrue(accepted && alone.betweenRequests(), "a forwarded request ends where its bytes end");
        }
        accepted &= alone.betweenRequests(); // an Expect row declares a body it does not send
        byte[] bytes = (accepted ? raw + next : raw).getBytes(StandardCharsets.ISO_8859_1);
        String expected = accepted
                ? "a control character in a field value"
                : alone.violation() == null ? null : alone.violation().getMessage();
        assertEquals(expected, verdict(bytes, bytes.length), "whole");
        for (int piece = 2; piece < bytes.length; piece++) {
            assertEquals(expected, verdict(bytes, piece), "in pieces of " + piece);
        }
        assertEquals(expected, verdict(bytes, 1), "one byte at a time");
    }

    /** The grammar's refusal of {@code bytes} read in pieces of {@code piece} bytes, or null. */
    private static String verdict(byte[] bytes, int piece) {
        RequestGrammar grammar = new RequestGrammar(4096);
        for (int i = 0; i < bytes.length; i += piece) {
            if (!grammar.accepts(buffer(bytes, i, Math.min(piece, bytes.length - i)))) {
                return grammar.violation().getMessage();
            }
        }
        return null;
    }

    private static ByteBuf buffer(byte[] bytes, int from, int length) {
        return Unpooled.wrappedBuffer(bytes, from, length);
    }

    private static void assertForwardedAsExpected(Forwarded expected, String raw, RecordedRequest seen) {
        assertEquals(raw.substring(0, raw.indexOf(' ')).trim(), seen.method(), "the method as sent");
        assertEquals(expected.body(), seen.bodyText());
        assertNull(seen.header("Transfer-Encoding"), "a body is re-framed with Content-Length");
        if (!expected.body().isEmpty()) {
            assertEquals(String.valueOf(expected.body().length()), seen.header("Content-Length"));
        }
        expected.fields().forEach((name, value) -> assertEquals(value, seen.header(name), name));
    }

    private static void assertRefusalInSeraisWords(RawResponse r) {
        String body = r.bodyText();
        assertTrue(body.isEmpty() || body.startsWith(r.status() + " "), body);
        assertTrue(body.length() < 200, body);
        assertFalse(body.toLowerCase(Locale.ROOT).contains(MARK), "client text echoed: " + body);
        assertFalse(body.contains("Exception"), body);
    }
}

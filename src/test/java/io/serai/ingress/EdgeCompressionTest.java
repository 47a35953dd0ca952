package io.serai.ingress;

import com.aayushatharva.brotli4j.Brotli4jLoader;
import com.aayushatharva.brotli4j.decoder.Decoder;
import com.aayushatharva.brotli4j.decoder.DecoderJNI;
import com.aayushatharva.brotli4j.decoder.DirectDecompress;
import io.serai.support.Behaviour;
import io.serai.support.Behaviours;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.StartFailure;
import io.serai.support.TestBackend;
import io.serai.support.WebSocketBackend;
import io.serai.support.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compression at the edge (a listener with Camel's compression=true) as a client and a real backend see
 * it: what is compressed, with which coding, what is left alone, Vary and ETag, streaming, aggregation,
 * the cache behind it, request bodies, HTTP/2 and interim responses. One Serai, one backend, a path each.
 */
@Timeout(30)
class EdgeCompressionTest {

    private static final String ROUTES = """
            - route:
                id: compressed
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true&compression=true"
                  steps:
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: plain
                from:
                  uri: "netty-http:http://127.0.0.1:{{plain.port}}/?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: cached
                from:
                  uri: "netty-http:http://127.0.0.1:{{cached.port}}/?matchOnUriPrefix=true&compression=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            - route:
                id: merged
                from:
                  uri: "netty-http:http://127.0.0.1:{{merged.port}}/profile?compression=true"
                  steps:
                    - multicast:
                        parallelProcessing: true
                        aggregationStrategy: jsonMerge
                        steps:
                          - to: "netty-http:http://{{backend.1}}/json/big?group=user"
                          - to: "netty-http:http://{{backend.1}}/json/svg?group=picture"
            - route:
                id: websocket
                from:
                  uri: "netty-http:http://127.0.0.1:{{ws.port}}/ws?matchOnUriPrefix=true&webSocket=true&compression=true"
                  steps:
                    - to: "netty-http:http://{{echo}}"
            """;

    private static final byte[] BIG = json(16 * 1024);
    private static final byte[] SMALL = json(600);
    private static final int STREAMED = 8 * 1024 * 1024;

    @TempDir
    static Path dir;

    private static TestBackend backend;
    private static RunningSerai serai;
    private static int plainPort;
    private static int cachedPort;
    private static int mergedPort;
    private static int wsPort;
    private static WebSocketBackend echo;
    private static final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();
    private static final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @BeforeAll
    static void start() throws Exception {
        Brotli4jLoader.ensureAvailability();
        Map<String, Behaviour> paths = new LinkedHashMap<>();
        paths.put(
                "/json/big", answer(200, BIG, "Content-Type", "application/json", "ETag", "\"v1\"", "Vary", "Origin"));
        paths.put("/json/small", answer(200, SMALL, "Content-Type", "application/json"));
        paths.put(
                "/json/svg",
                answer(
                        200,
                        "{\"svg\":\"<svg/>\"}".getBytes(StandardCharsets.UTF_8),
                        "Content-Type",
                        "application/json"));
        paths.put("/svg", answer(200, BIG, "Content-Type", "image/svg+xml"));
        paths.put("/problem", answer(404, BIG, "Content-Type", "application/problem+json; charset=utf-8"));
        paths.put("/text", answer(200, BIG, "Content-Type", "text/html; charset=utf-8", "ETag", "W/\"w1\""));
        paths.put("/octets", answer(200, BIG, "Content-Type", "application/octet-stream"));
        paths.put("/untyped", answer(200, BIG));
        paths.put("/identity", answer(200, BIG, "Content-Type", "application/json", "Content-Encoding", "identity"));
        paths.put(
                "/encoded",
                answer(
                        200,
                        gzip(BIG),
                        "Content-Type",
                        "application/json",
                        "Content-Encoding",
                        "gzip",
                        "Vary",
                        "accept-encoding"));
        paths.put(
                "/no-transform",
                answer(200, BIG, "Content-Type", "application/json", "Cache-Control", "public, no-transform"));
        paths.put(
                "/partial",
                answer(
                        206,
                        Arrays.copyOf(BIG, 2000),
                        "Content-Type",
                        "application/json",
                        "Content-Range",
                        "bytes 0-1999/16384"));
        paths.put("/vary-star", answer(200, BIG, "Content-Type", "application/json", "Vary", "*"));
        paths.put("/cached", answer(200, BIG, "Content-Type", "application/json", "Cache-Control", "max-age=60"));
        paths.put("/events", chunked("text/event-stream", List.of("data: one\n\n", "data: two\n\n")));
        paths.put("/streamed", streamedJson());
        paths.put("/upload", answer(200, SMALL, "Content-Type", "application/json"));
        paths.put("/early-hints", (request, socket, out, name) -> {
            out.write(("HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Behaviours.write(out, request, 200, Map.of("Content-Type", "application/json"), BIG);
            return true;
        });
        backend = TestBackend.start("compressing").respondWith((request, socket, out, name) -> {
            String path = request.target().split("\\?")[0];
            counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
            Behaviour behaviour = paths.get(path);
            if (behaviour == null) {
                Behaviours.write(out, request, 404, Map.of(), new byte[0]);
                return true;
            }
            return behaviour.answer(request, socket, out, name);
        });
        echo = WebSocketBackend.start();
        int[] ports = RunningSerai.freePorts(4);
        wsPort = ports[3];
        plainPort = ports[0];
        cachedPort = ports[1];
        mergedPort = ports[2];
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("plain.port", plainPort)
                .property("cached.port", cachedPort)
                .property("merged.port", mergedPort)
                .property("ws.port", wsPort)
                .property("echo", echo.hostPort())
                .property("serai.client.header-timeout", "700ms")
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
        echo.close();
    }

    /** The coding a client gets for its Accept-Encoding (RFC 9110 section 12.5.3: q-values, q=0, *). */
    @ParameterizedTest(name = "Accept-Encoding \"{0}\" gets {1}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            gzip                       | gzip
            br                         | br
            gzip, deflate, br          | br
            br;q=0.5, gzip             | gzip
            br;q=0, gzip               | gzip
            br;q=, gzip                | gzip
            br;q=high, gzip            | gzip
            GZIP;Q=0.8, br;q=0.7       | gzip
            x-gzip                     | gzip
            *                          | br
            gzip;q=0, *                | br
            br;q=0, gzip;q=0, *;q=1    | -
            identity                   | -
            deflate                    | -
            -                          | -
            """)
    void theClientsPreferredCodingIsUsed(String acceptEncoding, String expected) throws Exception {
        HttpResponse<byte[]> response = get(serai.port(), "/json/big", acceptEncoding);
        assertEquals(200, response.statusCode());
        assertEquals(expected, response.headers().firstValue("Content-Encoding").orElse(null));
        assertArrayEquals(BIG, decode(response));
        // Compressed or not, a cache behind must keep the variants apart.
        assertEquals(
                "Origin, Accept-Encoding", String.join(", ", response.headers().allValues("Vary")));
        assertEquals(
                expected == null ? "\"v1\"" : "W/\"v1\"",
                response.headers().firstValue("ETag").orElseThrow());
    }

    /** What is compressed (by type, size and status) and what is left as the backend sent it. */
    @ParameterizedTest(name = "{0}: compressed {1}, Vary {2}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            /svg           | true  | Accept-Encoding
            /problem       | true  | Accept-Encoding
            /text          | true  | Accept-Encoding
            /identity      | true  | Accept-Encoding
            /json/small    | false | -
            /octets        | false | -
            /untyped       | false | -
            /no-transform  | false | -
            /partial       | false | -
            /vary-star     | true  | *
            """)
    void onlyCompressibleBodiesAreCompressed(String path, boolean compressed, String vary) throws Exception {
        HttpResponse<byte[]> response = get(serai.port(), path, "gzip");
        assertEquals(
                compressed ? "gzip" : null,
                response.headers().firstValue("Content-Encoding").orElse(null));
        assertEquals(vary, response.headers().firstValue("Vary").orElse(null));
        byte[] body = decode(response);
        assertEquals(
                path.equals("/partial") ? 2000 : path.equals("/json/small") ? SMALL.length : BIG.length, body.length);
    }

    @Test
    void aRequestWithNoTransformGetsTheBackendsBytesAndTheBackendItsAcceptEncoding() throws Exception {
        HttpResponse<byte[]> response = client.send(
                request(serai.port(), "/json/big?no-transform", "gzip")
                        .header("Cache-Control", "no-transform")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertNull(response.headers().firstValue("Content-Encoding").orElse(null));
        assertArrayEquals(BIG, response.body());
        RecordedRequest received = backend.requests().stream()
                .filter(r -> r.target().equals("/json/big?no-transform"))
                .reduce((a, b) -> b)
                .orElseThrow();
        assertEquals("gzip", received.header("Accept-Encoding"));
        // The next request on the connection is compressed again as it asks.
        assertEquals(
                "gzip",
                get(serai.port(), "/json/big", "gzip")
                        .headers()
                        .firstValue("Content-Encoding")
                        .orElse(null));
    }

    @Test
    void aWeakEtagStaysWeak() throws Exception {
        HttpResponse<byte[]> response = get(serai.port(), "/text", "br");
        assertEquals("br", response.headers().firstValue("Content-Encoding").orElseThrow());
        assertEquals("W/\"w1\"", response.headers().firstValue("ETag").orElseThrow());
    }

    @Test
    void aBodyTheBackendEncodedPassesUntouchedWithOneVary() throws Exception {
        HttpResponse<byte[]> response = get(serai.port(), "/encoded", "br, gzip");
        assertEquals("gzip", response.headers().firstValue("Content-Encoding").orElseThrow());
        assertEquals(List.of("accept-encoding"), response.headers().allValues("Vary"));
        assertArrayEquals(gzip(BIG), response.body());
    }

    @Test
    void aListenerWithoutTheOptionDoesNotCompress() throws Exception {
        HttpResponse<byte[]> response = get(plainPort, "/json/big", "gzip, br");
        assertNull(response.headers().firstValue("Content-Encoding").orElse(null));
        assertEquals("Origin", response.headers().firstValue("Vary").orElseThrow());
        assertArrayEquals(BIG, response.body());
    }

    @Test
    void aHeadAnswerIsLeftAsTheBackendSentIt() throws Exception {
        HttpResponse<byte[]> response = client.send(
                request(serai.port(), "/json/big", "gzip")
                        .method("HEAD", HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertNull(response.headers().firstValue("Content-Encoding").orElse(null));
        assertEquals(
                String.valueOf(BIG.length),
                response.headers().firstValue("Content-Length").orElseThrow());
    }

    @Test
    void anEventStreamIsNeverCompressed() throws Exception {
        HttpResponse<byte[]> response = get(serai.port(), "/events", "gzip, br");
        assertNull(response.headers().firstValue("Content-Encoding").orElse(null));
        assertEquals("data: one\n\ndata: two\n\n", new String(response.body(), StandardCharsets.UTF_8));
    }

    @Test
    void aLargeStreamedBodyIsCompressedChunkByChunkAndArrivesWhole() throws Exception {
        HttpResponse<InputStream> response = client.send(
                request(serai.port(), "/streamed", "gzip").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals("gzip", response.headers().firstValue("Content-Encoding").orElseThrow());
        assertTrue(response.headers().firstValue("Content-Length").isEmpty());
        byte[] body;
        try (InputStream in = new GZIPInputStream(response.body())) {
            body = in.readAllBytes();
        }
        assertArrayEquals(jsonLines(STREAMED), body);
    }

    @Test
    void theMergedJsonOfAnAggregationIsCompressed() throws Exception {
        HttpResponse<byte[]> response = get(mergedPort, "/profile", "br");
        assertEquals(200, response.statusCode());
        assertEquals("br", response.headers().firstValue("Content-Encoding").orElseThrow());
        String merged = new String(decode(response), StandardCharsets.UTF_8);
        assertTrue(merged.startsWith("{\"user\":{\"items\":[0,{"), merged.substring(0, 40));
        assertTrue(merged.contains("\"picture\":{\"svg\":\"<svg/>\"}"));
        response.headers()
                .firstValue("Content-Length")
                .ifPresent(length -> assertEquals(String.valueOf(response.body().length), length));
    }

    @Test
    void theCacheKeepsTheBackendsBodyAndEachHitIsCompressedForItsClient() throws Exception {
        HttpResponse<byte[]> first = get(cachedPort, "/cached", "gzip");
        HttpResponse<byte[]> second = get(cachedPort, "/cached", "br");
        HttpResponse<byte[]> third = get(cachedPort, "/cached", null);
        assertEquals(1, counts.get("/cached").get());
        assertEquals("gzip", first.headers().firstValue("Content-Encoding").orElseThrow());
        assertEquals("br", second.headers().firstValue("Content-Encoding").orElseThrow());
        assertNull(third.headers().firstValue("Content-Encoding").orElse(null));
        assertTrue(third.headers().firstValue("Cache-Status").orElseThrow().contains("hit"));
        assertArrayEquals(BIG, decode(first));
        assertArrayEquals(BIG, decode(second));
        assertArrayEquals(BIG, third.body());
    }

    @Test
    void aGzippedRequestBodyReachesTheBackendUntouched() throws Exception {
        byte[] sent = gzip(BIG);
        HttpResponse<byte[]> response = client.send(
                request(serai.port(), "/upload", "gzip")
                        .header("Content-Type", "application/json")
                        .header("Content-Encoding", "gzip")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(sent))
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        RecordedRequest received = backend.requests().stream()
                .filter(r -> r.target().equals("/upload"))
                .reduce((a, b) -> b)
                .orElseThrow();
        assertEquals("gzip", received.header("Content-Encoding"));
        assertArrayEquals(sent, received.body());
    }

    @Test
    void anHttp2ClientGetsACompressedBody() throws Exception {
        Path headers = dir.resolve("h2-headers.txt");
        Path body = dir.resolve("h2-body.bin");
        Process curl = new ProcessBuilder(
                        "curl",
                        "-sS",
                        "--max-time",
                        "10",
                        "--http2-prior-knowledge",
                        "-H",
                        "Accept-Encoding: br",
                        "-D",
                        headers.toString(),
                        "-o",
                        body.toString(),
                        serai.url("/json/big"))
                .redirectErrorStream(true)
                .start();
        String output = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(15, TimeUnit.SECONDS), "curl did not finish");
        assertEquals(0, curl.exitValue(), output);
        String head = Files.readString(headers).toLowerCase();
        assertTrue(head.startsWith("http/2 200"), head);
        assertTrue(head.contains("content-encoding: br"), head);
        assertArrayEquals(BIG, brotli(Files.readAllBytes(body)));
    }

    /**
     * A 103 before the final answer must not take the place of a request's Accept-Encoding: the 200 after
     * it, and the next answer on the connection, are compressed as their requests asked. Forwarding the 103
     * to the client is the interim part of issue 24; without it Serai drops the 103 and the client sees the
     * 200 alone, which is checked the same way.
     */
    @Test
    void anInterimResponseDoesNotDisturbTheCodingOfTheFinalOnes() throws Exception {
        try (RawHttp connection = RawHttp.connect(serai.port())) {
            connection.send("GET /early-hints HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n");
            RawResponse first = connection.read();
            while (first.status() < 200) {
                assertEquals(103, first.status());
                first = connection.read();
            }
            assertEquals(200, first.status());
            assertEquals("gzip", first.header("Content-Encoding"));
            assertArrayEquals(BIG, gunzip(first.body()));
            connection.send("GET /json/big HTTP/1.1\r\nHost: a\r\nAccept-Encoding: br\r\n\r\n");
            RawResponse second = connection.read();
            assertEquals("br", second.header("Content-Encoding"));
            assertArrayEquals(BIG, brotli(second.body()));
        }
    }

    /**
     * Netty leaves an HTTP/1.0 answer alone by the response's version, but Serai writes every response as
     * HTTP/1.1 and frames it for the client itself: an HTTP/1.0 client, which cannot read chunked framing,
     * gets the backend's bytes as they are, a streamed body delimited by the close and a whole one by its
     * Content-Length.
     */
    @ParameterizedTest(name = "HTTP/1.0 GET {0}")
    @CsvSource({"/streamed, false", "/json/big, true"})
    void anHttp10ClientGetsTheIdentityBodyWithoutChunkedFraming(String path, boolean whole) throws Exception {
        try (RawHttp connection = RawHttp.connect(serai.port())) {
            connection.send("GET " + path + " HTTP/1.0\r\nHost: a\r\nAccept-Encoding: gzip, br\r\n\r\n");
            RawResponse response = connection.read();
            assertEquals(200, response.status());
            assertNull(response.header("Transfer-Encoding"));
            assertNull(response.header("Content-Encoding"));
            byte[] expected = whole ? BIG : jsonLines(STREAMED);
            assertArrayEquals(expected, response.body());
            if (whole) {
                assertEquals(String.valueOf(BIG.length), response.header("Content-Length"));
            } else {
                assertNull(response.header("Content-Length"), "the close ends the body");
            }
            assertTrue(connection.closedWithin(2000), "an HTTP/1.0 connection without keep-alive is closed");
        }
    }

    /** Serai's own answers on a compressing listener: the header timeout's 408, 417 and 100 Continue. */
    @Test
    void aHeaderTimeoutOnACompressingListenerGetsIts408() throws Exception {
        try (RawHttp connection = RawHttp.connect(serai.port())) {
            connection.send("GET /json/big HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n");
            RawResponse response = connection.read();
            assertEquals(408, response.status());
            assertNull(response.header("Content-Encoding"));
            assertTrue(connection.closedWithin(2000));
        }
    }

    @Test
    void aRefusedExpectationAndAContinueOnACompressingListenerAreAnsweredAsUsual() throws Exception {
        RawResponse refused = RawHttp.exchange(
                serai.port(),
                "POST /upload HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\nExpect: x-other\r\n"
                        + "Content-Length: 2\r\n\r\n{}");
        assertEquals(417, refused.status());
        try (RawHttp connection = RawHttp.connect(serai.port())) {
            connection.send("POST /upload HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n"
                    + "Expect: 100-continue\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n");
            assertEquals(100, connection.read().status());
            connection.send("{}");
            RawResponse response = connection.read();
            assertEquals(200, response.status());
            assertArrayEquals(SMALL, response.body(), "600 bytes: under the minimum size, sent as they are");
        }
    }

    @Test
    void aWebSocketUpgradePassesAndItsFramesAreLeftAlone() throws Exception {
        try (WebSocketClient ws = WebSocketClient.open(
                URI.create("ws://127.0.0.1:" + wsPort + "/ws/chat"), Map.of("Accept-Encoding", "gzip, br"))) {
            String text = new String(BIG, StandardCharsets.UTF_8);
            ws.sendText(text);
            assertEquals(text, ws.next(Duration.ofSeconds(5)));
        }
    }

    @Test
    void routesOnOneAddressThatDisagreeOnCompressionDoNotStart(@TempDir Path other) {
        String messages = StartFailure.messages("""
                - route:
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/a?compression=true"
                      steps:
                        - to: "netty-http:http://127.0.0.1:9"
                - route:
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/b"
                      steps:
                        - to: "netty-http:http://127.0.0.1:9"
                """, other);
        assertTrue(messages.contains("netty-http option compression applies to a listening address"), messages);
    }

    private static HttpResponse<byte[]> get(int port, String path, String acceptEncoding) throws Exception {
        return client.send(request(port, path, acceptEncoding).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest.Builder request(int port, String path, String acceptEncoding) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        return acceptEncoding == null ? b : b.header("Accept-Encoding", acceptEncoding);
    }

    private static byte[] decode(HttpResponse<byte[]> response) throws IOException {
        String coding = response.headers().firstValue("Content-Encoding").orElse("identity");
        return switch (coding) {
            case "gzip" -> gunzip(response.body());
            case "br" -> brotli(response.body());
            default -> response.body();
        };
    }

    private static byte[] gunzip(byte[] body) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        }
    }

    private static byte[] brotli(byte[] body) throws IOException {
        DirectDecompress result = Decoder.decompress(body);
        assertEquals(DecoderJNI.Status.DONE, result.getResultStatus());
        return result.getDecompressedData();
    }

    private static byte[] gzip(byte[] body) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream g = new GZIPOutputStream(out)) {
                g.write(body);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JSON document of exactly {@code size} bytes, as an API answers a page of items. */
    private static byte[] json(int size) {
        StringBuilder s = new StringBuilder("{\"items\":[0");
        for (int i = 0; s.length() < size - 80; i++) {
            s.append(",{\"id\":")
                    .append(i * 7919 % 100003)
                    .append(",\"name\":\"item ")
                    .append(i)
                    .append("\",\"price\":")
                    .append(i % 97)
                    .append(".5}");
        }
        s.append("]}");
        return (s + " ".repeat(size - s.length())).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code size} bytes of JSON lines, the same each time. */
    private static byte[] jsonLines(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        for (int i = 0; out.size() < size; i++) {
            out.writeBytes(("{\"n\":" + i + ",\"text\":\"line " + (i * 31 % 1009) + " of the stream\"}\n")
                    .getBytes(StandardCharsets.UTF_8));
        }
        return Arrays.copyOf(out.toByteArray(), size);
    }

    private static Behaviour answer(int status, byte[] body, String... fields) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 0; i + 1 < fields.length; i += 2) {
            headers.put(fields[i], fields[i + 1]);
        }
        return (request, socket, out, name) -> {
            Behaviours.write(out, request, status, headers, body);
            return true;
        };
    }

    private static Behaviour chunked(String type, List<String> chunks) {
        return (request, socket, out, name) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: " + type + "\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            for (String c : chunks) {
                writeChunk(out, c.getBytes(StandardCharsets.UTF_8), 0, c.length());
                out.flush();
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        };
    }

    /** {@link #STREAMED} bytes of JSON lines in 64 KiB chunks, without Content-Length. */
    private static Behaviour streamedJson() {
        byte[] body = jsonLines(STREAMED);
        return (request, socket, out, name) -> {
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            for (int at = 0; at < body.length; at += 65536) {
                writeChunk(out, body, at, Math.min(65536, body.length - at));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        };
    }

    private static void writeChunk(OutputStream out, byte[] bytes, int from, int length) throws IOException {
        out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes, from, length);
        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
    }
}

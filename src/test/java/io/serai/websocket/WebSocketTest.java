package io.serai.websocket;

import com.fasterxml.jackson.databind.JsonNode;
import io.serai.metrics.SeraiMeters;
import io.serai.support.AccessLogLines;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RecordedRequest;
import io.serai.support.RunningSerai;
import io.serai.support.ScriptedUpgradeBackend;
import io.serai.support.SlowClients;
import io.serai.support.WebSocketBackend;
import io.serai.support.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WebSockets through Serai with real sockets: the JDK's WebSocket client, Netty's WebSocket echo server
 * behind Serai, and a scripted backend for the answers a real server would not give.
 */
@Timeout(60)
class WebSocketTest {

    private static final String ROUTES = """
            - beans:
                - name: chatKeys
                  type: "#class:io.serai.security.ApiKeyCheck"
                  properties:
                    keys: "chat:k-123"
            - route:
                id: ws
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/ws?matchOnUriPrefix=true&webSocket=true"
                  steps:
                    - to: "netty-http:http://{{echo}}"
            - route:
                id: metered
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/metered?matchOnUriPrefix=true&webSocket=true"
                  steps:
                    - to: "netty-http:http://{{echo}}"
            - route:
                id: plain
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/plain?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{echo}}"
            - route:
                id: guarded
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/guarded?matchOnUriPrefix=true&webSocket=true"
                  steps:
                    - process:
                        ref: chatKeys
                    - to: "netty-http:http://{{echo}}"
            - route:
                id: scripted
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/scripted?matchOnUriPrefix=true&webSocket=true"
                  steps:
                    - to: "netty-http:http://{{scripted}}/scripted"
            - route:
                id: cached
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/cached?matchOnUriPrefix=true&webSocket=true"
                  steps:
                    - policy:
                        ref: httpCache
                        steps:
                          - to: "netty-http:http://{{scripted}}/cached"
            - route:
                id: rogue
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/rogue?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{scripted}}/rogue"
            """;

    private static final String GREETING = "hello from the backend";

    @TempDir
    static Path dir;

    static WebSocketBackend echo;
    static ScriptedUpgradeBackend scripted;
    static RunningSerai serai;
    static Path accessLog;

    @BeforeAll
    static void start() throws Exception {
        echo = WebSocketBackend.start();
        scripted = ScriptedUpgradeBackend.start(WebSocketTest::scriptedAnswer);
        accessLog = dir.resolve("access.log");
        serai = RunningSerai.routes(ROUTES)
                .property("echo", echo.hostPort())
                .property("scripted", scripted.hostPort())
                .property("serai.access-log", accessLog.toString())
                .start(dir);
    }

    /** /scripted: a 101 with a first frame in the same write; /scripted/h2c: a 101 to h2c; /rogue: a 101 anyway; /scripted/refuse: 403. */
    private static byte[] scriptedAnswer(RecordedRequest request) {
        String target = request.target();
        if (target.startsWith("/scripted/h2c")) {
            return "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII);
        }
        if (target.startsWith("/scripted/refuse")) {
            return "HTTP/1.1 403 Forbidden\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno"
                    .getBytes(StandardCharsets.US_ASCII);
        }
        if (target.startsWith("/cached") && request.header("Upgrade") == null) {
            return "HTTP/1.1 200 OK\r\nCache-Control: max-age=600\r\nContent-Length: 6\r\nConnection: close\r\n\r\ncached"
                    .getBytes(StandardCharsets.US_ASCII);
        }
        if (target.startsWith("/rogue")) {
            return ScriptedUpgradeBackend.switchingToWebSocket(request, new byte[0]);
        }
        return ScriptedUpgradeBackend.switchingToWebSocket(request, ScriptedUpgradeBackend.textFrame(GREETING));
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        echo.close();
        scripted.close();
    }

    private static URI ws(String path) {
        return URI.create("ws://127.0.0.1:" + serai.port() + path);
    }

    private static String handshake(String target, String upgrade, String extraHeaders) {
        return "GET " + target + " HTTP/1.1\r\nHost: h\r\nUpgrade: " + upgrade + "\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n" + extraHeaders
                + "\r\n";
    }

    @Test
    void textAndBinaryMessagesEchoBothWaysThroughSerai() throws Exception {
        try (WebSocketClient client = WebSocketClient.open(ws("/ws/chat"))) {
            client.sendText("hello");
            assertEquals("hello", client.next(Duration.ofSeconds(5)));
            byte[] binary = {0, 1, 2, (byte) 0xff, '\r', '\n'};
            client.sendBinary(binary);
            assertArrayEquals(binary, (byte[]) client.next(Duration.ofSeconds(5)));
            client.sendText("second");
            assertEquals("second", client.next(Duration.ofSeconds(5)));
        }
        RecordedRequest handshake = echo.requests().get(echo.requests().size() - 1);
        assertEquals("websocket", handshake.header("Upgrade"));
        assertEquals("upgrade", handshake.header("Connection").toLowerCase());
        assertNotNull(handshake.header("Sec-WebSocket-Key"));
        assertEquals("127.0.0.1", handshake.header("X-Forwarded-For"), "the handshake is proxied as any request");
    }

    @Test
    void aMessageOfSeveralMebibytesPassesWholeBothWays() throws Exception {
        byte[] large = new byte[8 << 20];
        new Random(19).nextBytes(large);
        try (WebSocketClient client = WebSocketClient.open(ws("/ws/large"))) {
            client.sendBinary(large);
            assertArrayEquals(large, (byte[]) client.next(Duration.ofSeconds(30)));
        }
    }

    @Test
    void aFirstFrameTheBackendSendsWithIts101ReachesTheClient() throws Exception {
        try (WebSocketClient client = WebSocketClient.open(ws("/scripted/greeting"))) {
            assertEquals(GREETING, client.next(Duration.ofSeconds(5)));
        }
    }

    @Test
    void theHttpCacheNeverAnswersAHandshakeFromItsStore() throws Exception {
        // The same Host as the WebSocket client's, so that the handshake's cache key is the stored one.
        String get = "GET /cached/page HTTP/1.1\r\nHost: 127.0.0.1:" + serai.port() + "\r\n\r\n";
        assertEquals("cached", RawHttp.exchange(serai.port(), get).bodyText());
        RawResponse hit = RawHttp.exchange(serai.port(), get);
        assertTrue(hit.header("Cache-Status").contains("hit"), hit.header("Cache-Status"));
        try (WebSocketClient client = WebSocketClient.open(ws("/cached/page"))) {
            assertEquals(GREETING, client.next(Duration.ofSeconds(5)));
        }
    }

    @Test
    void anAccessCheckRefusesAHandshakeWithoutCredentialsBeforeItReachesTheBackend() throws Exception {
        int before = echo.requests().size();
        RawResponse refused = RawHttp.exchange(serai.port(), handshake("/guarded/chat", "websocket", ""));
        assertEquals(401, refused.status());
        CompletionException failed =
                assertThrows(CompletionException.class, () -> WebSocketClient.open(ws("/guarded/chat")));
        assertTrue(failed.getCause() instanceof java.net.http.WebSocketHandshakeException, failed.toString());
        assertEquals(before, echo.requests().size(), "a refused handshake reached the backend");

        try (WebSocketClient client = WebSocketClient.open(ws("/guarded/chat"), Map.of("X-Api-Key", "k-123"))) {
            client.sendText("let in");
            assertEquals("let in", client.next(Duration.ofSeconds(5)));
        }
    }

    @Test
    void aRouteWithoutTheOptionStripsUpgradeSoTheBackendSeesAPlainRequest() throws Exception {
        RawResponse answer = RawHttp.exchange(serai.port(), handshake("/plain/chat", "websocket", ""));
        assertEquals(200, answer.status(), "the client gets the backend's plain answer, not a 101");
        assertEquals("plain", answer.bodyText());
        RecordedRequest seen = echo.requests().get(echo.requests().size() - 1);
        assertEquals("/chat", seen.target());
        assertNull(seen.header("Upgrade"));
        assertFalse(String.valueOf(seen.header("Connection")).toLowerCase().contains("upgrade"));
    }

    @Test
    void h2cIsNeverAskedForEvenOnARouteThatTakesWebSockets() throws Exception {
        RawResponse answer = RawHttp.exchange(
                serai.port(), handshake("/ws/h2c", "h2c", "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n"));
        assertEquals(200, answer.status());
        RecordedRequest seen = echo.requests().get(echo.requests().size() - 1);
        assertEquals("/h2c", seen.target());
        assertNull(seen.header("Upgrade"));

        // A client that lists both gets WebSocket alone asked for.
        try (RawHttp raw = RawHttp.connect(serai.port())) {
            RawResponse switched =
                    raw.send(handshake("/ws/both", "h2c, websocket", "")).read();
            assertEquals(101, switched.status());
            assertEquals("websocket", switched.header("Upgrade"));
        }
        assertEquals(
                "websocket", echo.requests().get(echo.requests().size() - 1).header("Upgrade"));
    }

    @Test
    void aBackendThatSwitchesToAnotherProtocolOrUnaskedIsABadGateway() throws Exception {
        RawResponse h2c = RawHttp.exchange(serai.port(), handshake("/scripted/h2c", "websocket", ""));
        assertEquals(502, h2c.status());
        assertTrue(h2c.bodyText().contains("switched to a protocol other than websocket"), h2c.bodyText());

        RawResponse unasked = RawHttp.exchange(serai.port(), handshake("/rogue/chat", "websocket", ""));
        assertEquals(502, unasked.status());
        assertTrue(unasked.bodyText().contains("switched protocols without being asked to"), unasked.bodyText());
    }

    @Test
    void aBackendThatRefusesTheUpgradeIsAnsweredAsUsualAndTheConnectionStaysHttp() throws Exception {
        try (RawHttp raw = RawHttp.connect(serai.port())) {
            RawResponse refused =
                    raw.send(handshake("/scripted/refuse", "websocket", "")).read();
            assertEquals(403, refused.status());
            assertEquals("no", refused.bodyText());
            RawResponse next =
                    raw.send("GET /plain/after HTTP/1.1\r\nHost: h\r\n\r\n").read();
            assertEquals(200, next.status());
            assertEquals("plain", next.bodyText());
        }
    }

    @Test
    void eitherSideClosingClosesTheOther() throws Exception {
        try (WebSocketClient client = WebSocketClient.open(ws("/ws/backend-closes"))) {
            client.sendText("close");
            String how = client.closed().get(5, TimeUnit.SECONDS);
            assertNotNull(how);
        }

        WebSocketClient leaving = WebSocketClient.open(ws("/ws/client-leaves"));
        leaving.sendText("here");
        assertEquals("here", leaving.next(Duration.ofSeconds(5)));
        int open = echo.openConnections();
        assertTrue(open >= 1);
        leaving.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> echo.openConnections() < open);
    }

    @Test
    void theConnectionsGaugeRisesAndFallsAndBytesAreCountedEachWay() throws Exception {
        SeraiMeters meters = SeraiMeters.of(serai.context());
        WebSocketClient client = WebSocketClient.open(ws("/metered/x"));
        client.sendText("12345");
        assertEquals("12345", client.next(Duration.ofSeconds(5)));
        await().atMost(Duration.ofSeconds(5)).until(() -> gauge(meters) == 1.0);
        // A masked client frame of 5 bytes is 11 bytes on the wire; the server's unmasked one 7.
        assertEquals(11.0, counter(meters, "from-client"));
        assertEquals(7.0, counter(meters, "to-client"));
        client.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> gauge(meters) == 0.0);
    }

    @Test
    void theAccessLogLineIsWrittenWhenTheConnectionClosesWithBytesEachWay() throws Exception {
        WebSocketClient client = WebSocketClient.open(ws("/ws/logged"), Map.of("X-Request-Id", "ws-log-1"));
        client.sendText("hello");
        assertEquals("hello", client.next(Duration.ofSeconds(5)));
        // The request that logs at once is behind it: by then the handshake's line would have been written.
        RawHttp.exchange(serai.port(), "GET /plain/marker HTTP/1.1\r\nHost: h\r\nX-Request-Id: ws-log-marker\r\n\r\n");
        AccessLogLines.await(accessLog, "ws-log-marker");
        assertNull(AccessLogLines.find(accessLog, "ws-log-1"), "the line waits for the close");
        client.close();
        JsonNode line = AccessLogLines.await(accessLog, "ws-log-1");
        assertEquals(101, line.get("status").asInt());
        assertEquals("/ws/logged", line.get("path").asText());
        assertEquals("ws", line.get("route").asText());
        assertEquals(7, line.get("bytes").asLong(), "bytes sent to the client after the 101");
        assertEquals(11, line.get("bytes_received").asLong(), "bytes the client sent after the 101");
        assertTrue(line.get("duration_ms").asDouble() > 0);
    }

    @Test
    void aWebSocketIsClosedOnBothSidesOnlyOnceNothingMovesForTheIdleTimeout() throws Exception {
        try (RunningSerai quick = RunningSerai.routes(ROUTES)
                .property("echo", echo.hostPort())
                .property("scripted", scripted.hostPort())
                .property("serai.websocket.idle-timeout", "1s")
                .start(dir)) {
            int before = echo.openConnections();
            WebSocketClient client = WebSocketClient.open(URI.create("ws://127.0.0.1:" + quick.port() + "/ws/idle"));
            await().atMost(Duration.ofSeconds(5)).until(() -> echo.openConnections() == before + 1);
            for (int i = 0; i < 6; i++) {
                // A message every 400 ms for longer than the idle timeout: a tunnel that moves stays open.
                client.sendText("tick " + i);
                assertEquals("tick " + i, client.next(Duration.ofSeconds(5)));
                SlowClients.pause(Duration.ofMillis(400));
            }
            assertFalse(
                    client.closed().isDone(),
                    "a tunnel with traffic was closed: " + client.closed().getNow(null));
            assertNotNull(client.closed().get(5, TimeUnit.SECONDS), "the client side is closed");
            await().atMost(Duration.ofSeconds(5)).until(() -> echo.openConnections() == before);
        }
    }

    @Test
    void theOptionOnABackendStopsTheStartNamingIt() {
        Exception onBackend = assertThrows(
                Exception.class,
                () -> RunningSerai.routes("""
                - route:
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/"
                      steps:
                        - to: "netty-http:http://{{echo}}?webSocket=true"
                """).property("echo", echo.hostPort()).start(dir));
        Throwable root = onBackend;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        assertTrue(
                root.getMessage().contains("webSocket are for listeners (from:), not backends (to:)"),
                root.getMessage());
    }

    private static double gauge(SeraiMeters meters) {
        return value(meters.scrape(), "serai_websocket_connections\\{route=\"metered\"}");
    }

    private static double counter(SeraiMeters meters, String direction) {
        return value(
                meters.scrape(), "serai_websocket_bytes_total\\{direction=\"" + direction + "\",route=\"metered\"}");
    }

    private static double value(String scrape, String series) {
        Matcher m = Pattern.compile("(?m)^" + series + " (\\S+)$").matcher(scrape);
        return m.find() ? Double.parseDouble(m.group(1)) : -1;
    }
}

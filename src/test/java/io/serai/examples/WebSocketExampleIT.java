package io.serai.examples;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import io.serai.support.WebSocketBackend;
import io.serai.support.WebSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * examples/websocket.camel.yaml, started exactly as its comment and docs/websocket.md say:
 * SERAI_ROUTES=examples/websocket.camel.yaml java -Dchat-keys.secret=web:KEY -Dchat.1=... -Dchat.2=...
 * -Dweb.url=... -jar target/serai.jar
 */
class WebSocketExampleIT {

    private static final String KEY = "5f0c2a9e7b1d4c38a6e2f90b1c7d3e4f";

    @TempDir
    static Path tmp;

    static WebSocketBackend chat1;
    static WebSocketBackend chat2;
    static TestBackend web;
    static SeraiProcess serai;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        chat1 = WebSocketBackend.start();
        chat2 = WebSocketBackend.start();
        web = TestBackend.start("web");
        port = RunningSerai.freePort();
        serai = SeraiProcess.builder()
                .env("SERAI_ROUTES", "examples/websocket.camel.yaml")
                .property("serai.port", port)
                .property("chat-keys.secret", "web:" + KEY)
                .property("chat.1", "http://" + chat1.hostPort())
                .property("chat.2", "http://" + chat2.hostPort())
                .property("web.url", web.url())
                .start(tmp);
        serai.awaitStatus("http://127.0.0.1:" + port + "/", 200, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        chat1.close();
        chat2.close();
        web.close();
    }

    private static URI chat(String query) {
        return URI.create("ws://127.0.0.1:" + port + "/chat/room" + query);
    }

    @Test
    void aClientWithAKeyChatsThroughEitherBackendAndEachConnectionStaysOnOne() throws Exception {
        try (WebSocketClient first = WebSocketClient.open(chat("?api_key=" + KEY));
                WebSocketClient second = WebSocketClient.open(chat("?api_key=" + KEY))) {
            for (int i = 0; i < 3; i++) {
                first.sendText("first " + i);
                second.sendText("second " + i);
                assertEquals("first " + i, first.next(Duration.ofSeconds(5)));
                assertEquals("second " + i, second.next(Duration.ofSeconds(5)));
            }
            // Round robin chose once per connection: one each, and every message stayed on its backend.
            assertEquals(1, chat1.handshakes());
            assertEquals(1, chat2.handshakes());
        }
        assertEquals("/room", chat1.requests().get(0).target(), "the key is not forwarded: " + chat1.requests());
    }

    @Test
    void aHandshakeWithoutAKeyIsRefusedBeforeAnyBackend() throws Exception {
        int before = chat1.requests().size() + chat2.requests().size();
        CompletionException refused = assertThrows(CompletionException.class, () -> WebSocketClient.open(chat("")));
        assertEquals(
                java.net.http.WebSocketHandshakeException.class,
                refused.getCause().getClass());
        assertEquals(
                401,
                ((java.net.http.WebSocketHandshakeException) refused.getCause())
                        .getResponse()
                        .statusCode());
        assertEquals(before, chat1.requests().size() + chat2.requests().size());
    }

    @Test
    void theWebRouteTakesNoWebSocketAndStripsUpgrade() throws Exception {
        RawResponse answer = RawHttp.exchange(
                port,
                "GET /page HTTP/1.1\r\nHost: h\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        assertEquals(200, answer.status());
        assertNull(web.lastRequest().header("Upgrade"));
    }
}

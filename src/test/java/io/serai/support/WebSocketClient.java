package io.serai.support;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client on the JDK's java.net.http.WebSocket: whole messages (text as String, binary as
 * byte[]) arrive in {@link #next}, and {@link #closed} completes when the server closed the connection,
 * with a closing handshake or without.
 */
public final class WebSocketClient implements AutoCloseable {

    /** One client for all: each HttpClient has a selector thread of its own. */
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final BlockingQueue<Object> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<String> closed = new CompletableFuture<>();
    private final WebSocket socket;

    private WebSocketClient(URI uri, Map<String, String> headers) {
        WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5));
        headers.forEach(builder::header);
        this.socket = builder.buildAsync(uri, new Listener())
                .orTimeout(10, TimeUnit.SECONDS)
                .join();
    }

    /** Opens {@code uri} (ws://...); throws (a CompletionException) when the handshake is refused. */
    public static WebSocketClient open(URI uri, Map<String, String> headers) {
        return new WebSocketClient(uri, headers);
    }

    public static WebSocketClient open(URI uri) {
        return open(uri, Map.of());
    }

    public WebSocketClient sendText(String text) {
        socket.sendText(text, true).orTimeout(30, TimeUnit.SECONDS).join();
        return this;
    }

    public WebSocketClient sendBinary(byte[] bytes) {
        socket.sendBinary(ByteBuffer.wrap(bytes), true)
                .orTimeout(30, TimeUnit.SECONDS)
                .join();
        return this;
    }

    /** The next whole message, or an AssertionError after {@code timeout}. */
    public Object next(Duration timeout) throws InterruptedException {
        Object message = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no WebSocket message within " + timeout);
        }
        return message;
    }

    /** Completes with how the connection ended ("close 1000 ..." or "error ...") once the server ends it. */
    public CompletableFuture<String> closed() {
        return closed;
    }

    /** Starts the closing handshake and drops the connection, as a client that leaves does. */
    @Override
    public void close() {
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] part = new byte[data.remaining()];
            data.get(part);
            binary.writeBytes(part);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete("close " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete("error " + error);
        }
    }
}

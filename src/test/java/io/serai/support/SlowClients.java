package io.serai.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Clients that take their time, as real ones do: a body that follows its head a moment later, a header
 * trickled in parts, messages at a pace. They are to clients what {@link Behaviours} are to backends:
 * the pause is the client's own behaviour under test, not a wait for Serai, so it is a fixed time here
 * and never a condition.
 */
public final class SlowClients {

    /** Between two parts a slow client sends: long enough for Serai to read the first on its own. */
    public static final Duration PAUSE = Duration.ofMillis(100);

    private SlowClients() {}

    /**
     * Sends {@code parts} to {@code port} on one connection with {@link #PAUSE} between them (the head and
     * the start of its body first, the rest after), and reads the whole response.
     */
    public static RawResponse sendInParts(int port, byte[]... parts) throws IOException {
        try (StreamingClient client = StreamingClient.connect(port)) {
            for (int i = 0; i < parts.length; i++) {
                if (i > 0) {
                    pause(PAUSE);
                }
                client.send(parts[i]);
            }
            RawResponse head = client.readHead();
            return new RawResponse(head.version(), head.status(), head.headers(), client.readBody(head));
        }
    }

    /** {@link #sendInParts(int, byte[]...)} for text parts. */
    public static RawResponse sendInParts(int port, String... parts) throws IOException {
        byte[][] bytes = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            bytes[i] = parts[i].getBytes(StandardCharsets.ISO_8859_1);
        }
        return sendInParts(port, bytes);
    }

    /** Sends {@code parts} on {@code connection}, {@code gap} apart, and leaves the connection open. */
    public static void trickle(RawHttp connection, Duration gap, String... parts) throws IOException {
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                pause(gap);
            }
            connection.send(parts[i]);
        }
    }

    /** The client's own pace between two things it does. */
    public static void pause(Duration pace) {
        try {
            Thread.sleep(pace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pausing as a slow client", e);
        }
    }
}

package io.serai.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend answer that starts with interim responses: each of {@link #HINTS} (as many as the request's
 * {@code hints} query parameter, default one) as a {@code 103 Early Hints} with its {@code Link} and a few
 * hop-by-hop fields, then waits for the test's gate (bounded) before the final 200. A test that reads a 103
 * before it opens the gate has proved that the 103 reached it ahead of the final response. A target under
 * {@code /cacheable} gets a storable final response (and purge tags on its 103s); one under {@code /broken} none: the connection closes
 * after the hints; one under {@code /flaky} so every other time, starting with the first.
 */
public final class EarlyHintsBehaviour implements Behaviour {

    /** The Link of each 103, in order. */
    public static final List<String> HINTS =
            List.of("</style.css>; rel=preload; as=style", "</app.js>; rel=preload; as=script");

    /** The final response's body: JSON long enough to be compressed. */
    public static final String BODY = "{\"items\":[" + "\"early hints are hints\",".repeat(100) + "\"end\"]}";

    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final AtomicInteger flaky = new AtomicInteger();

    /** From now on each answer waits for {@code opened} (at most 5 s) between its hints and its final response. */
    public EarlyHintsBehaviour gate(CountDownLatch opened) {
        this.gate = opened;
        return this;
    }

    @Override
    public boolean answer(RecordedRequest request, Socket socket, OutputStream out, String backendName)
            throws IOException {
        int hints = request.target().contains("hints=2") ? 2 : 1;
        for (int i = 0; i < hints; i++) {
            out.write(("HTTP/1.1 103 Early Hints\r\n"
                            + "Link: " + HINTS.get(i) + "\r\n"
                            + "Connection: keep-alive, X-Hop\r\n"
                            + "X-Hop: hop\r\n"
                            + "Keep-Alive: timeout=5\r\n"
                            // Fields for a cache alone: a cached route keeps them from clients, 103s included.
                            + (request.target().startsWith("/cacheable")
                                    ? "Surrogate-Key: hinted\r\nSerai-Cache-Control: max-age=5\r\n"
                                    : "")
                            // Framing has no place on a 1xx (RFC 9110 section 8.6): a sloppy backend's must not cross.
                            + "Content-Length: 0\r\n"
                            + "\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        if (request.target().startsWith("/broken")
                || request.target().startsWith("/flaky") && flaky.getAndIncrement() % 2 == 0) {
            // The backend fails after its hints: the connection closes without a final response.
            return false;
        }
        try {
            gate.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<String, String> fields = request.target().startsWith("/cacheable")
                ? Map.of("Content-Type", "application/json", "Cache-Control", "max-age=60")
                : Map.of("Content-Type", "application/json");
        Behaviours.write(out, request, 200, fields, BODY.getBytes(StandardCharsets.UTF_8));
        return true;
    }
}

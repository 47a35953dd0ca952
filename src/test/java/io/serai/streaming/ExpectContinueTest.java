package io.serai.streaming;

import io.serai.support.Behaviours;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.StreamScripts;
import io.serai.support.StreamingBackend;
import io.serai.support.StreamingClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code Expect: 100-continue}: Serai says 100 when the route first asks for the body (its backend is
 * connected and takes it); a request refused before that (an access check, a declared body over
 * serai.limits.max-body, a backend that cannot be reached) gets its final answer instead of a 100, so
 * the client never sends a body that would be thrown away.
 */
@Timeout(30)
class ExpectContinueTest {

    private static final String ROUTES = """
            - beans:
                - name: apiKeys
                  type: "#class:io.serai.security.ApiKeyCheck"
                  properties:
                    keys: "client:k-5f0e9d2c"
            - route:
                id: checked
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/checked?matchOnUriPrefix=true"
                  steps:
                    - process: {ref: apiKeys}
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: unreachable
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/unreachable?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:{{backend.gone}}"
            - route:
                id: open
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    static Path dir;

    static StreamingBackend backend;
    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        backend = StreamingBackend.start(StreamScripts.echo());
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("backend.gone", io.serai.support.TestBackend.refusingUrl())
                .property("serai.limits.max-body", "1MiB")
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void aClientThatWaitsForTheHundredGetsItAndItsBodyReachesTheBackend() throws Exception {
        byte[] body = Behaviours.pattern(100 * 1024);
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            client.send("PUT /upload HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: " + body.length
                    + "\r\n\r\n");
            assertEquals(100, client.readHead().status());
            client.send(body);
            RawResponse head = client.readHead();
            assertEquals(200, head.status());
            assertArrayEquals(body, client.readBody(head));
        }
    }

    @Test
    void anAccessCheckRefusesWithoutAHundredAndTheBodyIsNeverNeeded() throws Exception {
        int before = backend.conversations().size();
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            client.send("PUT /checked/x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 500000\r\n\r\n");
            RawResponse refused = client.readHead();
            assertEquals(401, refused.status(), "the final answer comes first, not a 100");
            client.readBody(refused);
            assertEquals("close", refused.header("Connection"), "the unsent body is not waited for");
            assertTrue(client.closedWithin(2000));
        }
        assertEquals(before, backend.conversations().size(), "the backend saw nothing");
    }

    @Test
    void aDeclaredBodyOverMaxBodyGets413WithoutAHundred() throws Exception {
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            client.send("PUT /upload HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: "
                    + (2 * 1024 * 1024) + "\r\n\r\n");
            RawResponse refused = client.readHead();
            assertEquals(413, refused.status());
            assertTrue(new String(client.readBody(refused)).contains("serai.limits.max-body"));
            assertTrue(client.closedWithin(2000));
        }
    }

    @Test
    void aBackendThatCannotBeReachedIsA502WithoutAHundred() throws Exception {
        try (StreamingClient client = StreamingClient.connect(serai.port())) {
            client.send("PUT /unreachable/x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\n"
                    + "Content-Length: 500000\r\n\r\n");
            RawResponse refused = client.readHead();
            assertEquals(502, refused.status());
            assertEquals("close", refused.header("Connection"));
        }
    }
}

package io.serai.http2;

import io.netty.handler.codec.http2.Http2Headers;
import io.serai.support.EarlyHintsBehaviour;
import io.serai.support.Http2Backend;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Interim responses reach an HTTP/2 client as HEADERS frames without END_STREAM ({@code :status 103}), ahead of
 * the final HEADERS, from HTTP/1.1 and HTTP/2 members alike (RFC 9113 section 8.1); curl, a real client, prints
 * them as it does a server's own.
 */
@Timeout(30)
class Http2InterimResponsesTest {

    private static final String ROUTES = """
            - route:
                id: hints-h2-client
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: hints-h2-both
                from:
                  uri: "netty-http:http://127.0.0.1:{{h2member.port}}/?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:http://{{backend.h2}}?protocol=h2"
            """;

    @TempDir
    static Path dir;

    private static final EarlyHintsBehaviour hinting = new EarlyHintsBehaviour();
    private static TestBackend backend;
    private static Http2Backend h2;
    private static RunningSerai serai;
    private static int h2MemberPort;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("hinting").respondWith(hinting);
        h2 = Http2Backend.start("hinting-h2");
        h2MemberPort = RunningSerai.freePort();
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("backend.h2", h2.hostPort())
                .property("h2member.port", h2MemberPort)
                .start(dir);
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        backend.close();
        h2.close();
    }

    @Test
    void anHttp11MembersEarlyHintsAreHeadersFramesAheadOfTheFinalResponse() throws IOException {
        CountDownLatch gate = new CountDownLatch(1);
        hinting.gate(gate);
        try (RawH2 client = RawH2.connect(serai.port())) {
            client.headers(1, client.get("/page?hints=2"), true);
            List<RawH2.Frame> interims = interimHeaders(client, 1, 2);
            gate.countDown();
            List<String> links = new ArrayList<>();
            for (RawH2.Frame frame : interims) {
                Http2Headers hints = client.decode(frame);
                assertEquals("103", hints.status().toString());
                assertEquals(0, frame.flags() & RawH2.END_STREAM, "an interim response does not end the stream");
                assertNull(hints.get("x-hop"), "named by the backend's Connection");
                assertNull(hints.get("keep-alive"));
                links.add(hints.get("link").toString());
            }
            assertEquals(EarlyHintsBehaviour.HINTS, links);
            RawH2.Outcome last = client.await(1);
            assertEquals(200, last.status());
            assertEquals(EarlyHintsBehaviour.BODY, RawH2.text(last.body()));
        } finally {
            gate.countDown();
        }
    }

    @Test
    void anHttp2MembersEarlyHintsReachAnHttp2Client() throws IOException {
        CompletableFuture<Void> gate = new CompletableFuture<>();
        h2.earlyHints(EarlyHintsBehaviour.HINTS.subList(0, 1), gate);
        try (RawH2 client = RawH2.connect(h2MemberPort)) {
            client.headers(1, client.get("/both-h2"), true);
            Http2Headers hints = client.decode(interimHeaders(client, 1, 1).get(0));
            gate.complete(null);
            assertEquals("103", hints.status().toString());
            assertEquals(EarlyHintsBehaviour.HINTS.get(0), hints.get("link").toString());
            assertEquals(200, client.await(1).status());
        } finally {
            gate.complete(null);
            h2.earlyHints(List.of(), CompletableFuture.completedFuture(null));
        }
    }

    @Test
    void curlSeesTheEarlyHintsBeforeTheFinalResponse() throws Exception {
        hinting.gate(new CountDownLatch(0));
        Curl answer = Curl.run("-v", "--http2-prior-knowledge", serai.url("/curl"));
        assertEquals(200, answer.status());
        String out = answer.body();
        int hints = out.indexOf("< HTTP/2 103");
        int link = out.indexOf("< link: " + EarlyHintsBehaviour.HINTS.get(0));
        int last = out.indexOf("< HTTP/2 200");
        assertTrue(hints >= 0 && hints < link && link < last, out);
    }

    /** Reads frames until {@code n} HEADERS frames of {@code stream} have come; fails on anything ending it. */
    private static List<RawH2.Frame> interimHeaders(RawH2 client, int stream, int n) throws IOException {
        List<RawH2.Frame> heads = new ArrayList<>();
        while (heads.size() < n) {
            RawH2.Frame f = client.read();
            if (f.stream() != stream) {
                continue;
            }
            assertEquals(RawH2.HEADERS, f.type(), "before the final response: " + f);
            heads.add(f);
        }
        return heads;
    }
}

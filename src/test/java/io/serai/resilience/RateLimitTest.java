package io.serai.resilience;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rate limits as clients see them: the admitted rate, the 429 and its fields, keys kept apart. */
@Timeout(30)
class RateLimitTest {

    private static final String ROUTES = """
            - beans:
                - name: perKey
                  type: "#class:io.serai.resilience.RateLimitPolicy"
                  properties:
                    limit: 10
                    period: 1s
                    burst: 20
                    key: "header:X-Api-Key"
                - name: everyone
                  type: "#class:io.serai.resilience.RateLimitPolicy"
                  properties:
                    limit: 5
                    period: 500ms
                    key: global
            - route:
                id: per-key
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/keyed?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: perKey
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            - route:
                id: global
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/global?matchOnUriPrefix=true"
                  steps:
                    - policy:
                        ref: everyone
                        steps:
                          - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    static Path dir;

    static TestBackend backend;
    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("limited");
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void theLimitAdmitsItsBurstAndThenItsRateWithinAFewPercent() throws IOException {
        int before = backend.requests().size();
        long start = System.nanoTime();
        int admitted = 0;
        int rejected = 0;
        try (RawHttp client = RawHttp.connect(serai.port())) {
            while (System.nanoTime() - start < 3_000_000_000L) {
                RawResponse r = client.send("GET /keyed/rate HTTP/1.1\r\nHost: a\r\nX-Api-Key: steady\r\n\r\n")
                        .read();
                if (r.status() == 200) {
                    admitted++;
                } else {
                    assertEquals(429, r.status());
                    rejected++;
                }
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double expected = 20 + 10 * seconds;
        assertTrue(
                Math.abs(admitted - expected) <= 2,
                "admitted " + admitted + " in " + seconds + " s, expected " + expected + " (burst 20 + 10/s)");
        assertTrue(rejected > 0);
        assertEquals(admitted, backend.requests().size() - before, "a rejected request never reaches the backend");
    }

    @Test
    void a429SaysWhenToComeBackAndWhatIsLeft() throws IOException {
        // 60: a loaded machine may take over a second for them, and 10 more come in each second.
        List<RawResponse> answers = onOneConnection("/keyed/headers", "eager", 60);
        RawResponse first = answers.get(0);
        assertEquals(200, first.status());
        assertEquals("20", first.header("RateLimit-Limit"));
        assertEquals("19", first.header("RateLimit-Remaining"));
        assertEquals("1", first.header("RateLimit-Reset"));
        RawResponse last = answers.stream()
                .filter(r -> r.status() == 429)
                .reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no 429 among 60 requests"));
        assertEquals("1", last.header("Retry-After"));
        assertEquals("20", last.header("RateLimit-Limit"));
        assertEquals("0", last.header("RateLimit-Remaining"));
        assertEquals("2", last.header("RateLimit-Reset"));
        assertTrue(
                last.bodyText().startsWith("429 Too Many Requests: more than 10 requests per second"), last.bodyText());
    }

    @Test
    void eachKeyHasItsOwnAllowance() throws IOException {
        List<RawResponse> greedy = onOneConnection("/keyed/own", "greedy", 60);
        assertTrue(greedy.stream().anyMatch(r -> r.status() == 429));
        assertEquals(200, get("/keyed/own", "X-Api-Key", "modest").status());
    }

    @Test
    void aGlobalLimitIsSharedByEveryClient() throws IOException {
        long start = System.nanoTime();
        int admitted = 0;
        for (int i = 0; i < 12; i++) {
            if (get("/global/x", "X-Api-Key", "client-" + i).status() == 200) {
                admitted++;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        assertTrue(
                admitted >= 5 && admitted <= 5 + Math.ceil(seconds * 10) + 1,
                "burst defaults to the limit, 5, then 10/s: " + admitted + " in " + seconds + " s");
        assertTrue(admitted < 12, "some clients were refused");
    }

    @Test
    void theNumberOfKeysKeptIsBounded() {
        RateLimitPolicy policy = new RateLimitPolicy();
        policy.setKey("header:K");
        policy.setMaxKeys(1_000);
        org.apache.camel.CamelContext context = serai.context();
        for (int i = 0; i < 50_000; i++) {
            org.apache.camel.Exchange exchange = new org.apache.camel.support.DefaultExchange(context);
            exchange.getMessage().setHeader("K", "client-" + i);
            policy.take(exchange);
        }
        assertTrue(policy.trackedKeys() <= 1_000, "kept " + policy.trackedKeys());
    }

    private static List<RawResponse> onOneConnection(String path, String key, int n) throws IOException {
        List<RawResponse> answers = new java.util.ArrayList<>();
        try (RawHttp client = RawHttp.connect(serai.port())) {
            for (int i = 0; i < n; i++) {
                answers.add(client.send("GET " + path + " HTTP/1.1\r\nHost: a\r\nX-Api-Key: " + key + "\r\n\r\n")
                        .read());
            }
        }
        return answers;
    }

    private static RawResponse get(String path, String... fields) throws IOException {
        StringBuilder raw = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i + 1 < fields.length; i += 2) {
            raw.append(fields[i]).append(": ").append(fields[i + 1]).append("\r\n");
        }
        return RawHttp.exchange(serai.port(), raw.append("\r\n").toString());
    }
}

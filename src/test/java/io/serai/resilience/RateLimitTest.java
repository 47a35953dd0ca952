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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
        serai = RunningSerai.routes(ROUTES).property("backend.1", backend.hostPort()).start(dir);
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
                RawResponse r = client.send("GET /keyed/rate HTTP/1.1\r\nHost: a\r\nX-Api-Key: steady\r\n\r\n").read();
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
        assertTrue(Math.abs(admitted - expected) <= 2, "admitted " + admitted + " in " + seconds + " s, expected "
                + expected + " (burst 20 + 10/s)");
        assertTrue(rejected > 0);
        assertEquals(admitted, backend.requests().size() - before, "a rejected request never reaches the backend");
    }

    @Test
    void a429SaysWhenToComeBackAndWhatIsLeft() throws IOException {
        RawResponse last = null;
        for (int i = 0; i < 25; i++) {
            RawResponse r = get("/keyed/headers", "X-Api-Key", "eager");
            if (i == 0) {
                assertEquals(200, r.status());
                assertEquals("20", r.header("RateLimit-Limit"));
                assertEquals("19", r.header("RateLimit-Remaining"));
                assertEquals("1", r.header("RateLimit-Reset"));
            }
            last = r;
        }
        assertNotNull(last);
        assertEquals(429, last.status());
        assertEquals("1", last.header("Retry-After"));
        assertEquals("20", last.header("RateLimit-Limit"));
        assertEquals("0", last.header("RateLimit-Remaining"));
        assertEquals("2", last.header("RateLimit-Reset"));
        assertTrue(last.bodyText().startsWith("429 Too Many Requests: more than 10 requests per second"),
                last.bodyText());
    }

    @Test
    void eachKeyHasItsOwnAllowance() throws IOException {
        for (int i = 0; i < 21; i++) {
            get("/keyed/own", "X-Api-Key", "greedy");
        }
        assertEquals(429, get("/keyed/own", "X-Api-Key", "greedy").status());
        assertEquals(200, get("/keyed/own", "X-Api-Key", "modest").status());
    }

    @Test
    void aGlobalLimitIsSharedByEveryClient() throws IOException {
        int admitted = 0;
        for (int i = 0; i < 12; i++) {
            if (get("/global/x", "X-Api-Key", "client-" + i).status() == 200) {
                admitted++;
            }
        }
        assertTrue(admitted >= 5 && admitted <= 6, "burst defaults to the limit, 5: " + admitted);
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
            policy.take(exchange, System.nanoTime());
        }
        assertTrue(policy.trackedKeys() <= 1_000, "kept " + policy.trackedKeys());
    }

    private static RawResponse get(String path, String... fields) throws IOException {
        StringBuilder raw = new StringBuilder("GET ").append(path).append(" HTTP/1.1\r\nHost: a\r\n");
        for (int i = 0; i + 1 < fields.length; i += 2) {
            raw.append(fields[i]).append(": ").append(fields[i + 1]).append("\r\n");
        }
        return RawHttp.exchange(serai.port(), raw.append("\r\n").toString());
    }
}

package io.serai.aggregation;

import io.serai.support.Behaviour;
import io.serai.support.Behaviours;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Serai's jsonMerge strategy with real backends: every per-call option, failures, time and concurrency. */
class JsonMergeTest {

    /** One backend that answers by path: /slow/N waits N ms; {id} in a body is the last path segment. */
    static Behaviour byPath() {
        return (request, socket, out, name) -> {
            String target = request.target();
            String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
            String id = path.substring(path.lastIndexOf('/') + 1);
            String type = "application/json";
            String body;
            Map<String, String> extra = Map.of();
            if (path.startsWith("/slow/")) {
                sleep(Long.parseLong(id));
                body = "{\"slow" + id + "\":true}";
            } else if (path.startsWith("/user/")) {
                body = "{\"id\":\"" + id + "\",\"name\":\"Ann\",\"password\":\"x\",\"address\":{\"city\":\"Oslo\","
                        + "\"street\":\"Main\"}}";
            } else if (path.startsWith("/wrapped/")) {
                body = "{\"data\":{\"items\":[{\"n\":1},{\"n\":2}]},\"meta\":{\"page\":1}}";
            } else if (path.startsWith("/array/")) {
                body = "[{\"order\":1,\"secret\":\"s\"},{\"order\":2,\"secret\":\"t\"}]";
            } else if (path.startsWith("/clash/")) {
                body = "{\"name\":\"Bob\",\"extra\":1}";
            } else if (path.startsWith("/html/")) {
                type = "text/html";
                body = "<html>oops</html>";
            } else if (path.startsWith("/error/")) {
                Behaviours.write(
                        out,
                        request,
                        500,
                        Map.of("Content-Type", "application/json"),
                        "{\"error\":\"boom\"}".getBytes(StandardCharsets.UTF_8));
                return true;
            } else if (path.startsWith("/huge/")) {
                StringBuilder sb = new StringBuilder("{\"pad\":\"");
                sb.append("x".repeat(5 * 1024 * 1024));
                body = sb.append("\"}").toString();
            } else if (path.startsWith("/gzip/")) {
                Behaviours.write(
                        out,
                        request,
                        200,
                        Map.of("Content-Type", "application/json", "Content-Encoding", "gzip"),
                        gzip("{\"zipped\":true}"));
                return true;
            } else {
                body = "{\"path\":\"" + path + "\"}";
            }
            Behaviours.write(out, request, 200, Map.of("Content-Type", type), body.getBytes(StandardCharsets.UTF_8));
            return true;
        };
    }

    private static final String ROUTES = """
            - route:
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/merge/{id}"
                  steps:
                    - multicast:
                        parallelProcessing: true
                        timeout: 2s
                        aggregationStrategy: jsonMerge
                        steps:
                          - to: "netty-http:{{backend.1}}/user/{id}?deny=password,address.street"
                          - to: "netty-http:{{backend.1}}/clash/{id}?mapping=extra:bonus"
            - route:
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/shape/{id}"
                  steps:
                    - multicast:
                        parallelProcessing: true
                        timeout: 2s
                        aggregationStrategy: jsonMerge
                        steps:
                          - to: "netty-http:{{backend.1}}/user/{id}?group=user&allow=name,address.city"
                          - to: "netty-http:{{backend.1}}/wrapped/{id}?group=items&target=data.items"
                          - to: "netty-http:{{backend.1}}/array/{id}?group=orders&deny=secret"
                          - to: "netty-http:{{backend.1}}/array/{id}?mapping=order:number"
                          - to: "netty-http:{{backend.1}}/gzip/{id}?group=zipped"
            - route:
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/partial/{id}"
                  steps:
                    - multicast:
                        parallelProcessing: true
                        timeout: 500ms
                        aggregationStrategy: jsonMerge
                        steps:
                          - to: "netty-http:{{backend.1}}/user/{id}?group=user"
                          - to: "netty-http:{{backend.1}}/html/{id}?group=html"
                          - to: "netty-http:{{backend.1}}/error/{id}?group=error"
                          - to: "netty-http:{{backend.1}}/huge/{id}?group=huge"
                          - to: "netty-http:{{backend.1}}/slow/3000?group=hanging"
            - route:
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/required/{id}"
                  steps:
                    - multicast:
                        parallelProcessing: true
                        timeout: 2s
                        aggregationStrategy: jsonMerge
                        steps:
                          - to: "netty-http:{{backend.1}}/user/{id}?group=user"
                          - to: "netty-http:{{backend.1}}/error/{id}?group=billing&required=true"
            - route:
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/required-slow/{id}"
                  steps:
                    - multicast:
                        parallelProcessing: true
                        timeout: 2s
                        aggregationStrategy: jsonMerge
                        steps:
                          - to: "netty-http:{{backend.1}}/user/{id}?group=user"
                          - to: "netty-http:{{backend.1}}/slow/1500?group=billing&required=true&callTimeout=300ms"
            - route:
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/balanced/{id}"
                  steps:
                    - multicast:
                        parallelProcessing: true
                        timeout: 2s
                        aggregationStrategy: jsonMerge
                        steps:
                          - loadBalance:
                              roundRobinLoadBalancer: {}
                              steps:
                                - to: "netty-http:{{backend.1}}/user/{id}?group=user&allow=id"
                                - to: "netty-http:{{backend.2}}/user/{id}?group=user&allow=id"
                          - to: "netty-http:{{backend.1}}/wrapped/{id}?target=meta"
            - route:
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/required-deadline/{id}"
                  steps:
                    - multicast:
                        parallelProcessing: true
                        timeout: 300ms
                        aggregationStrategy: jsonMerge
                        steps:
                          - to: "netty-http:{{backend.1}}/user/{id}?group=user"
                          - to: "netty-http:{{backend.1}}/slow/1500?group=billing&required=true"
            - route:
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/parallel/{id}"
                  steps:
                    - multicast:
                        parallelProcessing: true
                        timeout: 2s
                        aggregationStrategy: jsonMerge
                        steps:
                          - to: "netty-http:{{backend.1}}/slow/200"
                          - to: "netty-http:{{backend.1}}/slow/300"
                          - to: "netty-http:{{backend.1}}/slow/400"
            """;

    @TempDir
    static Path tmp;

    static TestBackend backend;
    static TestBackend backend2;
    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.start("b1").respondWith(byPath());
        backend2 = TestBackend.start("b2").respondWith(byPath());
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.url())
                .property("backend.2", backend2.url())
                .start(tmp);
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        backend.close();
        backend2.close();
    }

    @Test
    void fieldsAreMergedAtTheTopLevelWithDenyAndMapping() throws Exception {
        RawResponse r = get("/merge/7");
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("true", r.header("Serai-Completed"));
        assertEquals(
                "{\"id\":\"7\",\"name\":\"Bob\",\"address\":{\"city\":\"Oslo\"},\"bonus\":1}",
                r.bodyText(),
                "the later call wins the clash on name");
        assertEquals(String.valueOf(r.body().length), r.header("Content-Length"));
    }

    @Test
    void groupTargetAllowArraysAndCompressedBodies() throws Exception {
        RawResponse r = get("/shape/7");
        assertEquals(200, r.status(), r.bodyText());
        assertEquals(
                "{\"user\":{\"name\":\"Ann\",\"address\":{\"city\":\"Oslo\"}},"
                        + "\"items\":[{\"n\":1},{\"n\":2}],"
                        + "\"orders\":[{\"order\":1},{\"order\":2}],"
                        + "\"collection\":[{\"secret\":\"s\",\"number\":1},{\"secret\":\"t\",\"number\":2}],"
                        + "\"zipped\":{\"zipped\":true}}",
                r.bodyText());
    }

    @Test
    void failedCallsAreLeftOutAndTheAnswerSaysItIsPartialJustAfterTheDeadline() throws Exception {
        long start = System.nanoTime();
        RawResponse r = get("/partial/7");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("false", r.header("Serai-Completed"));
        assertEquals(
                "{\"user\":{\"id\":\"7\",\"name\":\"Ann\",\"password\":\"x\",\"address\":{\"city\":\"Oslo\","
                        + "\"street\":\"Main\"}}}",
                r.bodyText(),
                "no HTML, no error body, no 5 MiB body, no hanging call");
        assertTrue(millis >= 450 && millis < 1_200, "answered after " + millis + " ms with a 500 ms deadline");
    }

    @Test
    void aRequiredCallThatFailsFailsTheRequestWithAJsonError() throws Exception {
        RawResponse r = get("/required/7");
        assertEquals(502, r.status(), r.bodyText());
        assertTrue(r.header("Content-Type").startsWith("application/json"));
        assertEquals(
                "{\"error\":\"a required call failed\",\"call\":\"billing\",\"reason\":\"answered 500\"}",
                r.bodyText(),
                "the backend's error body is not passed on");
    }

    @Test
    void aRequiredCallThatTimesOutAnswers504() throws Exception {
        RawResponse r = get("/required-slow/7");
        assertEquals(504, r.status(), r.bodyText());
        assertTrue(r.bodyText().contains("\"call\":\"billing\""), r.bodyText());
    }

    @Test
    void aRequiredCallCutOffByTheDeadlineAnswers504NamingIt() throws Exception {
        RawResponse r = get("/required-deadline/7");
        assertEquals(504, r.status(), r.bodyText());
        assertEquals(
                "{\"error\":\"a required call failed\",\"call\":\"billing\","
                        + "\"reason\":\"did not answer within the deadline of 300 ms\"}",
                r.bodyText());
    }

    @Test
    void aCallCanBeBalancedOverMembers() throws Exception {
        int before = backend2.requests().size();
        for (int i = 0; i < 4; i++) {
            assertEquals(
                    "{\"user\":{\"id\":\"9\"},\"page\":1}", get("/balanced/9").bodyText());
        }
        assertEquals(before + 2, backend2.requests().size(), "round robin sends every other user call to b2");
    }

    @Test
    void callsRunInParallel() throws Exception {
        get("/parallel/1");
        long start = System.nanoTime();
        RawResponse r = get("/parallel/1");
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals("{\"slow200\":true,\"slow300\":true,\"slow400\":true}", r.bodyText());
        assertTrue(millis >= 400 && millis < 650, "200, 300 and 400 ms calls took " + millis + " ms, not their sum");
    }

    @Test
    void concurrentRequestsDoNotMixTheirData() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String id = "u" + i;
                answers.add(clients.submit(() -> {
                    RawResponse r = get("/merge/" + id);
                    return r.status() + " " + r.bodyText();
                }));
            }
            for (int i = 0; i < answers.size(); i++) {
                assertEquals(
                        "200 {\"id\":\"u" + i + "\",\"name\":\"Bob\",\"address\":{\"city\":\"Oslo\"},\"bonus\":1}",
                        answers.get(i).get());
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private static RawResponse get(String path) throws Exception {
        return RawHttp.exchange(serai.port(), "GET " + path + " HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    /** The test backend's simulated work: a slow part of the fan-out. */
    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static byte[] gzip(String text) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (GZIPOutputStream zip = new GZIPOutputStream(bytes)) {
                zip.write(text.getBytes(StandardCharsets.UTF_8));
            }
            return bytes.toByteArray();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}

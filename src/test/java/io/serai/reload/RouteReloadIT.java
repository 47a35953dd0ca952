package io.serai.reload;

import io.serai.support.Behaviours;
import io.serai.support.MetricScrape;
import io.serai.support.RawHttp;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Live reload of route files, on the packaged jar watching a folder, as a user runs it. */
@Timeout(60)
class RouteReloadIT {

    @TempDir
    static Path tmp;

    static Path routes;
    static TestBackend slowBackend;
    static SeraiProcess serai;
    /** How soon a reload's outcome is in the log. */
    static final Duration LOGGED = Duration.ofSeconds(3);

    static int port;
    static int adminPort;
    static final HttpClient CLIENT =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void start() throws Exception {
        routes = Files.createDirectory(tmp.resolve("routes"));
        Files.writeString(routes.resolve("base.camel.yaml"), constantRoute("base", "/", "base"));
        slowBackend = TestBackend.start("slow");
        port = RunningSerai.freePort();
        SeraiProcess.Builder builder = SeraiProcess.builder()
                .env("SERAI_ROUTES", routes.toString())
                .property("serai.port", port)
                .property("slow.backend", slowBackend.hostPort());
        adminPort = builder.adminPort();
        serai = builder.start(tmp);
        serai.awaitStatus(url("/"), 200, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        slowBackend.close();
    }

    static String constantRoute(String id, String path, String body) {
        return """
                - route:
                    id: %s
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}%s?matchOnUriPrefix=true"
                      steps:
                        - setBody:
                            constant: "%s"
                """.formatted(id, path, body);
    }

    static String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    static HttpResponse<String> get(String path) throws Exception {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create(url(path)))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Polls until {@code path} answers {@code status} with a body containing {@code body}; returns how long. */
    static Duration awaitAnswer(String path, int status, String body, Duration within) {
        long start = System.nanoTime();
        try {
            Waits.upTo(within).pollInterval(Duration.ofMillis(25)).untilAsserted(() -> {
                HttpResponse<String> last = get(path);
                assertTrue(
                        last.statusCode() == status && last.body().contains(body),
                        path + " still answers " + last.statusCode() + " " + last.body());
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(e.getMessage() + "; log:\n" + serai.output(), e);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Load between edits: waits until the clients got {@code n} more answers than they have now. */
    private static void awaitMoreAnswers(java.util.Collection<String> bodies, int n) {
        int seen = bodies.size();
        Waits.upTo(Waits.PROMPTLY).until(() -> bodies.size() >= seen + n);
    }

    static void write(String name, String content) throws Exception {
        write(routes, name, content);
    }

    static void write(Path folder, String name, String content) throws Exception {
        // Written beside and moved into place, as editors and ConfigMaps do, so no half file is read.
        Path temp = Files.writeString(tmp.resolve(name + ".tmp"), content);
        Files.move(temp, folder.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void editingARouteFileAppliesWithinTwoSeconds() throws Exception {
        write("edit.camel.yaml", constantRoute("edit", "/edit", "v1"));
        awaitAnswer("/edit", 200, "v1", Duration.ofSeconds(5));
        write("edit.camel.yaml", constantRoute("edit", "/edit", "v2"));
        Duration took = awaitAnswer("/edit", 200, "v2", Duration.ofSeconds(2));
        assertTrue(took.toMillis() < 2000, "applied after " + took);
    }

    @Test
    void addingAFileAddsItsRoutesAndRemovingItRemovesThem() throws Exception {
        assertEquals("base", get("/added").body(), "the base route answers before the file exists");
        write("added.camel.yaml", constantRoute("added", "/added", "added"));
        awaitAnswer("/added", 200, "added", Duration.ofSeconds(2));
        Files.delete(routes.resolve("added.camel.yaml"));
        awaitAnswer("/added", 200, "base", Duration.ofSeconds(2));
    }

    @Test
    void aBrokenFileIsReportedWithItsNameAndLineAndTheLastGoodRoutesKeepServing() throws Exception {
        write("broken.camel.yaml", constantRoute("broken", "/broken", "good"));
        awaitAnswer("/broken", 200, "good", Duration.ofSeconds(5));

        write(
                "broken.camel.yaml",
                constantRoute("broken", "/broken", "good").replace("constant: \"good\"", "constant: 'unterminated"));
        serai.awaitOutput("broken.camel.yaml:7: while scanning a quoted scalar", LOGGED);
        assertEquals("good", get("/broken").body());

        write("broken.camel.yaml", constantRoute("broken", "/broken", "good").replace("- setBody:", "- roundRobin:"));
        serai.awaitOutput("broken.camel.yaml:6: Unknown node id: roundRobin", LOGGED);
        assertEquals("good", get("/broken").body());

        write("broken.camel.yaml", constantRoute("broken", "/broken", "fixed"));
        awaitAnswer("/broken", 200, "fixed", Duration.ofSeconds(2));
    }

    @Test
    void routesCamelRefusesToStartAreRolledBackToTheLastGoodOnes() throws Exception {
        write("refused.camel.yaml", constantRoute("refused", "/refused", "good"));
        awaitAnswer("/refused", 200, "good", Duration.ofSeconds(5));
        write("refused.camel.yaml", """
                - route:
                    id: refused
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/refused?matchOnUriPrefix=true"
                      steps:
                        - to: "netty-http:http://127.0.0.1:1?noSuchOption=true"
                """);
        serai.awaitOutput("Camel refused it", LOGGED);
        assertEquals("good", get("/refused").body());
        assertEquals(200, get("/refused").statusCode());
    }

    @Test
    void noRequestFailsWhileARouteFileIsEditedUnderLoad() throws Exception {
        write("load.camel.yaml", constantRoute("load", "/load", "v0"));
        awaitAnswer("/load", 200, "v0", Duration.ofSeconds(5));
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> bodies = new ConcurrentLinkedQueue<>();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            Thread client = new Thread(() -> {
                int n = 0;
                while (running.get() && n++ < 20_000) {
                    try {
                        HttpResponse<String> r = get("/load");
                        if (r.statusCode() != 200) {
                            failures.add(r.statusCode() + " " + r.body());
                        }
                        bodies.add(r.body());
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            client.start();
            clients.add(client);
        }
        for (int version = 1; version <= 3; version++) {
            awaitMoreAnswers(bodies, 30);
            write("load.camel.yaml", constantRoute("load", "/load", "v" + version));
            awaitAnswer("/load", 200, "v" + version, Duration.ofSeconds(2));
        }
        awaitMoreAnswers(bodies, 30);
        running.set(false);
        for (Thread client : clients) {
            client.join(10_000);
        }
        assertTrue(failures.isEmpty(), failures.size() + " failed requests, e.g. " + failures.peek());
        assertTrue(bodies.size() > 50, "only " + bodies.size() + " requests were made");
        assertTrue(bodies.contains("v3"));
    }

    @Test
    void aRequestInFlightDuringAReloadCompletes() throws Exception {
        slowBackend.respondWith(Behaviours.slow(Duration.ofMillis(1500)));
        String proxy = """
                - route:
                    id: inflight
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/inflight?matchOnUriPrefix=true"
                      steps:
                        - to: "netty-http:http://{{slow.backend}}%s"
                """;
        write("inflight.camel.yaml", proxy.formatted(""));
        awaitAnswer("/inflight", 200, "\"backend\":\"slow\"", Duration.ofSeconds(10));
        int before = slowBackend.requests().size();
        CompletableFuture<HttpResponse<String>> inFlight = CLIENT.sendAsync(
                HttpRequest.newBuilder(URI.create(url("/inflight/x")))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        slowBackend.awaitRequests(before + 1, Duration.ofSeconds(5));
        write("inflight.camel.yaml", proxy.formatted("/v2"));
        HttpResponse<String> r = inFlight.get();
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("\"target\":\"/x\""), r.body());
        serai.awaitOutput("Reloaded " + routes.resolve("inflight.camel.yaml"), LOGGED);
    }

    @Test
    void whileAReplacedRouteDrainsNoOtherRouteNorReadinessWaitsAndItsNewVersionServesAtOnce() throws Exception {
        Path folder = Files.createDirectory(tmp.resolve("timed"));
        int otherPort = RunningSerai.freePort();
        Files.writeString(
                folder.resolve("elsewhere.camel.yaml"),
                constantRoute("elsewhere", "/", "elsewhere").replace("{{serai.port}}", String.valueOf(otherPort)));
        int ownPort = RunningSerai.freePort();
        // Started as the README starts it: Netty's leak detection at PARANOID would be what this measures.
        SeraiProcess.Builder builder = SeraiProcess.builder()
                .asTheReadmeStartsIt()
                .env("SERAI_ROUTES", folder.toString())
                .property("serai.port", ownPort);
        int ownAdmin = builder.adminPort();
        try (TestBackend held = TestBackend.start("held")) {
            held.respondWith(Behaviours.slow(Duration.ofSeconds(10)));
            String heldRoute = """
                    - route:
                        id: held
                        from:
                          uri: "netty-http:http://127.0.0.1:{{serai.port}}/held?matchOnUriPrefix=true"
                          steps:
                            - %s
                    """;
            Path heldFile = folder.resolve("held.camel.yaml");
            Files.writeString(heldFile, heldRoute.formatted("to: \"netty-http:http://" + held.hostPort() + "\""));
            String elsewhere = "http://127.0.0.1:" + otherPort + "/";
            String ready = "http://127.0.0.1:" + ownAdmin + "/health/ready";
            String own = "http://127.0.0.1:" + ownPort;
            try (SeraiProcess serai = builder.start(tmp)) {
                serai.awaitStatus(elsewhere, 200, Duration.ofSeconds(20));
                assertEquals("elsewhere", timed(elsewhere).body());
                // A fresh JVM answers its first requests slowly: warm both up until they answer promptly unprovoked.
                AtomicInteger prompt = new AtomicInteger();
                Waits.upTo(Waits.PROMPTLY).pollInterval(Duration.ofMillis(10)).until(() -> {
                    boolean fast = millis(elsewhere) < 50 && millis(ready) < 50;
                    return prompt.updateAndGet(n -> fast ? n + 1 : 0) >= 20;
                });
                // What this machine adds on its own (other builds share its cores): the slowest answer of
                // the same traffic without a reload. On a quiet machine a few milliseconds.
                long noise = 0;
                for (long end = System.nanoTime() + Duration.ofSeconds(2).toNanos(); System.nanoTime() < end; ) {
                    noise = Math.max(noise, Math.max(millis(elsewhere), millis(ready)));
                    LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
                }
                long bound = 50 + noise;

                CompletableFuture<HttpResponse<String>> inFlight = CLIENT.sendAsync(
                        HttpRequest.newBuilder(URI.create(own + "/held/x"))
                                .timeout(Duration.ofSeconds(20))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                held.awaitRequests(1, Duration.ofSeconds(5));
                long edited = System.nanoTime();
                write(folder, "held.camel.yaml", heldRoute.formatted("setBody:\n            constant: \"v2\""));

                // Until the edit is applied and a second after, while the old route drains its held request:
                // every request to a route of another file, on another port, and to readiness answers at once.
                List<String> waited = new ArrayList<>();
                long slowest = 0;
                long appliedAt = 0;
                long deadline = edited + Duration.ofSeconds(5).toNanos();
                while (System.nanoTime() < deadline
                        && (appliedAt == 0 || System.nanoTime() < appliedAt + 1_000_000_000L)) {
                    for (String target : List.of(elsewhere, ready)) {
                        long start = System.nanoTime();
                        long took = millis(target);
                        slowest = Math.max(slowest, took);
                        if (took >= bound) {
                            waited.add(target + " took " + took + " ms, " + (start - edited) / 1_000_000
                                    + " ms after the edit");
                        }
                    }
                    if (appliedAt == 0 && count(serai.output(), "Reloaded " + heldFile) >= 1) {
                        appliedAt = System.nanoTime();
                    }
                    // Paced as steady traffic, so that the test's own load does not make the answers slow.
                    LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
                }
                assertTrue(appliedAt != 0, "the edit was not applied within 5 s; log:\n" + serai.output());
                System.out.printf(
                        "reload under a held request: slowest other answer %d ms (%d ms without a reload),"
                                + " applied %d ms after the edit%n",
                        slowest, noise, (appliedAt - edited) / 1_000_000);
                assertTrue(
                        waited.isEmpty(),
                        "requests waited during the reload (50 ms + " + noise + " ms this machine took without one): "
                                + waited + "; log:\n"
                                + serai.output()
                                        .lines()
                                        .filter(l -> l.contains("Reload"))
                                        .toList());
                // The edited route's new requests get the new version within the reload interval (500 ms) and the swap.
                assertTrue(
                        appliedAt - edited < Duration.ofSeconds(2).toNanos(),
                        "applied after " + (appliedAt - edited) / 1_000_000 + " ms");
                long start = System.nanoTime();
                HttpResponse<String> replaced = timed(own + "/held/y");
                assertEquals("v2", replaced.body());
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos(), "the new version was slow");
                assertFalse(inFlight.isDone(), "the held request is still at its backend");

                // A second edit while the first generation still drains.
                write(folder, "held.camel.yaml", heldRoute.formatted("setBody:\n            constant: \"v3\""));
                serai.awaitOutput("Reloaded " + heldFile, 2, LOGGED);
                assertEquals("v3", timed(own + "/held/z").body());
                assertFalse(inFlight.isDone(), "the held request is still at its backend");

                HttpResponse<String> old = inFlight.get(15, TimeUnit.SECONDS);
                assertEquals(200, old.statusCode(), old.body());
                assertTrue(old.body().contains("\"backend\":\"held\""), "the old route's answer: " + old.body());

                // Metrics and the log name the route as its user did, whichever generation served.
                Waits.upTo(Waits.PROMPTLY)
                        .untilAsserted(() -> assertTrue(
                                MetricScrape.value(ownAdmin, "serai_requests_total", "route=\"held\"") >= 2,
                                "both generations counted as route held"));
                String scrape = RawHttp.exchange(ownAdmin, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .bodyText();
                assertFalse(scrape.contains("held" + '~'), "an internal route id in /metrics");
                String routes = RawHttp.exchange(ownAdmin, "GET /routes HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                        .bodyText();
                assertTrue(routes.contains("\"held\""), routes);
                assertFalse(routes.contains("held" + '~'), "an internal route id in /routes: " + routes);
            }
        }
    }

    @Test
    void aRemovedFilesRoutesLeaveAtOnceAndItsListenerClosesOnceTheyHaveDrained() throws Exception {
        try (TestBackend held = TestBackend.start("held-gone")) {
            held.respondWith(Behaviours.slow(Duration.ofSeconds(3)));
            int ownPort = RunningSerai.freePort();
            Path file = routes.resolve("gone.camel.yaml");
            write("gone.camel.yaml", """
                    - route:
                        id: gone
                        from:
                          uri: "netty-http:http://127.0.0.1:%d/?matchOnUriPrefix=true"
                          steps:
                            - to: "netty-http:http://%s"
                    """.formatted(ownPort, held.hostPort()));
            serai.awaitOutput("Reloaded " + file, LOGGED);
            String own = "http://127.0.0.1:" + ownPort + "/";
            CompletableFuture<HttpResponse<String>> inFlight = CLIENT.sendAsync(
                    HttpRequest.newBuilder(URI.create(own + "x"))
                            .timeout(Duration.ofSeconds(10))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            held.awaitRequests(1, Duration.ofSeconds(5));

            Files.delete(file);
            serai.awaitOutput("Reloaded " + file, 2, LOGGED);
            // The route has left its listener's table; the listener stays open for the request it drains.
            long start = System.nanoTime();
            assertEquals(404, timed(own + "y").statusCode());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos(), "the 404 waited");
            assertFalse(inFlight.isDone(), "the held request is still at its backend");

            HttpResponse<String> old = inFlight.get(10, TimeUnit.SECONDS);
            assertEquals(200, old.statusCode(), old.body());
            assertTrue(old.body().contains("\"backend\":\"held-gone\""), old.body());
            // Then its last route is gone, and so is the listener.
            Waits.upTo(Waits.PROMPTLY).untilAsserted(() -> assertThrows(IOException.class, () -> timed(own)));
        }
    }

    /** How long a GET of {@code url} takes to answer 200. */
    private static long millis(String url) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = timed(url);
        long took = (System.nanoTime() - start) / 1_000_000;
        assertEquals(200, r.statusCode(), url + ": " + r.body());
        return took;
    }

    private static HttpResponse<String> timed(String url) throws Exception {
        return CLIENT.send(
                HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(15))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int count(String text, String part) {
        int n = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void aConfigMapVolumeSwappedThroughItsDataLinkIsApplied(@TempDir Path volume) throws Exception {
        // The layout kubelet makes: files link through ..data to a timestamped folder, and an update
        // writes a new folder and atomically replaces the ..data link.
        Path v1 = Files.createDirectory(volume.resolve("..2026_11_25_10_00_00.1"));
        Files.writeString(v1.resolve("gateway.camel.yaml"), constantRoute("cm", "/", "configmap-v1"));
        Files.createSymbolicLink(volume.resolve("..data"), v1.getFileName());
        Files.createSymbolicLink(volume.resolve("gateway.camel.yaml"), Path.of("..data/gateway.camel.yaml"));
        int cmPort = RunningSerai.freePort();
        try (SeraiProcess cm = SeraiProcess.builder()
                .env("SERAI_ROUTES", volume.toString())
                .property("serai.port", cmPort)
                .start(tmp)) {
            String cmUrl = "http://127.0.0.1:" + cmPort + "/";
            cm.awaitStatus(cmUrl, 200, Duration.ofSeconds(20));
            assertEquals(
                    "configmap-v1",
                    CLIENT.send(HttpRequest.newBuilder(URI.create(cmUrl)).build(), HttpResponse.BodyHandlers.ofString())
                            .body());

            Path v2 = Files.createDirectory(volume.resolve("..2026_11_25_10_05_00.2"));
            Files.writeString(v2.resolve("gateway.camel.yaml"), constantRoute("cm", "/", "configmap-v2"));
            Path newLink = Files.createSymbolicLink(volume.resolve("..data_tmp"), v2.getFileName());
            Files.move(newLink, volume.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
            Waits.upTo(Duration.ofSeconds(2))
                    .pollInterval(Duration.ofMillis(25))
                    .untilAsserted(() -> assertEquals(
                            "configmap-v2",
                            CLIENT.send(
                                            HttpRequest.newBuilder(URI.create(cmUrl))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .body(),
                            cm.output()));
        }
    }
}

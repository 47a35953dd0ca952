package io.serai.examples;

import io.serai.support.MetricScrape;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RedisServer;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/rate-limit.camel.yaml started as the README says (a copy, so the test can edit it):
 * SERAI_ROUTES=... java -Dbackend.1=... -Dbackend.2=... -jar target/serai.jar
 */
@Timeout(60)
class RateLimitExampleIT {

    @TempDir
    Path tmp;

    @Test
    void aClientGetsItsBurstOf20Then429AndAReloadOfTheFileStartsItsAllowanceAfresh() throws Exception {
        Path routes = Files.createDirectories(tmp.resolve("routes"));
        Path file = routes.resolve("rate-limit.camel.yaml");
        Files.copy(Path.of("examples/rate-limit.camel.yaml"), file);
        try (TestBackend one = TestBackend.start("one");
                TestBackend two = TestBackend.start("two")) {
            int port = RunningSerai.freePort();
            SeraiProcess.Builder builder = SeraiProcess.builder()
                    .env("SERAI_ROUTES", routes.toString())
                    .property("serai.port", port)
                    .property("backend.1", one.url())
                    .property("backend.2", two.url());
            int admin = builder.adminPort();
            SeraiProcess serai = builder.start(tmp);
            try {
                // Ready on the admin listener, so no request has taken from the allowance before the burst.
                serai.awaitStatus("http://127.0.0.1:" + admin + "/health/ready", 200, Duration.ofSeconds(20));
                long start = System.nanoTime();
                List<RawResponse> answers = burst(port, 30);
                double seconds = (System.nanoTime() - start) / 1e9;
                List<Integer> statuses =
                        answers.stream().map(RawResponse::status).toList();
                long admitted = statuses.stream().filter(s -> s == 200).count();
                assertTrue(statuses.subList(0, 20).stream().allMatch(s -> s == 200), "the burst of 20: " + statuses);
                assertTrue(
                        admitted <= 20 + Math.ceil(seconds * 10) + 1,
                        "20 plus 10/s over " + seconds + " s at most: " + statuses);
                assertTrue(one.requests().size() > 5 && two.requests().size() > 5, "both members served");
                RawResponse rejected = answers.stream()
                        .filter(r -> r.status() == 429)
                        .reduce((a, b) -> b)
                        .orElseThrow(() -> new AssertionError("no 429 in " + statuses));
                assertEquals("1", rejected.header("Retry-After"));
                assertEquals("0", rejected.header("RateLimit-Remaining"));
                assertEquals("20", rejected.header("RateLimit-Limit"));

                // One allowance a minute from now on, so nothing refills while the test looks: editing the
                // file reloads it, and the reloaded bean's allowances start full.
                Files.writeString(file, Files.readString(file).replace("period: 1s", "period: 60s"));
                serai.awaitOutput("Reloaded " + file, Waits.PROMPTLY);
                assertEquals(
                        20,
                        burst(port, 25).stream().filter(r -> r.status() == 200).count());
                Files.writeString(file, Files.readString(file) + "\n# edited\n");
                serai.awaitOutput("Reloaded " + file, 2, Waits.PROMPTLY);
                assertEquals(
                        20,
                        burst(port, 25).stream().filter(r -> r.status() == 200).count(),
                        "the reloaded file's limiter is a new one, with a full allowance");
            } finally {
                serai.close();
            }
        }
    }

    /**
     * examples/shared-rate-limit.camel.yaml as its Run line says, on a real redis-server: 10 a minute per
     * API key, counted in Redis (the lead's three-replica IT shows the sharing itself).
     */
    @Test
    void theSharedLimitAdmitsTenPerApiKeyCountedInRedis() throws Exception {
        Path routes = Files.createDirectories(tmp.resolve("shared"));
        Files.copy(Path.of("examples/shared-rate-limit.camel.yaml"), routes.resolve("shared-rate-limit.camel.yaml"));
        try (RedisServer redis = RedisServer.start(tmp);
                TestBackend backend = TestBackend.start("one")) {
            int port = RunningSerai.freePort();
            SeraiProcess.Builder builder = SeraiProcess.builder()
                    .env("SERAI_ROUTES", routes.toString())
                    .property("serai.port", port)
                    .property("serai.redis.url", redis.url())
                    // A call late by 50 ms on a busy CI machine would fall back to the local limit.
                    .property("serai.redis.timeout", "500ms")
                    .property("backend.1", backend.url());
            int admin = builder.adminPort();
            SeraiProcess serai = builder.start(tmp);
            try {
                serai.awaitStatus("http://127.0.0.1:" + admin + "/health/ready", 200, Duration.ofSeconds(20));
                Waits.upTo(Waits.PROMPTLY).until(() -> MetricScrape.value(admin, "serai_redis_up") == 1.0);
                List<Integer> statuses = new ArrayList<>();
                try (RawHttp client = RawHttp.connect(port)) {
                    for (int i = 0; i < 12; i++) {
                        statuses.add(client.send("GET /x HTTP/1.1\r\nHost: a\r\nX-Api-Key: k1\r\n\r\n")
                                .read()
                                .status());
                    }
                }
                assertEquals(10, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
                assertEquals(":1", redis.command("DBSIZE"), "one bucket, in Redis");
            } finally {
                serai.close();
            }
        }
    }

    private static List<RawResponse> burst(int port, int n) throws Exception {
        List<RawResponse> answers = new ArrayList<>();
        try (RawHttp client = RawHttp.connect(port)) {
            for (int i = 0; i < n; i++) {
                answers.add(client.send("GET /x HTTP/1.1\r\nHost: a\r\n\r\n").read());
            }
        }
        return answers;
    }
}

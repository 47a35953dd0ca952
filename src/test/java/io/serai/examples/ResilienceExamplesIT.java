package io.serai.examples;

import io.serai.support.Behaviours;
import io.serai.support.MemberBackends;
import io.serai.support.MetricScrape;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.SlowClients;
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
 * examples/circuit-breaker.camel.yaml and examples/retry.camel.yaml (bodies too) started as the README says:
 * SERAI_ROUTES=examples/... java -Dbackend.1=... -Dbackend.2=... -jar target/serai.jar
 */
@Timeout(90)
class ResilienceExamplesIT {

    @TempDir
    Path tmp;

    @Test
    void circuitBreakerExampleCutsOffAFailingMemberKeepsItOffAcrossAReloadAndFallsBackWhenAllFail() throws Exception {
        Path routes = Files.createDirectories(tmp.resolve("routes"));
        Path file = routes.resolve("circuit-breaker.camel.yaml");
        Files.copy(Path.of("examples/circuit-breaker.camel.yaml"), file);
        try (MemberBackends members = MemberBackends.start(2)) {
            int port = RunningSerai.freePort();
            SeraiProcess serai = start(members, port, routes.toString());
            try {
                members.status(2, 500);
                List<Integer> warmUp = statuses(port, 12);
                assertTrue(warmUp.contains(500), warmUp.toString());
                assertTrue(
                        serai.output()
                                .contains("circuit breaker for "
                                        + members.backend(2).url() + " (route circuit-breaker) opened"),
                        serai.output());
                assertEquals(
                        List.of(200), statuses(port, 10).stream().distinct().toList());

                Files.writeString(file, Files.readString(file) + "\n# edited\n");
                serai.awaitOutput("Reloaded " + file);
                int before = members.backend(2).requests().size();
                assertEquals(
                        List.of(200), statuses(port, 10).stream().distinct().toList());
                assertEquals(
                        before,
                        members.backend(2).requests().size(),
                        "same configuration after the reload: the breaker is still open");

                members.status(1, 500);
                RawResponse fallback = Waits.upTo(Duration.ofSeconds(15))
                        .pollInterval(Duration.ZERO)
                        .alias("a fallback once both members failed")
                        .until(
                                () -> RawHttp.exchange(port, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n"),
                                r -> r.header("Serai-Fallback") != null);
                assertEquals(503, fallback.status());
                assertEquals("circuit-open", fallback.header("Serai-Fallback"));
                assertEquals("5", fallback.header("Retry-After"));
                assertTrue(fallback.bodyText().contains("try again"), fallback.bodyText());
            } finally {
                serai.close();
            }
        }
    }

    @Test
    void retryExampleSendsAFailedGetToTheOtherMemberButNeverAPost() throws Exception {
        try (MemberBackends members = MemberBackends.start(2)) {
            int port = RunningSerai.freePort();
            SeraiProcess serai = start(members, port, "examples/retry.camel.yaml");
            try {
                members.status(1, 503);
                assertEquals(
                        List.of(200), statuses(port, 10).stream().distinct().toList());
                List<Integer> posts = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    posts.add(RawHttp.exchange(port, "POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\n\r\nx")
                            .status());
                }
                assertEquals(5, posts.stream().filter(s -> s == 503).count(), posts.toString());
            } finally {
                serai.close();
            }
        }
    }

    @Test
    void retryExampleSendsAStreamedBodyAgainWithinTheReplayBufferButNotPastItAndSaysWhy() throws Exception {
        try (MemberBackends members = MemberBackends.start(2)) {
            int port = RunningSerai.freePort();
            int admin = RunningSerai.freePort();
            SeraiProcess serai = start(members, port, "examples/retry.camel.yaml", "serai.admin.port", admin);
            try {
                members.status(1, 503);
                // Round robin: of two requests one goes to the failing member first.
                for (int i = 0; i < 2; i++) {
                    assertEquals(200, putStreamed(port, 32 * 1024), "a 32 KiB body is kept for the retry");
                    assertEquals(32 * 1024, members.backend(2).lastRequest().body().length);
                }
                List<Integer> large = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    large.add(putStreamed(port, 1024 * 1024));
                }
                assertEquals(List.of(200, 503), large.stream().sorted().toList(), "a 1 MiB body is not sent twice");
                serai.awaitOutput("route retry: no retry after gateway-error: more of the request body than "
                        + "serai.stream.replay-buffer had gone to the backend");
                assertEquals(
                        1.0,
                        MetricScrape.value(
                                admin, "serai_retries_skipped_total", "route=\"retry\"", "reason=\"request-body\""));
            } finally {
                serai.close();
            }
        }
    }

    /** A PUT whose body follows its head a moment later, so that it streams; the status. */
    private static int putStreamed(int port, int size) throws Exception {
        byte[] head = ("PUT /doc HTTP/1.1\r\nHost: a\r\nContent-Length: " + size + "\r\n\r\n")
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        return SlowClients.sendInParts(port, head, Behaviours.pattern(size)).status();
    }

    private SeraiProcess start(MemberBackends members, int port, String routes, Object... properties) throws Exception {
        SeraiProcess.Builder b = SeraiProcess.builder()
                .env("SERAI_ROUTES", routes)
                .property("serai.port", port)
                .property("serai.health.passive.consecutive-failures", 0);
        for (int i = 0; i < properties.length; i += 2) {
            b.property(String.valueOf(properties[i]), properties[i + 1]);
        }
        b.properties(members.properties());
        SeraiProcess serai = b.start(tmp);
        serai.awaitStatus("http://127.0.0.1:" + port + "/", 200, Duration.ofSeconds(20));
        return serai;
    }

    private static List<Integer> statuses(int port, int n) throws Exception {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(RawHttp.exchange(port, "GET /x HTTP/1.1\r\nHost: a\r\n\r\n").status());
        }
        return out;
    }
}

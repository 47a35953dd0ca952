package io.serai.config;

import io.serai.reload.ReloadSettings;
import io.serai.reload.RouteFiles;
import io.serai.reload.RouteReloader;
import io.serai.routing.RouteGenerations;
import io.serai.support.RawHttp;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import io.serai.support.TestJwts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every background thread of Serai comes from Camel's ExecutorServiceManager: it carries Camel's name
 * ({@code Camel (<context>) thread #<n> - serai-...}) and it ends when the context stops.
 */
@Timeout(60)
class BackgroundThreadsTest {

    private static final List<String> EXPECTED = List.of(
            "serai-health",
            "serai-route-reload",
            "serai-tls-reload",
            "serai-upstream-tls-reload",
            "serai-credential-files",
            "serai-jwks",
            "serai-jwt-check",
            "serai-basic-auth",
            "serai-access-log");

    /** Camel's default thread name pattern, {@code Camel (#camelId#) thread ##counter# - #name#}. */
    private static final Pattern CAMEL_NAME = Pattern.compile("Camel \\(.+\\) thread #\\d+ - serai-.+");

    private static final String ROUTES = """
            - beans:
                - name: keys
                  type: "#class:io.serai.security.ApiKeyCheck"
                  properties:
                    keysFile: "{{keys.file}}"
                - name: jwt
                  type: "#class:io.serai.security.JwtCheck"
                  properties:
                    jwksFile: "{{jwks.file}}"
                    audience: orders-api
                - name: users
                  type: "#class:io.serai.security.BasicAuthCheck"
                  properties:
                    usersFile: "{{users.file}}"
            - route:
                id: checked-by-key
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/keys?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: keys
                    - loadBalance:
                        roundRobinLoadBalancer: {}
                        steps:
                          - to: "netty-http:http://{{backend.1}}?healthCheckPath=/health&healthCheckInterval=100ms"
            - route:
                id: checked-by-jwt
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/jwt?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: jwt
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: checked-by-password
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/basic?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: users
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: over-tls
                from:
                  uri: "netty-http:https://127.0.0.1:{{tls.port}}/?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:https://127.0.0.1:1?tlsCa={{ca.file}}"
            """;

    @TempDir
    Path dir;

    @Test
    void everyBackgroundThreadIsNamedByCamelAndEndsWhenTheContextStops() throws Exception {
        TestCertificates authority = TestCertificates.authority("Serai Test CA");
        Path[] listener = authority.issue("localhost", "127.0.0.1").write(dir, "listener");
        Path ca = authority.writeCa(dir.resolve("ca.pem"));
        Path keys = Files.writeString(dir.resolve("keys.txt"), "ops:k-123\n");
        Path jwks = Files.writeString(dir.resolve("jwks.json"), TestJwts.jwks(TestJwts.rsaKey("r")));
        Path users = Files.writeString(dir.resolve("users.htpasswd"), "# nobody yet\n");
        List<Thread> made;
        try (TestBackend backend = TestBackend.start("threads");
                RunningSerai serai = RunningSerai.routes(ROUTES)
                        .property("backend.1", backend.hostPort())
                        .property("tls.port", RunningSerai.freePort())
                        .property("ca.file", ca)
                        .property("serai.tls.cert", listener[0])
                        .property("serai.tls.key", listener[1])
                        .property("keys.file", keys)
                        .property("jwks.file", jwks)
                        .property("users.file", users)
                        .property("serai.access-log", dir.resolve("access.log"))
                        .start(dir)) {
            // in-process, camel-main does not run Serai's afterStart, which starts the route file watcher
            Path watched = Files.createDirectory(dir.resolve("watched"));
            new RouteReloader(
                            serai.context(),
                            new RouteFiles(RouteLocations.parse(watched.toString())),
                            new ReloadSettings(true, Duration.ofMillis(100), Duration.ofSeconds(1)),
                            new RouteGenerations(),
                            () -> {})
                    .start();
            // the check pools start with their first request
            assertEquals(
                    401,
                    RawHttp.exchange(
                                    serai.port(),
                                    "GET /jwt HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer not.a.token\r\n\r\n")
                            .status());
            assertEquals(
                    401,
                    RawHttp.exchange(
                                    serai.port(),
                                    "GET /basic HTTP/1.1\r\nHost: a\r\nAuthorization: Basic dXNlcjpwdw==\r\n\r\n")
                            .status());
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                List<String> names =
                        seraiThreads().stream().map(Thread::getName).toList();
                for (String expected : EXPECTED) {
                    assertTrue(
                            names.stream().anyMatch(n -> n.endsWith(" - " + expected)), expected + " not in " + names);
                }
            });
            made = seraiThreads();
            List<String> handRolled = Thread.getAllStackTraces().keySet().stream()
                    .map(Thread::getName)
                    .filter(n -> n.startsWith("serai-") && !n.startsWith("serai-upstream-"))
                    .toList();
            assertEquals(List.of(), handRolled, "threads not made by Camel's ExecutorServiceManager");
        }
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertEquals(
                        List.of(),
                        made.stream()
                                .filter(Thread::isAlive)
                                .map(Thread::getName)
                                .toList(),
                        "threads still alive after the context stopped"));
    }

    /** The live threads Camel's ExecutorServiceManager made under a Serai name. */
    private static List<Thread> seraiThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(t -> CAMEL_NAME.matcher(t.getName()).matches())
                .toList();
    }
}

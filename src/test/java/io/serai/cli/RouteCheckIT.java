package io.serai.cli;

import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code java -jar target/serai.jar --check}, {@code --version} and {@code --help} as a user (or CI, or an
 * init container) runs them: the shipped routes and every example pass while the test holds Serai's ports
 * and counts connections to the backends; broken files are reported one line each, in the form
 * {@code file:line: route id: message}.
 */
class RouteCheckIT {

    private static final Duration EXIT = Duration.ofSeconds(60);

    @TempDir
    static Path tmp;

    static TestBackend backend;
    static Path certificate;
    static Path key;

    @BeforeAll
    static void start() throws Exception {
        // Every backend and the Redis of the examples point here: a check must connect to none of them.
        backend = TestBackend.start("counting");
        Path[] tls = TestCertificates.selfSigned("localhost").write(tmp, "tls");
        certificate = tls[0];
        key = tls[1];
    }

    @AfterAll
    static void stop() throws IOException {
        backend.close();
    }

    /**
     * One JVM for the shipped routes and every example (a JVM and Camel's first start cost seconds); each PATH is
     * still checked as its own start.
     */
    @Test
    void theShippedRoutesAndEveryExamplePassWhileTheirPortsAreTakenWithoutContactingABackendOrRedis() throws Exception {
        List<String> args = new ArrayList<>(List.of("--check", "routes/"));
        try (Stream<Path> files = Files.list(Path.of("examples"))) {
            files.filter(f -> f.toString().endsWith(".camel.yaml")).sorted().forEach(f -> args.add(f.toString()));
        }
        int[] ports = RunningSerai.freePorts(4);
        try (ServerSocket traffic = hold(null, ports[0]);
                ServerSocket demo1 = hold(InetAddress.getLoopbackAddress(), ports[1]);
                ServerSocket demo2 = hold(InetAddress.getLoopbackAddress(), ports[2]);
                ServerSocket admin = hold(InetAddress.getLoopbackAddress(), ports[3]);
                SeraiProcess check = SeraiProcess.builder()
                        // The placeholders CI checks the examples with; files and backends made real here.
                        .jvmOption("@" + Path.of("examples/check.options").toAbsolutePath())
                        .property("serai.port", ports[0])
                        .property("demo.backend.1.port", ports[1])
                        .property("demo.backend.2.port", ports[2])
                        .property("serai.admin.port", ports[3])
                        .property("backend.1", backend.url())
                        .property("backend.2", backend.url())
                        .property("backend.3", backend.url())
                        .property("upstream.url", backend.url())
                        .property("serai.redis.url", "redis://" + backend.hostPort())
                        .property("tls.cert", certificate)
                        .property("tls.key", key)
                        .property("client.ca", certificate)
                        .property("upstream.ca", certificate)
                        .separateErrors()
                        .arguments(args.toArray(String[]::new))
                        .start(tmp)) {
            assertEquals(0, check.awaitExit(EXIT), check.output() + check.errors());
            // routes/ is one file of 4 routes; the examples are one file each.
            assertTrue(
                    check.output()
                            .matches("serai: " + (args.size() - 1) + " route file\\(s\\), \\d+ route\\(s\\) OK\n"),
                    check.output());
        }
        // examples/health-checks.camel.yaml checks its members every second, had it started them.
        assertEquals(0, backend.connectionCount(), "connections to the backend during --check");
    }

    @Test
    void everyBrokenFileIsReportedOnItsOwnLineAtTheLineOfTheMistake() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("broken"));
        Files.writeString(dir.resolve("a-syntax.camel.yaml"), """
                - route:
                    id: syntax
                    from:
                      uri: "netty-http:http://0.0.0.0:{{serai.port}}/a"
                      steps:
                        - to: "netty-http:http://127.0.0.1:9"
                       - setBody: {constant: misindented}
                """);
        Files.writeString(dir.resolve("b-option.camel.yaml"), """
                # a mistyped option: Camel checks every endpoint's options
                - route:
                    id: unknown-option
                    from:
                      uri: "netty-http:http://0.0.0.0:{{serai.port}}/b"
                      steps:
                        - to: "netty-http:http://127.0.0.1:9?conectTimeout=1000"
                """);
        Files.writeString(dir.resolve("c-limit.camel.yaml"), """
                - beans:
                    - name: tooFew
                      type: "#class:io.serai.resilience.RateLimitPolicy"
                      properties:
                        limit: -1
                        period: 1s
                - route:
                    id: negative-limit
                    from:
                      uri: "netty-http:http://0.0.0.0:{{serai.port}}/c"
                      steps:
                        - policy:
                            ref: tooFew
                            steps:
                              - to: "netty-http:http://127.0.0.1:9"
                """);
        try (SeraiProcess check = SeraiProcess.builder()
                .property("serai.port", RunningSerai.freePort())
                .separateErrors()
                .arguments("--check", dir.toString())
                .start(tmp)) {
            assertEquals(1, check.awaitExit(EXIT), check.output() + check.errors());
            List<String> problems = check.errors()
                    .lines()
                    .filter(l -> l.contains(".camel.yaml"))
                    .toList();
            assertEquals(3, problems.size(), check.errors());
            assertTrue(
                    problems.get(0)
                            .startsWith(
                                    dir.resolve("a-syntax.camel.yaml") + ":7: syntax: while parsing a block mapping"),
                    problems.get(0));
            assertTrue(
                    problems.get(1).startsWith(dir.resolve("b-option.camel.yaml") + ":7: unknown-option: ")
                            && problems.get(1).contains("Unknown parameters=[{conectTimeout=1000}]"),
                    problems.get(1));
            assertEquals(
                    dir.resolve("c-limit.camel.yaml")
                            + ":5: bean tooFew: rate limit limit=-1 is invalid: expected 1 or more requests",
                    problems.get(2));
            assertEquals("", check.output(), "no summary when the check failed");
        }
    }

    @Test
    void versionHelpAndAnUnknownFlagAnswerAtOnce() throws Exception {
        try (SeraiProcess version = SeraiProcess.builder()
                        .separateErrors()
                        .arguments("--version")
                        .start(tmp);
                SeraiProcess help = SeraiProcess.builder()
                        .separateErrors()
                        .arguments("--help")
                        .start(tmp);
                SeraiProcess unknown = SeraiProcess.builder()
                        .separateErrors()
                        .arguments("--chek")
                        .start(tmp)) {
            assertEquals(0, version.awaitExit(EXIT), version.errors());
            List<String> lines = version.output().lines().toList();
            assertEquals(3, lines.size(), version.output());
            assertTrue(lines.get(0).matches("serai \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), lines.get(0));
            assertTrue(lines.get(1).matches("camel 4\\.\\d+\\.\\d+"), lines.get(1));
            assertTrue(lines.get(2).startsWith("java " + Runtime.version().feature()), lines.get(2));

            assertEquals(0, help.awaitExit(EXIT), help.errors());
            assertTrue(help.output().contains("--check [PATH...]"), help.output());
            assertTrue(help.output().contains("SERAI_ROUTES"), help.output());
            assertTrue(help.output().contains("\"Settings\" table of README.md"), help.output());

            assertEquals(2, unknown.awaitExit(EXIT), unknown.output());
            assertTrue(unknown.errors().startsWith("serai: unknown option --chek\nUsage: "), unknown.errors());
            assertEquals("", unknown.output());
        }
    }

    /** Takes {@code port} as a running Serai would; null address: every address, as 0.0.0.0 listeners take it. */
    private static ServerSocket hold(InetAddress address, int port) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(address == null ? new InetSocketAddress(port) : new InetSocketAddress(address, port));
        return socket;
    }
}

package io.serai.examples;

import com.password4j.Argon2Function;
import com.password4j.BcryptFunction;
import com.password4j.types.Argon2;
import com.password4j.types.Bcrypt;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * examples/api-key.camel.yaml, examples/ip-allowlist.camel.yaml and examples/basic-auth.camel.yaml
 * started as their Run lines say (a copy of each, in a routes directory): what a client gets, what the
 * backend receives, and that no credential shows in Serai's output or access log.
 */
@Timeout(90)
class AccessCheckExamplesIT {

    @TempDir
    Path tmp;

    @Test
    void apiKeyExampleLetsInTheKeyHolderUnderTheKeysName() throws Exception {
        String key = "5d0b7c2e9a41f3e8b6c1d0a9f8e7d6c5";
        try (TestBackend upstream = TestBackend.start("upstream")) {
            int port = RunningSerai.freePort();
            Path log = tmp.resolve("access.log");
            try (SeraiProcess serai = SeraiProcess.builder()
                    .env("SERAI_ROUTES", copy("api-key.camel.yaml").toString())
                    .property("serai.port", port)
                    .property("upstream.url", upstream.url())
                    .property("api-keys.secret", "mobile:" + key + ",partner:0f1e2d3c4b5a69788796a5b4c3d2e1f0")
                    .property("serai.access-log", log)
                    .start(tmp)) {
                awaitStatus(serai, port, 401);
                RawResponse ok = get(port, "/orders?id=7", "X-Api-Key: " + key + "\r\nX-Api-Key-Name: partner\r\n");
                assertEquals(200, ok.status());
                assertEquals("/orders?id=7", upstream.lastRequest().target());
                assertEquals("mobile", upstream.lastRequest().header("X-Api-Key-Name"));
                assertNull(upstream.lastRequest().header("X-Api-Key"));

                int before = upstream.requests().size();
                RawResponse wrong = get(port, "/orders", "X-Api-Key: " + key.replace('5', '6') + "\r\n");
                assertEquals(401, wrong.status());
                assertEquals("ApiKey header=\"X-Api-Key\"", wrong.header("WWW-Authenticate"));
                assertEquals(401, get(port, "/orders", "").status());
                assertEquals(before, upstream.requests().size(), "nothing unauthenticated reaches the backend");
                assertNoSecret(serai, port, log, key);
            }
        }
    }

    @Test
    void ipAllowlistExampleChecksTheClientBehindTheTrustedProxy() throws Exception {
        try (TestBackend upstream = TestBackend.start("upstream")) {
            int port = RunningSerai.freePort();
            try (SeraiProcess serai = SeraiProcess.builder()
                    .env("SERAI_ROUTES", copy("ip-allowlist.camel.yaml").toString())
                    .property("serai.port", port)
                    .property("upstream.url", upstream.url())
                    .property("serai.trusted-proxies", "127.0.0.1,10.0.0.2")
                    .start(tmp)) {
                awaitStatus(serai, port, 200);
                assertEquals(
                        200, get(port, "/a", "X-Forwarded-For: 10.1.2.3\r\n").status());
                assertEquals("10.1.2.3, 127.0.0.1", upstream.lastRequest().header("X-Forwarded-For"));
                assertEquals(
                        200,
                        get(port, "/a", "X-Forwarded-For: 2001:db8:42::7\r\n").status());
                assertEquals(
                        200,
                        get(port, "/a", "X-Forwarded-For: 203.0.113.7, 192.168.1.20, 10.0.0.2\r\n")
                                .status(),
                        "the load balancer at 10.0.0.2 is skipped; what the client wrote further left is not believed");

                int before = upstream.requests().size();
                RawResponse refused = get(port, "/a", "X-Forwarded-For: 203.0.113.7\r\n");
                assertEquals(403, refused.status());
                assertEquals("403 Forbidden: client address not allowed\n", refused.bodyText());
                assertEquals(
                        403, get(port, "/a", "X-Forwarded-For: 10.13.5.5\r\n").status(), "deny wins");
                assertEquals(
                        403,
                        get(port, "/a", "X-Forwarded-For: 10.1.2.3, 203.0.113.7\r\n")
                                .status());
                assertEquals(before, upstream.requests().size());
            }
        }
    }

    @Test
    void basicAuthExampleLetsInTheUsersOfTheFileAndReadsItAgainWhenItChanges() throws Exception {
        Path users = Files.writeString(
                tmp.resolve("users.htpasswd"),
                "# staff\n"
                        + "ann:"
                        + BcryptFunction.getInstance(Bcrypt.Y, 6)
                                .hash("ann-Pw-41")
                                .getResult() + "\n"
                        + "ben:"
                        + Argon2Function.getInstance(4096, 2, 1, 32, Argon2.ID)
                                .hash("ben-Pw-52", "ben-salt-0123456")
                                .getResult()
                        + "\n");
        try (TestBackend upstream = TestBackend.start("upstream")) {
            int port = RunningSerai.freePort();
            Path log = tmp.resolve("access.log");
            try (SeraiProcess serai = SeraiProcess.builder()
                    .env("SERAI_ROUTES", copy("basic-auth.camel.yaml").toString())
                    .property("serai.port", port)
                    .property("upstream.url", upstream.url())
                    .property("users.file", users)
                    .property("serai.access-log", log)
                    .start(tmp)) {
                awaitStatus(serai, port, 401);
                assertEquals(
                        200,
                        get(port, "/a", basic("ann", "ann-Pw-41") + "X-Authenticated-User: root\r\n")
                                .status());
                assertEquals("ann", upstream.lastRequest().header("X-Authenticated-User"));
                assertNull(upstream.lastRequest().header("Authorization"));
                assertEquals(200, get(port, "/a", basic("ben", "ben-Pw-52")).status());

                int before = upstream.requests().size();
                RawResponse wrong = get(port, "/a", basic("ann", "ann-Pw-42"));
                assertEquals(401, wrong.status());
                assertEquals("Basic realm=\"Staff\", charset=\"UTF-8\"", wrong.header("WWW-Authenticate"));
                assertEquals(401, get(port, "/a", basic("cat", "cat-Pw-63")).status());
                assertEquals(before, upstream.requests().size());

                Files.writeString(
                        users,
                        "cat:"
                                + BcryptFunction.getInstance(Bcrypt.Y, 6)
                                        .hash("cat-Pw-63")
                                        .getResult() + "\n");
                // the changed file applies without a restart
                Waits.forStatus(200, Duration.ofSeconds(20), () -> get(port, "/a", basic("cat", "cat-Pw-63")));
                assertEquals(401, get(port, "/a", basic("ann", "ann-Pw-41")).status(), "ann was removed");
                assertNoSecret(serai, port, log, "ann-Pw-41", "ben-Pw-52", "cat-Pw-63", "ann-Pw-42");
            }
        }
    }

    /** Waits (bounded) until Serai listens and answers {@code /} with {@code status}. */
    private static void awaitStatus(SeraiProcess serai, int port, int status) {
        serai.awaitStatus(status, Waits.STARTUP, () -> get(port, "/", ""));
    }

    private Path copy(String example) throws IOException {
        Path routes = Files.createDirectories(tmp.resolve("routes"));
        return Files.copy(Path.of("examples", example), routes.resolve(example));
    }

    /**
     * No secret in the output or the access log. Ordered, not paused for: the access log has one writer that
     * keeps the order of the answers, so once a later request's line is written, every earlier one is too.
     */
    private static void assertNoSecret(SeraiProcess serai, int port, Path log, String... secrets) throws Exception {
        String later = "/logged-after-" + System.nanoTime();
        get(port, later, "");
        Waits.forFileText(log, later, Waits.PROMPTLY);
        String logged = serai.output() + (Files.exists(log) ? Files.readString(log) : "");
        for (String secret : secrets) {
            assertFalse(logged.contains(secret), "a credential in Serai's output or access log:\n" + logged);
            String encoded = Base64.getEncoder().encodeToString(secret.getBytes(StandardCharsets.UTF_8));
            assertFalse(logged.contains(encoded), logged);
        }
    }

    private static String basic(String user, String password) {
        return "Authorization: Basic "
                + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)) + "\r\n";
    }

    private static RawResponse get(int port, String target, String headers) throws IOException {
        return RawHttp.exchange(port, "GET " + target + " HTTP/1.1\r\nHost: a\r\n" + headers + "\r\n");
    }
}

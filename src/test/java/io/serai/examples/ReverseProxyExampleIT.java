package io.serai.examples;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * examples/reverse-proxy.camel.yaml, started exactly as the README says:
 * SERAI_ROUTES=examples/reverse-proxy.camel.yaml java -Dupstream.url=... -Ddeny.prefix=/admin -jar target/serai.jar
 */
class ReverseProxyExampleIT {

    @TempDir
    static Path tmp;

    static TestBackend upstream;
    static SeraiProcess serai;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        upstream = TestBackend.start("upstream");
        port = RunningSerai.freePort();
        serai = SeraiProcess.builder()
                .env("SERAI_ROUTES", "examples/reverse-proxy.camel.yaml")
                .property("serai.port", port)
                .property("upstream.url", upstream.url())
                .property("deny.prefix", "/admin")
                .start(tmp);
        serai.awaitStatus("http://127.0.0.1:" + port + "/ready", 200, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        upstream.close();
    }

    @ParameterizedTest(name = "{0} is forwarded as {1}")
    @CsvSource({
        "/, /",
        "/ok/x?q=1%20y, /ok/x?q=1%20y",
        "/administrator, /administrator",
        "/ok/./x/../y//z, /ok/y/z",
        "/%6Fk/%7euser, /ok/~user",
        "/ok/admin, /ok/admin",
    })
    void pathsOutsideTheDeniedPrefixAreForwardedNormalized(String target, String received) throws Exception {
        RawResponse r = RawHttp.exchange(port, "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(200, r.status(), r.bodyText());
        assertEquals(received, upstream.lastRequest().target());
    }

    @ParameterizedTest(name = "{0} is denied")
    @ValueSource(
            strings = {
                "/admin",
                "/admin/",
                "/admin/x",
                "/ok/../admin/x",
                "/ok/%2e%2e/admin/x",
                "/ok/%2E%2E/admin/x",
                "/%61dmin/x",
                "/%61%64%6d%69%6e/x",
                "//admin/x",
                "/./admin/x",
                "/admin/./x?y=1",
                "/ADMIN/x",
                "/Admin",
                "/admin;p=1/x",
                "/admin./x",
                "/admin..;p/x"
            })
    void pathsUnderTheDeniedPrefixAreRefusedAfterNormalization(String target) throws Exception {
        int before = upstream.requests().size();
        RawResponse r = RawHttp.exchange(port, "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(403, r.status());
        assertTrue(r.bodyText().startsWith("403 Forbidden"), r.bodyText());
        assertEquals(before, upstream.requests().size(), "a denied request reached the upstream");
    }

    @ParameterizedTest(name = "{0} is refused before any route")
    @ValueSource(strings = {"/admin%2Fx", "/ok%2F..%2Fadmin/x", "/admin%5Cx", "/admin\\x", "/admin%00/x"})
    void pathsBackendsReadDifferentlyAreRefusedWith400(String target) throws Exception {
        int before = upstream.requests().size();
        RawResponse r = RawHttp.exchange(port, "GET " + target + " HTTP/1.1\r\nHost: h\r\n\r\n");
        assertEquals(400, r.status(), r.bodyText());
        assertEquals(before, upstream.requests().size(), "a refused request reached the upstream");
    }

    @Test
    void aDeniedAnswerEchoesNoRequestHeader() throws Exception {
        RawResponse r = RawHttp.exchange(port, "GET /admin/x HTTP/1.1\r\nHost: h\r\nX-Secret-Token: t\r\n\r\n");
        assertEquals(403, r.status());
        assertTrue(r.headers().stream().noneMatch(h -> h.getKey().equalsIgnoreCase("X-Secret-Token")));
    }
}

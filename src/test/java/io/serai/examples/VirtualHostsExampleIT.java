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

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * examples/virtual-hosts.camel.yaml on the jar, as the README starts it:
 * SERAI_ROUTES=examples/virtual-hosts.camel.yaml java -Dbackend.1=... -Dbackend.2=... -jar target/serai.jar
 */
class VirtualHostsExampleIT {

    @TempDir
    static Path tmp;

    static TestBackend api;
    static TestBackend apps;
    static SeraiProcess serai;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        api = TestBackend.start("api");
        apps = TestBackend.start("apps");
        port = RunningSerai.freePort();
        serai = SeraiProcess.builder()
                .env("SERAI_ROUTES", "examples/virtual-hosts.camel.yaml")
                .property("serai.port", port)
                .property("backend.1", api.url())
                .property("backend.2", apps.url())
                .start(tmp);
        serai.awaitStatus("http://127.0.0.1:" + port + "/", 404, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stop() throws Exception {
        serai.close();
        api.close();
        apps.close();
    }

    @ParameterizedTest(name = "Host {0} is served by {1}")
    @CsvSource({
        "api.localhost, api",
        "API.LocalHost:8080, api",
        "shop.apps.localhost, apps",
        "a.b.apps.localhost, apps",
        "apps.localhost, none",
        "other.localhost, none",
    })
    void eachHostIsServedByItsOwnSite(String host, String site) throws Exception {
        RawResponse r = RawHttp.exchange(port, "GET /users HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        if (site.equals("none")) {
            assertEquals(404, r.status(), r.bodyText());
            assertEquals("404 Not Found: no site here", r.bodyText());
        } else {
            assertEquals(200, r.status(), r.bodyText());
            assertEquals(site, r.header("X-Backend"));
            assertEquals(host, (site.equals("api") ? api : apps).lastRequest().header("Host"));
        }
    }

    @Test
    void anAbsoluteFormTargetIsServedByTheSiteItNames() throws Exception {
        RawResponse r =
                RawHttp.exchange(port, "GET http://api.localhost/users HTTP/1.1\r\nHost: other.localhost\r\n\r\n");
        assertEquals("api", r.header("X-Backend"));
        assertEquals("/users", api.lastRequest().target());
    }
}

package io.serai.security;

import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.SeraiProcess;
import io.serai.support.TestBackend;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Credentials never reach the log, whatever happens to the request: answered, refused by the
 * backend, failed in the route, failed to connect. Everything the jar prints is searched.
 */
@Timeout(60)
class CredentialsNotLoggedIT {

    private static final String ROUTES = """
            - route:
                id: through
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/ok?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:{{upstream.url}}"
            - route:
                id: unreachable
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/down?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:{{refused.url}}"
            - route:
                id: broken
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/broken?matchOnUriPrefix=true"
                  steps:
                    - throwException:
                        exceptionType: java.lang.IllegalStateException
                        message: "the route broke"
            """;

    private static final List<String> SECRETS = List.of(
            "Zm9vOnNlY3JldC1wYXNzd29yZA",
            "eyJhbGciOi.secret-token",
            "session-cookie-value",
            "query-api-key-value",
            "header-api-key-value");

    @Test
    void noCredentialAppearsInTheOutputForAnsweredRefusedAndFailedRequests(@TempDir Path tmp) throws Exception {
        Path routes = Files.createDirectories(tmp.resolve("routes"));
        Files.writeString(routes.resolve("routes.camel.yaml"), ROUTES);
        try (TestBackend upstream = TestBackend.start("upstream")) {
            int port = RunningSerai.freePort();
            try (SeraiProcess serai = SeraiProcess.builder()
                    .env("SERAI_ROUTES", routes.toString())
                    .property("serai.port", port)
                    .property("upstream.url", upstream.url())
                    .property("refused.url", TestBackend.refusingUrl())
                    .start(tmp)) {
                serai.awaitStatus("http://127.0.0.1:" + port + "/ok", 200, Duration.ofSeconds(20));
                for (String path : List.of("/ok/a", "/down/a", "/broken/a")) {
                    RawResponse r = RawHttp.exchange(
                            port,
                            "GET " + path + "?api_key=query-api-key-value&x=1 HTTP/1.1\r\n"
                                    + "Host: a\r\nAuthorization: Basic Zm9vOnNlY3JldC1wYXNzd29yZA==\r\n"
                                    + "Proxy-Authorization: Bearer eyJhbGciOi.secret-token\r\n"
                                    + "Cookie: s=session-cookie-value\r\nX-Api-Key: header-api-key-value\r\n\r\n");
                    assertEquals(path.startsWith("/ok") ? 200 : path.startsWith("/down") ? 502 : 500, r.status(), path);
                    for (String secret : SECRETS) {
                        // the test backend echoes what it got; Serai's own error pages must not
                        assertFalse(
                                !path.startsWith("/ok") && r.bodyText().contains(secret),
                                path + " answered with a credential: " + r.bodyText());
                    }
                }
                // Ordered, not paused for: the access log's one writer keeps the order of the answers, so once
                // the last request's line is out, every line is.
                serai.awaitOutput("\"path\":\"/broken/a\"");
                String output = serai.output();
                for (String secret : SECRETS) {
                    assertFalse(output.contains(secret), "\"" + secret + "\" is in the output:\n" + output);
                }
            }
        }
    }
}

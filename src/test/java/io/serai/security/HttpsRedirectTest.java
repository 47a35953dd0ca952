package io.serai.security;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.serai.http.IngressRequest;
import io.serai.http.RequestTarget;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import io.serai.support.TlsClient;
import org.apache.camel.Exchange;
import org.apache.camel.component.netty.http.NettyHttpConstants;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The HTTP to HTTPS redirect step, as a client and the backend behind it see it. */
@Timeout(30)
class HttpsRedirectTest {

    private static final String ROUTES = """
            - beans:
                - name: toHttps
                  type: "#class:io.serai.security.HttpsRedirect"
                - name: toHttps8443
                  type: "#class:io.serai.security.HttpsRedirect"
                  properties:
                    httpsPort: 8443
                - name: temporarily
                  type: "#class:io.serai.security.HttpsRedirect"
                  properties:
                    status: 307
            - route:
                id: plain
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: toHttps
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: other-port
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/other-port?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: toHttps8443
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: temporary
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/temporary?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: temporarily
                    - to: "netty-http:http://{{backend.1}}"
            - route:
                id: secure
                from:
                  uri: "netty-http:https://127.0.0.1:{{https.port}}/?matchOnUriPrefix=true"
                  steps:
                    - process:
                        ref: toHttps
                    - to: "netty-http:http://{{backend.1}}"
            """;

    @TempDir
    static Path dir;

    static TestCertificates authority;
    static TestBackend backend;
    static RunningSerai serai;
    static int httpsPort;

    @BeforeAll
    static void start() throws Exception {
        authority = TestCertificates.authority("Redirect CA");
        Path[] pair = authority.issue("localhost", "127.0.0.1").write(dir, "server");
        backend = TestBackend.start("behind-redirect");
        httpsPort = RunningSerai.freePort();
        serai = RunningSerai.routes(ROUTES)
                .property("backend.1", backend.hostPort())
                .property("https.port", httpsPort)
                .property("serai.tls.cert", pair[0])
                .property("serai.tls.key", pair[1])
                .start(dir);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        backend.close();
    }

    @Test
    void aGetIsMovedPermanentlyToTheSameHostPathAndQueryOverHttpsAndNeverReachesTheBackend() throws IOException {
        int before = backend.requests().size();
        RawResponse r =
                send("GET /shop/items?page=2&sort=asc HTTP/1.1\r\nHost: shop.example.com\r\nCookie: s=1\r\n\r\n");
        assertEquals(301, r.status());
        assertEquals("https://shop.example.com/shop/items?page=2&sort=asc", r.header("Location"));
        assertEquals("0", r.header("Content-Length"));
        assertEquals(0, r.body().length);
        assertTrue(!r.hasHeader("Cookie"), "nothing the client sent is echoed");
        assertEquals(before, backend.requests().size(), "the backend got nothing");
    }

    @Test
    void aHeadIsMovedPermanentlyToo() throws IOException {
        int before = backend.requests().size();
        RawHttp client = RawHttp.connect(serai.port());
        try (client) {
            RawResponse r = client.send("HEAD /x HTTP/1.1\r\nHost: shop.example.com\r\n\r\n")
                    .read("HEAD");
            assertEquals(301, r.status());
            assertEquals("https://shop.example.com/x", r.header("Location"));
        }
        assertEquals(before, backend.requests().size(), "the backend got nothing");
    }

    @Test
    void aPostGets308SoTheClientResendsItsMethodAndBodyAndThePortOfTheHostIsDropped() throws IOException {
        int before = backend.requests().size();
        RawResponse r =
                send("POST /orders?x=1 HTTP/1.1\r\nHost: shop.example.com:8080\r\nContent-Length: 5\r\n\r\nhello");
        assertEquals(308, r.status());
        assertEquals("https://shop.example.com/orders?x=1", r.header("Location"));
        assertEquals(before, backend.requests().size(), "the backend got nothing");
    }

    @Test
    void aConfiguredHttpsPortIsInTheLocationAndTheHostIsLowerCased() throws IOException {
        RawResponse r = send("GET /other-port/a HTTP/1.1\r\nHost: Shop.Example.COM:80\r\n\r\n");
        assertEquals(301, r.status());
        assertEquals("https://shop.example.com:8443/other-port/a", r.header("Location"));
    }

    @Test
    void aConfiguredStatusIsUsedForEveryMethod() throws IOException {
        assertEquals(
                307,
                send("GET /temporary/a HTTP/1.1\r\nHost: shop.example.com\r\n\r\n")
                        .status());
        assertEquals(
                307,
                send("DELETE /temporary/a HTTP/1.1\r\nHost: shop.example.com\r\n\r\n")
                        .status());
    }

    @Test
    void ipAddressesAreKeptAsTheClientSentThem() throws IOException {
        assertEquals(
                "https://127.0.0.1/a",
                send("GET /a HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n").header("Location"));
        assertEquals(
                "https://[::1]/a",
                send("GET /a HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n").header("Location"));
    }

    @Test
    void anAbsoluteFormTargetsAuthorityIsTheRequestsHostAsRfc9112Says() throws IOException {
        RawResponse r = send("GET http://api.example.com/a?b HTTP/1.1\r\nHost: shop.example.com\r\n\r\n");
        assertEquals("https://api.example.com/a?b", r.header("Location"));
    }

    @Test
    void aHostThatIsNotAHostNameGets400AndNoRedirect() throws IOException {
        int before = backend.requests().size();
        RawResponse r = send("GET /a HTTP/1.1\r\nHost: evil.example!x\r\n\r\n");
        assertEquals(400, r.status());
        assertTrue(!r.hasHeader("Location"));
        assertEquals("400 Bad Request: no host name to redirect to HTTPS\n", r.bodyText());
        assertEquals(before, backend.requests().size(), "the backend got nothing");
    }

    @Test
    void aTargetThatIsNeitherOriginFormNorAbsoluteFormGets400AndNoLocation() throws IOException {
        int before = backend.requests().size();
        for (String target : List.of("@evil.com/", ".evil.com/", "evil.com/x", "*")) {
            RawResponse r = send("GET " + target + " HTTP/1.1\r\nHost: shop.example.com\r\n\r\n");
            assertEquals(400, r.status(), target);
            assertNull(r.header("Location"), target + " gave Location " + r.header("Location"));
        }
        assertEquals(before, backend.requests().size(), "the backend got nothing");
    }

    @Test
    void theStepOnItsOwnNeverBuildsALocationFromATargetThatIsNotOriginFormOrAbsoluteForm() throws Exception {
        try (DefaultCamelContext context = new DefaultCamelContext()) {
            int reachedTheStep = 0;
            for (String target :
                    List.of("@evil.com/", ".evil.com/", "evil.com", "*", "/a b", "/a\\b", "/%zz", "/a?<x>")) {
                RequestTarget parsed;
                try {
                    parsed = RequestTarget.parse(target);
                } catch (RequestTarget.BadRequestTarget refusedByIngress) {
                    continue; // the ingress answers 400 before any step runs
                }
                reachedTheStep++;
                Exchange exchange = new DefaultExchange(context);
                exchange.setProperty(
                        IngressRequest.PROPERTY,
                        new IngressRequest(
                                HttpMethod.GET,
                                HttpVersion.HTTP_1_1,
                                true,
                                new DefaultHttpHeaders().add("Host", "shop.example.com"),
                                parsed));
                new HttpsRedirect().process(exchange);
                assertEquals(400, exchange.getMessage().getHeader(NettyHttpConstants.HTTP_RESPONSE_CODE), target);
                assertNull(exchange.getMessage().getHeader("Location"), target);
                assertTrue(exchange.isRouteStop(), target);
            }
            assertEquals(2, reachedTheStep, "* and /a?<x> parse, and the step itself must refuse them");
            Exchange fine = new DefaultExchange(context);
            fine.setProperty(
                    IngressRequest.PROPERTY,
                    new IngressRequest(
                            HttpMethod.GET,
                            HttpVersion.HTTP_1_1,
                            true,
                            new DefaultHttpHeaders().add("Host", "shop.example.com"),
                            RequestTarget.parse("/a/%7Eb;p=1/@x:y?q=1&r=/s?t")));
            new HttpsRedirect().process(fine);
            assertEquals(
                    "https://shop.example.com/a/~b;p=1/@x:y?q=1&r=/s?t",
                    fine.getMessage().getHeader("Location"));
        }
    }

    @Test
    void aRequestWithoutHostGets400FromIngressBeforeTheRoute() throws IOException {
        assertEquals(400, send("GET /a HTTP/1.1\r\n\r\n").status());
    }

    @Test
    void onAnHttpsRouteTheStepLetsTheRequestThrough() throws Exception {
        int before = backend.requests().size();
        TlsClient.Answer answer = TlsClient.get(httpsPort, "localhost", "TLSv1.3", authority.ca());
        assertTrue(answer.text().startsWith("HTTP/1.1 200"), answer.text());
        assertEquals(before + 1, backend.requests().size());
    }

    @Test
    void anInvalidPortOrStatusStopsStartNamingTheSetting() {
        Exception port = assertThrows(
                Exception.class,
                () -> RunningSerai.routes(ROUTES.replace("8443", "70000"))
                        .property("backend.1", backend.hostPort())
                        .property("https.port", RunningSerai.freePort())
                        .start(dir));
        assertTrue(
                rootMessage(port).equals("https redirect httpsPort=70000 is invalid: expected 1 to 65535"),
                rootMessage(port));
        Exception status = assertThrows(
                Exception.class,
                () -> RunningSerai.routes(ROUTES.replace("307", "200"))
                        .property("backend.1", backend.hostPort())
                        .property("https.port", RunningSerai.freePort())
                        .start(dir));
        assertEquals("https redirect status=200 is invalid: expected 301, 302, 303, 307 or 308", rootMessage(status));
    }

    private static String rootMessage(Throwable t) {
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    private static RawResponse send(String raw) throws IOException {
        return RawHttp.exchange(serai.port(), raw);
    }
}

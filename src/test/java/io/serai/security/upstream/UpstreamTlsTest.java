package io.serai.security.upstream;

import io.serai.metrics.SeraiMeters;
import io.serai.support.RawHttp;
import io.serai.support.RawResponse;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real TLS handshakes with https:// backends (the JDK's TLS on the backend side), certificates made at
 * test time: what is trusted gets through, everything else is a 502 with a short reason that the
 * backend never saw a request for.
 */
@Timeout(60)
class UpstreamTlsTest {

    @TempDir
    static Path dir;

    static TestCertificates authority;
    static TestCertificates clientAuthority;
    static TestBackend trusted;
    static TestBackend unknownToTheJdk;
    static TestBackend expired;
    static TestBackend otherHost;
    static TestBackend selfSigned;
    static TestBackend mutual;
    static TestBackend named;
    static RunningSerai serai;

    @BeforeAll
    static void start() throws Exception {
        authority = TestCertificates.authority("Backend CA");
        clientAuthority = TestCertificates.authority("Client CA");
        Path ca = authority.writeCa(dir.resolve("backend-ca.pem"));
        Path[] client = clientAuthority.issue("serai-client").write(dir, "client");
        trusted = TestBackend.startTls("trusted", authority.issue("localhost"), null);
        unknownToTheJdk = TestBackend.startTls("unknown-to-the-jdk", authority.issue("localhost"), null);
        expired = TestBackend.startTls(
                "expired", authority.issue("localhost", Duration.ofDays(-10), Duration.ofDays(-1), "localhost"), null);
        otherHost = TestBackend.startTls("other-host", authority.issue("api.example.test"), null);
        selfSigned = TestBackend.startTls("self-signed", TestCertificates.selfSigned("localhost"), null);
        mutual = TestBackend.startTls("mutual", authority.issue("localhost"), clientAuthority.ca());
        named = TestBackend.startTls("named", authority.issue("api.internal.test"), null);
        serai = RunningSerai.routes(route("trusted", "{{trusted}}?tlsCa={{ca}}")
                        + route("system-trust", "{{unknown}}")
                        + route("expired", "{{expired}}?tlsCa={{ca}}")
                        + route("other-host", "{{other}}?tlsCa={{ca}}")
                        + route("self-signed", "{{self}}?tlsCa={{ca}}")
                        + route("mtls-without", "{{mutual}}?tlsCa={{ca}}")
                        + route(
                                "mtls-with",
                                "{{mutual}}?tlsCa={{ca}}&tlsClientCert={{client.cert}}&tlsClientKey={{client.key}}")
                        + route(
                                "named",
                                "https://127.0.0.1:{{named.port}}?tlsCa={{ca}}&tlsServerName=api.internal.test")
                        + """
                - route:
                    id: failover
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/failover?matchOnUriPrefix=true"
                      steps:
                        - loadBalance:
                            failoverLoadBalancer: {}
                            steps:
                              - to: "netty-http:{{unknown}}"
                              - to: "netty-http:{{trusted}}?tlsCa={{ca}}"
                """)
                .property("ca", ca)
                .property("client.cert", client[0])
                .property("client.key", client[1])
                .property("trusted", trusted.url())
                .property("unknown", unknownToTheJdk.url())
                .property("expired", expired.url())
                .property("other", otherHost.url())
                .property("self", selfSigned.url())
                .property("mutual", mutual.url())
                .property("named.port", named.port())
                .start(dir);
    }

    private static String route(String id, String backend) {
        return """
                - route:
                    id: %s
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/%s?matchOnUriPrefix=true"
                      steps:
                        - to: "netty-http:%s"
                """.formatted(id, id, backend);
    }

    @AfterAll
    static void stop() throws IOException {
        serai.close();
        for (TestBackend b : List.of(trusted, unknownToTheJdk, expired, otherHost, selfSigned, mutual, named)) {
            b.close();
        }
    }

    @Test
    void aBackendWhoseCertificateTheCaBundleTrustsAnswersAndGetsItsHostNameAsSni() throws Exception {
        RawResponse r = get("/trusted/x?q=1");
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("trusted", r.header("X-Backend"));
        assertEquals("GET", trusted.lastRequest().method());
        assertEquals(
                "localhost",
                trusted.serverNames().get(trusted.serverNames().size() - 1),
                "SNI is sent for a host name without a dot too");
    }

    @Test
    void theJdkTrustStoreDoesNotTrustAPrivateCaSoTheClientGets502AndTheBackendNothing() throws Exception {
        String before = scrape();
        RawResponse r = get("/system-trust/x");
        assertEquals(502, r.status());
        assertTrue(r.bodyText().contains("TLS handshake with the backend failed: "), r.bodyText());
        assertTrue(r.bodyText().contains("not trusted"), r.bodyText());
        assertEquals(0, unknownToTheJdk.requests().size());
        String errors = "serai_upstream_errors_total{backend=\"" + unknownToTheJdk.url()
                + "\",kind=\"tls_handshake\",route=\"system-trust\"}";
        assertEquals(1.0, value(scrape(), errors) - value(before, errors), "counted as its own kind");
    }

    @Test
    void anExpiredBackendCertificateIs502() throws Exception {
        RawResponse r = get("/expired/x");
        assertEquals(502, r.status());
        assertTrue(r.bodyText().contains("expired"), r.bodyText());
        assertEquals(0, expired.requests().size());
    }

    @Test
    void aCertificateForAnotherHostIs502() throws Exception {
        RawResponse r = get("/other-host/x");
        assertEquals(502, r.status());
        // The name itself is in the log; the client is not told the backend's name (serai.errors.verbose).
        assertTrue(r.bodyText().contains("its certificate is not for the backend's name"), r.bodyText());
        assertEquals(0, otherHost.requests().size());
    }

    @Test
    void aSelfSignedCertificateIs502() throws Exception {
        RawResponse r = get("/self-signed/x");
        assertEquals(502, r.status());
        assertTrue(r.bodyText().contains("not trusted"), r.bodyText());
        assertEquals(0, selfSigned.requests().size());
    }

    @Test
    void aBackendThatRequiresAClientCertificateGetsOneOnlyFromTheRouteThatConfiguresIt() throws Exception {
        // One client connection, so every call runs on the same event loop and would find the same pool.
        try (RawHttp client = RawHttp.connect(serai.port())) {
            RawResponse with = client.send(request("/mtls-with/x")).read();
            assertEquals(200, with.status(), with.bodyText());
            assertEquals(
                    "CN=serai-client",
                    mutual.clientCertificates().get(mutual.clientCertificates().size() - 1));
            int seen = mutual.requests().size();

            // The connection the first route left in its pool is never lent to a route without the certificate.
            RawResponse without = client.send(request("/mtls-without/x")).read();
            assertEquals(502, without.status());
            assertTrue(without.bodyText().contains("it requires a client certificate"), without.bodyText());
            assertEquals(seen, mutual.requests().size());

            assertEquals(200, client.send(request("/mtls-with/y")).read().status());
            assertEquals(seen + 1, mutual.requests().size());
        }
    }

    @Test
    void tlsServerNameIsSentAsSniAndVerifiedInsteadOfTheHost() throws Exception {
        RawResponse r = get("/named/x");
        assertEquals(200, r.status(), r.bodyText());
        assertEquals(
                "api.internal.test", named.serverNames().get(named.serverNames().size() - 1));
    }

    @Test
    void aFailedHandshakeFailsOverToTheNextMemberLikeAFailedConnect() throws Exception {
        int before = unknownToTheJdk.requests().size();
        RawResponse r = get("/failover/x");
        assertEquals(200, r.status(), r.bodyText());
        assertEquals("trusted", r.header("X-Backend"));
        assertEquals(before, unknownToTheJdk.requests().size());
    }

    private static RawResponse get(String target) throws IOException {
        return RawHttp.exchange(serai.port(), request(target));
    }

    private static String request(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n";
    }

    private static String scrape() {
        return SeraiMeters.of(serai.context()).scrape();
    }

    private static double value(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        return 0;
    }
}

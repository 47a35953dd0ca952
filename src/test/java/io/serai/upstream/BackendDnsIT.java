package io.serai.upstream;

import io.serai.balancing.HealthAwareLoadBalancer;
import io.serai.balancing.Member;
import io.serai.camel.ProcessorGraph;
import io.serai.support.Behaviours;
import io.serai.support.MetricScrape;
import io.serai.support.RunningSerai;
import io.serai.support.TestBackend;
import io.serai.support.TestDnsServer;
import io.serai.support.Traffic;
import io.serai.support.Waits;
import org.apache.camel.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Backend names resolved by Serai's own non-blocking resolver against a real DNS server on loopback, and
 * members that are every address of a name ({@code resolve=all}); the backends listen on 127.0.0.2-4.
 */
class BackendDnsIT {

    private static TestDnsServer dns;

    @BeforeAll
    static void startDns() throws Exception {
        dns = TestDnsServer.start();
    }

    @AfterAll
    static void stopDns() {
        dns.close();
    }

    private static InetAddress loopback(int last) throws Exception {
        return InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) last});
    }

    private static RunningSerai.Builder serai(String routes) {
        return RunningSerai.routes(routes).property("serai.dns.servers", dns.address());
    }

    private static String route(String id, String path, String to) {
        return """
                - route:
                    id: %s
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}%s?matchOnUriPrefix=true"
                      steps:
                        - to: "netty-http:%s"
                """.formatted(id, path, to);
    }

    @Test
    void aBackendNameIsLookedUpAgainOnceItsRecordsTtlRunsOut(@TempDir Path tmp) throws Exception {
        dns.answer("moving.test", 1, "127.0.0.2");
        try (TestBackend before = TestBackend.startOn("before", loopback(2), 0);
                TestBackend after = TestBackend.startOn("after", loopback(3), before.port());
                RunningSerai serai = serai(route("moving", "/", "http://moving.test:" + before.port()))
                        .start(tmp)) {
            assertEquals("before", Traffic.get(serai.port(), "/t"));

            dns.answer("moving.test", 1, "127.0.0.3");
            before.close(); // the old pod is gone, with its kept-alive connections

            Waits.upTo(Waits.PROMPTLY)
                    .alias("requests reach the name's new address")
                    .until(() -> "after".equals(Traffic.get(serai.port(), "/t")));
        }
    }

    @Test
    void anAnswerIsKeptForItsTtlButNoLongerThanTheMaximum(@TempDir Path tmp) throws Exception {
        dns.answer("kept.test", 3600, "127.0.0.2");
        try (TestBackend before = TestBackend.startOn("before", loopback(2), 0);
                TestBackend after = TestBackend.startOn("after", loopback(3), before.port());
                RunningSerai serai = serai(route("kept", "/", "http://kept.test:" + before.port()))
                        .property("serai.dns.max-ttl", "5s")
                        .start(tmp)) {
            // Each answer closes its connection, so each request connects anew.
            before.respondWith(Behaviours.status(200, Map.of("X-Backend", "before", "Connection", "close"), "{}"));
            assertEquals("before", Traffic.get(serai.port(), "/t"));
            long asked = dns.questionsAbout("kept.test");
            for (int i = 0; i < 5; i++) {
                assertEquals("before", Traffic.get(serai.port(), "/t"));
            }
            assertEquals(6, before.connectionCount());
            assertEquals(asked, dns.questionsAbout("kept.test"), "new connections use the cached answer");

            dns.answer("kept.test", 3600, "127.0.0.3");
            Waits.upTo(Waits.PROMPTLY)
                    .alias("serai.dns.max-ttl cuts the record's hour short")
                    .until(() -> "after".equals(Traffic.get(serai.port(), "/t")));
        }
    }

    @Test
    void aResolveAllMemberSpreadsOverEveryAddressAndFollowsTheirChanges(@TempDir Path tmp) throws Exception {
        dns.answer("pods.test", 1, "127.0.0.2", "127.0.0.3");
        String routes = """
                - route:
                    id: pods
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                      steps:
                        - loadBalance:
                            roundRobinLoadBalancer: {}
                            steps:
                              - to: "netty-http:http://pods.test:{{pods.port}}?resolve=all"
                """;
        try (TestBackend a = TestBackend.startOn("a", loopback(2), 0);
                TestBackend b = TestBackend.startOn("b", loopback(3), a.port());
                TestBackend c = TestBackend.startOn("c", loopback(4), a.port());
                RunningSerai serai =
                        serai(routes).property("pods.port", a.port()).start(tmp)) {
            String origin = "http://pods.test:" + a.port();
            assertEquals(List.of(origin + " (127.0.0.2)", origin + " (127.0.0.3)"), memberNames(serai));
            assertEquals(Map.of("a", 10, "b", 10), Traffic.sequential(serai.port(), 20));

            dns.answer("pods.test", 1, "127.0.0.3", "127.0.0.4");

            Waits.upTo(Waits.PROMPTLY)
                    .alias("the balancer's members follow the name's addresses")
                    .until(() -> memberNames(serai).equals(List.of(origin + " (127.0.0.3)", origin + " (127.0.0.4)")));
            assertEquals(Map.of("b", 10, "c", 10), Traffic.sequential(serai.port(), 20));
        }
    }

    @Test
    void eachAddressOfAResolveAllMemberHasItsOwnHealthAndMetrics(@TempDir Path tmp) throws Exception {
        dns.answer("checked.test", 1, "127.0.0.2", "127.0.0.3");
        String routes = """
                - route:
                    id: checked
                    from:
                      uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                      steps:
                        - loadBalance:
                            roundRobinLoadBalancer: {}
                            steps:
                              - to: "netty-http:http://checked.test:{{checked.port}}?resolve=all&healthCheckPath=/health\
                &healthCheckInterval=200ms&healthCheckTimeout=200ms&unhealthyThreshold=1"
                """;
        int admin = RunningSerai.freePort();
        try (TestBackend up = TestBackend.startOn("up", loopback(2), 0);
                TestBackend down = TestBackend.startOn("down", loopback(3), up.port());
                RunningSerai serai = serai(routes)
                        .property("checked.port", up.port())
                        .property("serai.admin.port", admin)
                        .start(tmp)) {
            down.respondWith(Behaviours.status(503, Map.of(), "not ready"));
            String origin = "http://checked.test:" + up.port();
            String upLabel = "backend=\"" + origin + " (127.0.0.2)\"";
            String downLabel = "backend=\"" + origin + " (127.0.0.3)\"";

            Waits.upTo(Waits.PROMPTLY)
                    .alias("the failing address's checks take it, and only it, out")
                    .until(() -> MetricScrape.value(admin, "serai_backend_up", downLabel) == 0
                            && MetricScrape.value(admin, "serai_backend_up", upLabel) == 1);
            assertEquals(Map.of("up", 10), Traffic.sequential(serai.port(), 10));
            assertEquals(10, MetricScrape.value(admin, "serai_upstream_requests_total", "route=\"checked\"", upLabel));
            assertTrue(down.requests().stream().allMatch(r -> r.target().equals("/health")), "only checks reach it");
        }
    }

    @Test
    void aSlowDnsAnswerHoldsUpNoOtherRequest(@TempDir Path tmp) throws Exception {
        dns.answer("slow.test", 60, "127.0.0.2").slow("slow.test", Duration.ofSeconds(2));
        try (TestBackend slow = TestBackend.startOn("slow", loopback(2), 0);
                TestBackend fast = TestBackend.start("fast");
                RunningSerai serai = serai(route("slow", "/slow", "http://slow.test:" + slow.port())
                                + route("fast", "/fast", fast.url()))
                        .start(tmp)) {
            // Enough clients that every event loop has one waiting for the slow name.
            int clients = 2 * Runtime.getRuntime().availableProcessors() + 2;
            List<CompletableFuture<String>> waiting = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                waiting.add(CompletableFuture.supplyAsync(() -> Traffic.get(serai.port(), "/slow")));
            }
            Waits.upTo(Waits.PROMPTLY)
                    .alias("Serai asks DNS for the slow name")
                    .until(() -> dns.questionsAbout("slow.test") > 0);

            assertEquals("fast", Traffic.get(serai.port(), "/fast"));
            assertTrue(
                    waiting.stream().noneMatch(CompletableFuture::isDone),
                    "the other route answered while the slow name's lookup was still pending");
            for (CompletableFuture<String> answer : waiting) {
                assertEquals("slow", answer.get(15, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void localhostAndIpAddressesNeverAskDns(@TempDir Path tmp) throws Exception {
        try (TestBackend byName = TestBackend.start("by-name");
                TestBackend byAddress = TestBackend.start("by-address");
                RunningSerai serai = serai(route("name", "/name", "http://localhost:" + byName.port())
                                + route("address", "/address", byAddress.url()))
                        .start(tmp)) {
            assertEquals("by-name", Traffic.get(serai.port(), "/name"));
            assertEquals("by-address", Traffic.get(serai.port(), "/address"));
            assertTrue(
                    dns.questions().stream().noneMatch(q -> q.startsWith("localhost") || q.startsWith("127.")),
                    "DNS was asked " + dns.questions());
        }
    }

    private static List<String> memberNames(RunningSerai serai) {
        List<String> names = new ArrayList<>();
        for (Route route : serai.context().getRoutes()) {
            for (HealthAwareLoadBalancer balancer :
                    ProcessorGraph.all(route.navigate(), HealthAwareLoadBalancer.class)) {
                balancer.members().stream().map(Member::name).forEach(names::add);
            }
        }
        return names;
    }
}

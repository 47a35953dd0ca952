package io.serai.http.grpc;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.serai.support.GrpcBackend;
import io.serai.support.GrpcClients;
import io.serai.support.RunningSerai;
import io.serai.support.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Iterator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Issue 23: what Serai refuses itself reaches a grpc-java client over HTTP/2 as the gRPC status it means (a
 * refused API key UNAUTHENTICATED, a rate limit RESOURCE_EXHAUSTED, no route UNIMPLEMENTED), never as an
 * HTTP error the client cannot read; and gRPC over TLS at the edge (h2 by ALPN) reaches an h2c member.
 */
@Timeout(60)
class GrpcRefusalsTest {

    private static final String ROUTES = """
            - beans:
                - name: apiKeys
                  type: "#class:io.serai.security.ApiKeyCheck"
                  properties:
                    keys: "mobile:grpc-test-key-0123456789"
                - name: oneACall
                  type: "#class:io.serai.resilience.RateLimitPolicy"
                  properties:
                    limit: 1
                    period: 1h
                    burst: 1
                    key: global
            - route:
                id: keyed
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/serai.test.Backend/Echo"
                  steps:
                    - process:
                        ref: apiKeys
                    - to: "netty-http:{{b1}}/serai.test.Backend/Echo?protocol=h2"
            - route:
                id: limited
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/serai.test.Backend/Count"
                  steps:
                    - policy:
                        ref: oneACall
                        steps:
                          - to: "netty-http:{{b1}}/serai.test.Backend/Count?protocol=h2"
            - route:
                id: secure
                from:
                  uri: "netty-http:https://127.0.0.1:{{https.port}}/?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:{{b1}}?protocol=h2"
            """;

    private static final Metadata.Key<String> API_KEY = Metadata.Key.of("x-api-key", Metadata.ASCII_STRING_MARSHALLER);

    @TempDir
    static Path dir;

    static GrpcBackend backend;
    static RunningSerai serai;
    static TestCertificates authority;
    static int httpsPort;
    static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        authority = TestCertificates.authority("gRPC CA");
        Path[] pair = authority.issue("grpc.test", "127.0.0.1").write(dir, "server");
        backend = GrpcBackend.start("one");
        httpsPort = RunningSerai.freePort();
        serai = RunningSerai.routes(ROUTES)
                .property("b1", "http://" + backend.hostPort())
                .property("https.port", httpsPort)
                .property("serai.tls.cert", pair[0])
                .property("serai.tls.key", pair[1])
                .start(dir);
        channel = GrpcClients.plaintext(serai.port());
    }

    @AfterAll
    static void stop() throws Exception {
        GrpcClients.close(channel);
        serai.close();
        backend.close();
    }

    @Test
    void aRefusedApiKeyIsUnauthenticatedAndAGoodOneGoesThrough() {
        StatusRuntimeException refused = assertThrows(
                StatusRuntimeException.class,
                () -> GrpcClients.unary(channel, GrpcBackend.ECHO, GrpcBackend.bytes("x")));
        assertEquals(
                Status.Code.UNAUTHENTICATED,
                refused.getStatus().getCode(),
                refused.getStatus().toString());

        Metadata key = new Metadata();
        key.put(API_KEY, "grpc-test-key-0123456789");
        byte[] answer = ClientCalls.blockingUnaryCall(
                ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(key)),
                GrpcBackend.ECHO,
                GrpcClients.options(GrpcClients.DEFAULT_DEADLINE),
                GrpcBackend.bytes("x"));
        assertEquals("one:x", GrpcBackend.text(answer));
    }

    @Test
    void aRateLimitIsResourceExhausted() {
        Iterator<byte[]> first = ClientCalls.blockingServerStreamingCall(
                channel, GrpcBackend.COUNT, GrpcClients.options(GrpcClients.DEFAULT_DEADLINE), GrpcBackend.bytes("2"));
        first.forEachRemaining(b -> {});
        StatusRuntimeException limited = assertThrows(
                StatusRuntimeException.class,
                () -> ClientCalls.blockingServerStreamingCall(
                                channel,
                                GrpcBackend.COUNT,
                                GrpcClients.options(GrpcClients.DEFAULT_DEADLINE),
                                GrpcBackend.bytes("2"))
                        .forEachRemaining(b -> {}));
        assertEquals(
                Status.Code.RESOURCE_EXHAUSTED,
                limited.getStatus().getCode(),
                limited.getStatus().toString());
    }

    @Test
    void aMethodNoRouteTakesIsUnimplemented() {
        StatusRuntimeException none = assertThrows(
                StatusRuntimeException.class,
                () -> GrpcClients.unary(channel, GrpcBackend.FAIL, GrpcBackend.bytes("0:")));
        assertEquals(
                Status.Code.UNIMPLEMENTED,
                none.getStatus().getCode(),
                none.getStatus().toString());
    }

    @Test
    void grpcOverTlsAtTheEdgeReachesTheMember() throws Exception {
        ManagedChannel tls = GrpcClients.tls(httpsPort, authority.ca(), "grpc.test");
        try {
            assertEquals(
                    "one:secure",
                    GrpcBackend.text(GrpcClients.unary(tls, GrpcBackend.ECHO, GrpcBackend.bytes("secure"))));
            Iterator<byte[]> counted = ClientCalls.blockingServerStreamingCall(
                    tls, GrpcBackend.COUNT, GrpcClients.options(GrpcClients.DEFAULT_DEADLINE), GrpcBackend.bytes("3"));
            int n = 0;
            while (counted.hasNext()) {
                assertEquals(String.valueOf(++n), GrpcBackend.text(counted.next()));
            }
            assertEquals(3, n);
        } finally {
            GrpcClients.close(tls);
        }
    }
}

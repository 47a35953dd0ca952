package io.serai.http.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.serai.support.AccessLogLines;
import io.serai.support.GrpcBackend;
import io.serai.support.GrpcClients;
import io.serai.support.MetricScrape;
import io.serai.support.RunningSerai;
import io.serai.support.Waits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Issue 23: the grpc-status a backend sends in its trailers is the one the access log ({@code grpc_status})
 * and {@code serai_grpc_responses_total} name, for a call that succeeds and for one the backend refuses.
 */
@Timeout(60)
class GrpcStatusAccountingTest {

    @TempDir
    Path dir;

    private static final String ROUTE = """
            - route:
                id: grpc-counted
                from:
                  uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true"
                  steps:
                    - to: "netty-http:{{b1}}?protocol=h2"
            """;

    private static final Metadata.Key<String> REQUEST_ID =
            Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);

    @Test
    void theBackendsTrailerStatusIsLoggedAndCounted() throws Exception {
        Path log = dir.resolve("access.log");
        int admin = RunningSerai.freePort();
        try (GrpcBackend backend = GrpcBackend.start("one");
                RunningSerai serai = RunningSerai.routes(ROUTE)
                        .property("b1", "http://" + backend.hostPort())
                        .property("serai.access-log", log)
                        .property("serai.admin.port", admin)
                        .start(dir)) {
            ManagedChannel channel = GrpcClients.plaintext(serai.port());
            try {
                String route = "route=\"grpc-counted\"";
                assertEquals("one:hi", GrpcBackend.text(call(channel, "grpc-ok", GrpcBackend.ECHO, "hi")));
                StatusRuntimeException missing = assertThrows(
                        StatusRuntimeException.class, () -> call(channel, "grpc-missing", GrpcBackend.FAIL, "5:gone"));
                assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());

                JsonNode ok = AccessLogLines.await(log, "grpc-ok");
                assertEquals("0", ok.path("grpc_status").asText(), ok.toString());
                assertEquals("HTTP/2.0", ok.path("protocol").asText());
                JsonNode notFound = AccessLogLines.await(log, "grpc-missing");
                assertEquals("5", notFound.path("grpc_status").asText(), notFound.toString());
                assertEquals(200, notFound.path("status").asInt());

                Waits.upTo(Waits.PROMPTLY)
                        .until(() -> MetricScrape.value(admin, "serai_grpc_responses_total", route, "grpc_status=\"0\"")
                                == 1);
                assertEquals(1, MetricScrape.value(admin, "serai_grpc_responses_total", route, "grpc_status=\"5\""));
                assertEquals(0, MetricScrape.value(admin, "serai_grpc_responses_total", route, "grpc_status=\"none\""));
            } finally {
                GrpcClients.close(channel);
            }
        }
    }

    private static byte[] call(
            ManagedChannel channel, String id, io.grpc.MethodDescriptor<byte[], byte[]> method, String request) {
        Metadata headers = new Metadata();
        headers.put(REQUEST_ID, id);
        return ClientCalls.blockingUnaryCall(
                ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers)),
                method,
                GrpcClients.options(GrpcClients.DEFAULT_DEADLINE),
                GrpcBackend.bytes(request));
    }
}
